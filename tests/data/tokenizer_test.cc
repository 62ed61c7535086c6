// Tests for the tokenizers: exact round trips, visible spaces, word splitting, the factory.
#include "data/tokenizer.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem::data {
namespace {

using testing::error_message;
using Tokens = std::vector<std::string>;

TEST(Tokenizer, CharSplitsCodePointsAndShowsSpaces) {
  auto tokenizer = make_tokenizer("char");
  EXPECT_EQ(tokenizer->kind(), "char");
  EXPECT_EQ(tokenizer->encode("我爱北京"), (Tokens{"我", "爱", "北", "京"}));
  EXPECT_EQ(tokenizer->encode("die Straße"),
            (Tokens{"d", "i", "e", "▁", "S", "t", "r", "a", "ß", "e"}));
  EXPECT_TRUE(tokenizer->encode("").empty());
}

TEST(Tokenizer, CharRoundTripIsExact) {
  auto tokenizer = make_tokenizer("char");
  for (std::string line : {"我爱北京", "Straße", "die Straße", "  two  spaces  ", " ", "",
                           "tab\there", "a ▁ literal ▁▁ block", "▁", "emoji \xF0\x9F\x98\x80"}) {
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(line)), line) << line;
  }
  // A literal "▁" is a token distinct from a space.
  EXPECT_EQ(tokenizer->encode("▁ "), (Tokens{"▁▁", "▁"}));
}

TEST(Tokenizer, WordSplitsOnRunsOfWhitespaceAndJoinsWithSingleSpaces) {
  auto tokenizer = make_tokenizer("word");
  EXPECT_EQ(tokenizer->kind(), "word");
  EXPECT_EQ(tokenizer->encode("  the\tcat \r\n sat  "), (Tokens{"the", "cat", "sat"}));
  EXPECT_TRUE(tokenizer->encode(" \t ").empty());
  EXPECT_EQ(tokenizer->decode({"the", "cat", "sat"}), "the cat sat");
  EXPECT_EQ(tokenizer->decode({}), "");
  // Non-ASCII spaces (here U+00A0) are not separators.
  EXPECT_EQ(tokenizer->encode("a\xC2\xA0"
                              "b c"),
            (Tokens{"a\xC2\xA0"
                    "b",
                    "c"}));
  for (std::string line : {"Die Straße ist lang .", "我爱 北京", "x"}) {
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(line)), line);
  }
}

TEST(Tokenizer, InvalidUtf8IsAnError) {
  for (const char* kind : {"char", "word"}) {
    auto tokenizer = make_tokenizer(kind);
    std::string message = error_message([&] { tokenizer->encode("ab\xFF"); });
    EXPECT_NE(message.find("byte 3"), std::string::npos) << message;
  }
}

TEST(Tokenizer, UnknownKindListsTheValidOnes) {
  std::string message = error_message([] { make_tokenizer("bpe"); });
  EXPECT_NE(message.find("'bpe'"), std::string::npos) << message;
  EXPECT_NE(message.find("char"), std::string::npos) << message;
  EXPECT_NE(message.find("word"), std::string::npos) << message;
}

}  // namespace
}  // namespace tandem::data
