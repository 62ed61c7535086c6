// SentencePiece: training is reproducible and checks its input, encode→decode gives normalised
// text back (Latin, German and Chinese), and bad models or text give clear errors.
#include "data/spm_tokenizer.h"

#include <gtest/gtest.h>

#include "data/spm_trainer.h"
#include "support/temp_dir.h"

namespace tandem::data {
namespace {

using tandem::testing::TempDir;

// A small mixed-script corpus: enough text for a few hundred pieces.
std::string corpus_text() {
  const std::vector<std::string> words = {
      "the",      "file",      "cannot",      "be",   "opened",   "Datei", "kann", "nicht",
      "geöffnet", "werden",    "Größe",       "über", "我们",     "北京",  "文件", "打开",
      "error",    "directory", "Verzeichnis", "wird", "gelöscht", "saved", "%s",   "100%"};
  std::string text;
  uint64_t x = 7;
  for (int line = 0; line < 400; ++line) {
    const int n = 3 + line % 6;
    for (int k = 0; k < n; ++k) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      text += words[(x >> 33) % words.size()] + (k + 1 < n ? " " : "\n");
    }
  }
  return text;
}

SpmTrainOptions small(const std::string& type) {
  SpmTrainOptions o;
  o.type = type;
  o.vocab_size = 60;
  o.character_coverage = 1.0;
  return o;
}

TEST(SpmTokenizer, NormalisedTextRoundTripsForBothModelTypes) {
  TempDir dir;
  const std::string corpus = dir.write("corpus.txt", corpus_text());
  for (const std::string type : {"unigram", "bpe"}) {
    SpmTokenizer spm(train_sentencepiece({corpus}, small(type)), type);
    EXPECT_EQ(spm.piece_count(), 60);
    for (const std::string line : {"the file cannot be opened", "Datei kann nicht geöffnet werden",
                                   "我们打开北京文件", "Größe über 100% %s", "x", ""}) {
      const std::vector<std::string> pieces = spm.encode(line);
      EXPECT_EQ(spm.decode(pieces), line) << type;
    }
    // Subwords: frequent text takes fewer pieces than characters, unseen words are split.
    EXPECT_LT(spm.encode("the file cannot be opened").size(), 25u) << type;  // 25 characters
    EXPECT_GT(spm.encode("unopenedness").size(), 2u) << type;
  }
}

TEST(SpmTokenizer, DecodeUndoesTheModelsWhitespaceNormalisation) {
  TempDir dir;
  SpmTokenizer spm(train_sentencepiece({dir.write("c.txt", corpus_text())}, small("unigram")), "m");
  // Leading, trailing and repeated spaces are collapsed by the model's normalisation.
  EXPECT_EQ(spm.decode(spm.encode("  the  file ")), "the file");
  // A piece the model does not know (a character outside its coverage) survives decoding.
  EXPECT_EQ(spm.decode({"\xE2\x96\x81"
                        "the",
                        "\xE2\x96\x81"
                        "Ω",
                        "x"}),
            "the Ωx");
}

TEST(SpmTokenizer, IdentityNormalisationKeepsWhatNfkcFolds) {
  TempDir dir;
  const std::string corpus = dir.write("c.txt", corpus_text() + "Warte…\nFehler…\n");
  SpmTrainOptions nfkc = small("unigram"), identity = small("unigram");
  identity.normalization = "identity";
  SpmTokenizer folded(train_sentencepiece({corpus}, nfkc), "nfkc");
  SpmTokenizer kept(train_sentencepiece({corpus}, identity), "identity");
  EXPECT_EQ(folded.decode(folded.encode("Warte…")), "Warte...");
  EXPECT_EQ(kept.decode(kept.encode("Warte…")), "Warte…");
  SpmTrainOptions wrong = small("unigram");
  wrong.normalization = "nfd";
  EXPECT_NE(
      testing::error_message([&] { train_sentencepiece({corpus}, wrong); }).find("valid: nmt_nfkc"),
      std::string::npos);
}

TEST(SpmTrainer, IsReproducibleEvenWhenSamplingLines) {
  TempDir dir;
  const std::string corpus = dir.write("corpus.txt", corpus_text());
  SpmTrainOptions o = small("unigram");
  o.max_sentences = 200;  // fewer than the 400 lines: SentencePiece samples
  EXPECT_EQ(train_sentencepiece({corpus}, o), train_sentencepiece({corpus}, o));
}

TEST(SpmTrainer, BadInputGivesClearErrors) {
  TempDir dir;
  const std::string corpus = dir.write("corpus.txt", corpus_text());
  EXPECT_NE(testing::error_message([&] {
              train_sentencepiece({dir.file("none.txt")}, {});
            }).find("none.txt"),
            std::string::npos);
  const std::string bad = dir.write("bad.txt", "fine\nnot \xFF utf-8\n");
  EXPECT_NE(testing::error_message([&] { train_sentencepiece({bad}, {}); }).find("bad.txt:2"),
            std::string::npos);
  const std::string empty = dir.write("empty.txt", "\n\n");
  EXPECT_NE(testing::error_message([&] { train_sentencepiece({empty}, {}); }).find("no text"),
            std::string::npos);
  SpmTrainOptions too_big = small("bpe");
  too_big.vocab_size = 100000;
  EXPECT_NE(testing::error_message([&] {
              train_sentencepiece({corpus}, too_big);
            }).find("Vocabulary size too high"),
            std::string::npos);
  SpmTrainOptions wrong_type = small("wordpiece");
  EXPECT_NE(testing::error_message([&] {
              train_sentencepiece({corpus}, wrong_type);
            }).find("valid types: unigram, bpe"),
            std::string::npos);
}

TEST(SpmTokenizer, BadModelFilesAndBadTextGiveClearErrors) {
  TempDir dir;
  EXPECT_NE(testing::error_message([&] {
              SpmTokenizer::from_file(dir.file("missing.model"));
            }).find("missing.model"),
            std::string::npos);
  const std::string junk = dir.write("junk.model", "this is not a model");
  EXPECT_NE(testing::error_message([&] { SpmTokenizer::from_file(junk); }).find("junk.model"),
            std::string::npos);
  SpmTokenizer spm(train_sentencepiece({dir.write("c.txt", corpus_text())}, small("unigram")), "m");
  EXPECT_NE(testing::error_message([&] { spm.encode("a\xC3"); }).find("UTF-8"), std::string::npos);
  EXPECT_NE(testing::error_message([&] { make_tokenizer("spm"); }).find("SentencePiece model"),
            std::string::npos);
}

}  // namespace
}  // namespace tandem::data
