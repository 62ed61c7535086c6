// The attention heatmap as an SVG picture: output tokens down, source tokens across.
#pragma once

#include <string>
#include <vector>

namespace tandem {

// One square per (output, source) pair, darker for more weight, the weight in a tooltip; the
// tokens label the axes in a font list that covers CJK (WenQuanYi Zen Hei, Noto Sans CJK).
std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& output,
                          const std::vector<std::vector<float>>& weights);

}  // namespace tandem
