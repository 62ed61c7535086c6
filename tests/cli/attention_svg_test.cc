// The attention heatmap SVG: one cell per (output, source) pair, escaped labels, Chinese text.
#include "cli/attention_svg.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/temp_dir.h"

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

// Characters XML 1.0 forbids (most controls, U+FFFF) become U+FFFD: the file stays parseable.
TEST(AttentionSvg, CharactersXmlForbidsAreReplaced) {
  const std::string svg = attention_svg({"a\x01"
                                         "b",
                                         "\x1f"},
                                        {"\xEF\xBF\xBF", "</s>"}, {{0.5f, 0.5f}, {1.0f, 0.0f}});
  for (const char c : svg)
    EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 || c == '\n') << "byte " << int(c);
  EXPECT_EQ(svg.find("\xEF\xBF\xBF"), std::string::npos);
  EXPECT_NE(svg.find(">a\xEF\xBF\xBD"
                     "b</text>"),
            std::string::npos);
}

// At most kMaxPlotTokens tokens on each axis: a 900-token sentence once drew a picture 30,694
// pixels wide (117 MB); beyond the limit the error names it and the axis.
TEST(AttentionSvg, RefusesMoreTokensThanTheLimitOnEitherAxis) {
  const std::vector<std::string> most(kMaxPlotTokens, "a"), more(kMaxPlotTokens + 1, "a");
  const std::vector<std::vector<float>> w(kMaxPlotTokens + 1,
                                          std::vector<float>(kMaxPlotTokens + 1, 0.5f));
  const std::string svg = attention_svg(most, most, w);
  EXPECT_EQ(count(svg, "class=\"cell\""), kMaxPlotTokens * kMaxPlotTokens);
  EXPECT_LT(svg.size(), 10u << 20);
  const std::string limit = std::to_string(kMaxPlotTokens);
  const std::string source = testing::error_message([&] { attention_svg(more, most, w); });
  EXPECT_NE(source.find(std::to_string(kMaxPlotTokens + 1) + " source tokens"), std::string::npos)
      << source;
  EXPECT_NE(source.find("at most " + limit), std::string::npos) << source;
  const std::string output = testing::error_message([&] { attention_svg(most, more, w); });
  EXPECT_NE(output.find(std::to_string(kMaxPlotTokens + 1) + " output tokens"), std::string::npos)
      << output;
}

}  // namespace
}  // namespace tandem
