// The attention heatmap SVG: one cell per (output, source) pair, escaped labels, Chinese text.
#include "cli/attention_svg.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace tandem {
namespace {

size_t count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

TEST(AttentionSvg, OneCellPerPairAndEscapedLabels) {
  const std::vector<std::string> source = {"我", "爱", "北京", "<&>"};
  const std::vector<std::string> output = {"I", "love", "Beijing", "</s>"};
  std::vector<std::vector<float>> w(4, std::vector<float>(4, 0.1f));
  for (int i = 0; i < 4; ++i) w[i][i] = 0.7f;
  const std::string svg = attention_svg(source, output, w);
  EXPECT_EQ(count(svg, "class=\"cell\""), 16u);
  EXPECT_EQ(count(svg, "<title>"), 16u);  // hover shows the weight
  EXPECT_NE(svg.find("北京"), std::string::npos);
  EXPECT_NE(svg.find("&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<&>"), std::string::npos);
  EXPECT_NE(svg.find("I ← 我: 0.700"), std::string::npos);
  EXPECT_NE(svg.find("WenQuanYi Zen Hei"), std::string::npos);
  // To look at it: TANDEM_SVG_SAMPLE=/tmp/sample.svg, then rsvg-convert it to PNG.
  if (const char* path = std::getenv("TANDEM_SVG_SAMPLE")) std::ofstream(path) << svg;
}

}  // namespace
}  // namespace tandem
