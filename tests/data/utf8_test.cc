// Tests for the UTF-8 helpers: validity by the Unicode table, offsets of errors, code points.
#include "data/utf8.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem::data {
namespace {

using testing::error_message;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII\t~"));
  EXPECT_TRUE(is_valid_utf8("Straße"));
  EXPECT_TRUE(is_valid_utf8("我爱北京"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600, four bytes
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST(Utf8, RejectsOverlongsSurrogatesAndOutOfRange) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong three-byte
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong four-byte
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\x80"));       // a lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xC3"));       // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\xE6\x88"));   // truncated three-byte
  EXPECT_FALSE(is_valid_utf8("\xE6\x88x"));  // bad continuation
}

TEST(Utf8, FindsTheOffsetOfTheFirstInvalidSequence) {
  EXPECT_EQ(find_invalid_utf8("Straße"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("ab\xFF"
                              "cd\xFF"),
            2u);
  EXPECT_EQ(find_invalid_utf8("\xC3\xA4\xE6\x88"), 2u);  // "ä" then a truncated sequence
  EXPECT_EQ(describe_invalid_utf8("ab\xFF", 2), "invalid UTF-8 at byte 3 (0xFF)");
}

TEST(Utf8, SplitsIntoCodePoints) {
  EXPECT_EQ(split_code_points("我爱北京"), (std::vector<std::string>{"我", "爱", "北", "京"}));
  EXPECT_EQ(split_code_points("aß\xF0\x9F\x98\x80"),
            (std::vector<std::string>{"a", "ß", "\xF0\x9F\x98\x80"}));
  EXPECT_TRUE(split_code_points("").empty());
  std::string message = error_message([] { split_code_points("ok\xED\xA0\x80"); });
  EXPECT_NE(message.find("byte 3"), std::string::npos) << message;
}

}  // namespace
}  // namespace tandem::data
