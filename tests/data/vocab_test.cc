// Tests for Vocab: building order and limits, lookup, encode/decode, the file and its errors.
#include "data/vocab.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem::data {
namespace {

using testing::error_message;
using testing::TempDir;
using Tokens = std::vector<std::string>;
using Lines = std::vector<Tokens>;

// Counts: c 3, a 2, b 2, d 1, ß 2 (ties between a, b, ß broken by bytes: 'a' < 'b' < 0xC3).
const Lines kCorpus = {{"c", "a", "b"}, {"ß", "c", "d"}, {"c", "b", "a", "ß"}};

TEST(Vocab, SpecialsFirstThenByFrequencyThenBytes) {
  Vocab vocab = Vocab::build(kCorpus, 1, 0);
  EXPECT_EQ(vocab.tokens(), (Tokens{"<pad>", "<unk>", "<s>", "</s>", "c", "a", "b", "ß", "d"}));
  EXPECT_EQ(vocab.size(), 9);
  EXPECT_EQ(vocab.id("<pad>"), Vocab::kPad);
  EXPECT_EQ(vocab.id("<unk>"), Vocab::kUnk);
  EXPECT_EQ(vocab.id("<s>"), Vocab::kBos);
  EXPECT_EQ(vocab.id("</s>"), Vocab::kEos);
  EXPECT_EQ(vocab.id("c"), 4);
  EXPECT_EQ(vocab.token(7), "ß");
  // The same counts in another order give the same vocabulary.
  EXPECT_EQ(Vocab::build({{"d", "ß", "ß", "b", "b", "a", "a", "c", "c", "c"}}, 1, 0), vocab);
}

TEST(Vocab, MinFrequencyAndMaxSize) {
  EXPECT_EQ(Vocab::build(kCorpus, 2, 0).tokens(),
            (Tokens{"<pad>", "<unk>", "<s>", "</s>", "c", "a", "b", "ß"}));
  EXPECT_EQ(Vocab::build(kCorpus, 3, 0).tokens(), (Tokens{"<pad>", "<unk>", "<s>", "</s>", "c"}));
  EXPECT_EQ(Vocab::build(kCorpus, 1, 6).tokens(),
            (Tokens{"<pad>", "<unk>", "<s>", "</s>", "c", "a"}));
  EXPECT_EQ(Vocab::build(kCorpus, 1, 4).size(), 4);
  EXPECT_EQ(Vocab::build(kCorpus, 1, -1).size(), 9);
  EXPECT_EQ(Vocab::build(kCorpus, 0, 100).size(), 9);
  EXPECT_THROW(Vocab::build(kCorpus, 1, 3), Error);
  EXPECT_EQ(Vocab::build({}, 1, 0).size(), 4);
}

TEST(Vocab, SkipsSpecialsAndUnstorableTokens) {
  Vocab vocab = Vocab::build({{"<s>", "x", "\t", "a\tb", "\r", "", "</s>", "<unk>"}}, 1, 0);
  EXPECT_EQ(vocab.tokens(), (Tokens{"<pad>", "<unk>", "<s>", "</s>", "x"}));
  EXPECT_EQ(vocab.id("\t"), Vocab::kUnk);
  EXPECT_THROW(Vocab::build({{"ok", "bad\xFF"}}, 1, 0), Error);
}

TEST(Vocab, UnknownTokensMapToUnk) {
  Vocab vocab = Vocab::build(kCorpus, 1, 0);
  EXPECT_EQ(vocab.id("zebra"), Vocab::kUnk);
  EXPECT_EQ(vocab.id(""), Vocab::kUnk);
  EXPECT_EQ(vocab.encode({"c", "zebra", "d"}), (std::vector<int32_t>{4, Vocab::kUnk, 8}));
}

TEST(Vocab, DecodeStopsAtEosAndSkipsPadAndBos) {
  Vocab vocab = Vocab::build(kCorpus, 1, 0);
  EXPECT_EQ(vocab.decode({Vocab::kBos, 4, Vocab::kPad, Vocab::kUnk, 5, Vocab::kEos, 6}),
            (Tokens{"c", "<unk>", "a"}));
  EXPECT_EQ(vocab.decode(vocab.encode({"a", "b"})), (Tokens{"a", "b"}));
  EXPECT_THROW(vocab.decode({4, 9}), Error);
}

TEST(Vocab, OutOfRangeIdIsAnError) {
  Vocab vocab;
  EXPECT_EQ(vocab.size(), 4);
  std::string message = error_message([&] { vocab.token(4); });
  EXPECT_NE(message.find("4"), std::string::npos) << message;
  EXPECT_THROW(vocab.token(-1), Error);
}

TEST(Vocab, SaveLoadRoundTrip) {
  TempDir dir;
  Vocab vocab = Vocab::build({{"我", "爱", "北", "京", "▁", "Straße", "我"}}, 1, 0);
  std::string path = dir.file("vocab.txt");
  vocab.save(path);
  EXPECT_EQ(Vocab::load(path), vocab);
  EXPECT_EQ(Vocab::load(path).id("我"), 4);
  // The file is one token per line, nothing else.
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.substr(0, 25), "<pad>\n<unk>\n<s>\n</s>\n我\n");
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(Vocab, LoadToleratesCrlfAndBom) {
  TempDir dir;
  std::string path = dir.write("v.txt", "\xEF\xBB\xBF<pad>\r\n<unk>\r\n<s>\r\n</s>\r\nx\r\ny");
  EXPECT_EQ(Vocab::load(path).tokens(), (Tokens{"<pad>", "<unk>", "<s>", "</s>", "x", "y"}));
}

// Loading `bytes` fails with a message naming the file, `line` and containing `what`.
void expect_load_error(const std::string& bytes, int line, const std::string& what) {
  TempDir dir;
  std::string path = dir.write("vocab.txt", bytes);
  std::string message = error_message([&] { Vocab::load(path); });
  std::string where = line > 0 ? path + ":" + std::to_string(line) + ":" : path;
  EXPECT_NE(message.find(where), std::string::npos) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

TEST(Vocab, LoadErrorsNameTheFileAndLine) {
  const std::string specials = "<pad>\n<unk>\n<s>\n</s>\n";
  expect_load_error(specials + "a\nb\xFF\n", 6, "invalid UTF-8 at byte 2");
  expect_load_error(specials + "a\n\nb\n", 6, "empty token");
  expect_load_error(specials + "a\nb\na\n", 7, "duplicate token 'a' (first on line 5)");
  expect_load_error(specials + "a\n<s>\n", 6, "duplicate token '<s>' (first on line 3)");
  expect_load_error(specials + "a\n<unk>\n", 6, "duplicate token '<unk>' (first on line 2)");
  expect_load_error(specials + "a\tb\n", 5, "tab");
  expect_load_error(specials + "a\rb\n", 5, "carriage return");
  expect_load_error("<pad>\n<s>\n<unk>\n</s>\n", 2, "expected the special token '<unk>'");
  expect_load_error("a\nb\n", 1, "expected the special token '<pad>'");
  expect_load_error("<pad>\n<unk>\n", 0, "too few");
  expect_load_error("", 0, "too few");
}

TEST(Vocab, LoadMissingFileNamesIt) {
  TempDir dir;
  std::string path = dir.file("missing.txt");
  std::string message = error_message([&] { Vocab::load(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

}  // namespace
}  // namespace tandem::data
