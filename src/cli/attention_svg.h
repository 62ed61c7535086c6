// The attention heatmap as an SVG picture: output tokens down, source tokens across.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tandem {

// The most tokens drawn on each axis: 200 cells of 34 pixels make a picture of about 7,000
// pixels square and 6 MB, as large as is of use (900 tokens once made one of 117 MB).
inline constexpr size_t kMaxPlotTokens = 200;

// One square per (output, source) pair, darker for more weight, the weight in a tooltip; the
// tokens label the axes in a font list that covers CJK (WenQuanYi Zen Hei, Noto Sans CJK).
// More than kMaxPlotTokens on either axis is an error naming the count and the limit.
std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& output,
                          const std::vector<std::vector<float>>& weights);

}  // namespace tandem
