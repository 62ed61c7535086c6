// The attention heatmap in SVG: plain text output, no graphics library needed, and any browser
// or rsvg-convert renders it.
#include "cli/attention_svg.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "data/utf8.h"
#include "tensor/error.h"

namespace tandem {

namespace {

// Markup characters become entities; characters XML 1.0 forbids even as references (controls
// other than tab, newline and CR; U+FFFE, U+FFFF) become U+FFFD, so any parser reads the file.
std::string escape_xml(const std::string& s) {
  std::string out;
  for (const std::string& cp : data::split_code_points(s)) {
    const unsigned char c = cp[0];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || cp == "\xEF\xBF\xBE" ||
        cp == "\xEF\xBF\xBF") {
      out += "\xEF\xBF\xBD";
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += cp;
    }
  }
  return out;
}

// Display width in cells of roughly one Latin letter: CJK ideographs count two.
double text_width(const std::string& s) {
  double w = 0;
  for (const std::string& cp : data::split_code_points(s)) w += cp.size() >= 3 ? 2.0 : 1.0;
  return w;
}

}  // namespace

std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& output,
                          const std::vector<std::vector<float>>& weights) {
  for (const auto& [axis, tokens] : {std::pair{"source", &source}, {"output", &output}})
    check(tokens->size() <= kMaxPlotTokens, [&] {
      return std::to_string(tokens->size()) + " " + axis +
             " tokens: an attention picture shows at most " + std::to_string(kMaxPlotTokens) +
             " on each axis (" + std::to_string(34 * kMaxPlotTokens) +
             " pixels of cells); plot a shorter sentence, or read all the weights from "
             "translate --attention-json";
    });
  const double cell = 34, char_w = 8.5, pad = 12;
  double left = 0, top = 0;
  for (const std::string& s : output) left = std::max(left, text_width(s) * char_w);
  for (const std::string& s : source) top = std::max(top, text_width(s) * char_w);
  // Labels as wide as a cell at most (characters, Chinese included) stand upright above their
  // column; longer ones run at 45°, which needs less height than their length.
  const bool upright = top <= cell - 4;
  left += pad * 2;
  top = upright ? 14 + pad * 2 : top * 0.75 + pad * 2;
  const double width = left + cell * source.size() + pad * 3;
  const double height = top + cell * output.size() + pad;
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"'WenQuanYi Zen Hei', 'Noto Sans CJK SC', "
                "'DejaVu Sans', sans-serif\" font-size=\"14\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                width, height, width, height);
  svg += buf;
  for (size_t j = 0; j < source.size(); ++j) {
    const double x = left + cell * (j + 0.5), y = top - 6;
    if (upright)
      std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, y);
    else
      std::snprintf(buf, sizeof buf,
                    "<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(-45 %.1f %.1f)\">", x, y, x, y);
    svg += buf + escape_xml(source[j]) + "</text>\n";
  }
  for (size_t i = 0; i < output.size(); ++i) {
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 8,
                  top + cell * (i + 0.5) + 5);
    svg += buf + escape_xml(output[i]) + "</text>\n";
    for (size_t j = 0; j < source.size(); ++j) {
      const float w = i < weights.size() && j < weights[i].size() ? weights[i][j] : 0.0f;
      // White to dark blue; the shade is linear in the weight.
      const int r = static_cast<int>(255 - w * (255 - 8)),
                g = static_cast<int>(255 - w * (255 - 48)),
                b = static_cast<int>(255 - w * (255 - 107));
      std::snprintf(buf, sizeof buf,
                    "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"rgb(%d,%d,%d)\" stroke=\"#ddd\"><title>",
                    left + cell * j, top + cell * i, cell, cell, r, g, b);
      svg += buf + escape_xml(output[i]) + " ← " + escape_xml(source[j]);
      std::snprintf(buf, sizeof buf, ": %.3f</title></rect>\n", w);
      svg += buf;
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tandem
