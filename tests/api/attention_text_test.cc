// translate --attention's text matrix: columns cut and padded by characters, never mid-character.
#include <gtest/gtest.h>

#include <sstream>

#include "api/translation.h"
#include "data/utf8.h"

namespace tandem {
namespace {

TEST(AttentionText, CutsLongTokensOnCharacterBoundaries) {
  Translation t;
  t.source_tokens = {"äöüßéè", "北京大学生活动", "ab"};
  Output o;
  o.tokens = {"größe", "</s>"};
  o.attention = {{0.5f, 0.25f, 0.25f}, {0.0f, 0.0f, 1.0f}};
  const std::string text = format_attention(t, o);
  EXPECT_TRUE(data::is_valid_utf8(text)) << text;
  std::istringstream in(text);
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  // Labels padded to the longest output token (5 characters) plus a space; cells of 5
  // characters plus a space, as for ASCII tokens.
  EXPECT_EQ(header, "      äöüßé 北京大学生 ab    ");
  EXPECT_EQ(first, "größe 0.50  0.25  0.25  ");
  EXPECT_EQ(second, "</s>  0.00  0.00  1.00  ");
}

}  // namespace
}  // namespace tandem
