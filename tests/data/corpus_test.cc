// Tests for the corpus readers: line rules (CRLF, BOM, final line, empty lines) and their errors.
#include "data/corpus.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem::data {
namespace {

using testing::error_message;
using testing::TempDir;
using Lines = std::vector<std::string>;

// `message` names `path` at `line` ("path:line:") and contains `what`.
void expect_names(const std::string& message, const std::string& path, int line,
                  const std::string& what) {
  EXPECT_NE(message.find(path + ":" + std::to_string(line) + ": "), std::string::npos) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

TEST(Corpus, ReadLinesKeepsEmptyLinesAndAFinalLineWithoutNewline) {
  TempDir dir;
  EXPECT_EQ(read_lines(dir.write("a", "one\n\nthree")), (Lines{"one", "", "three"}));
  EXPECT_EQ(read_lines(dir.write("b", "one\ntwo\n")), (Lines{"one", "two"}));
  EXPECT_EQ(read_lines(dir.write("c", "one\n\n")), (Lines{"one", ""}));
  EXPECT_EQ(read_lines(dir.write("d", "")), Lines{});
  EXPECT_EQ(read_lines(dir.write("e", "\n")), Lines{""});
  EXPECT_EQ(read_lines(dir.write("-", "dash\n")), Lines{"dash"});  // "-" is only a name here
}

TEST(Corpus, StripsCrlfAndByteOrderMark) {
  TempDir dir;
  EXPECT_EQ(read_lines(dir.write("a",
                                 "\xEF\xBB\xBF"
                                 "我爱北京\r\nStraße\r\n\r\nlast\r")),
            (Lines{"我爱北京", "Straße", "", "last"}));
  // Only one '\r' and only the first line's BOM are removed.
  EXPECT_EQ(read_lines(dir.write("b",
                                 "a\r\r\n\xEF\xBB\xBF"
                                 "b\n")),
            (Lines{"a\r",
                   "\xEF\xBB\xBF"
                   "b"}));
}

TEST(Corpus, MissingFileAndDirectoryAreErrors) {
  TempDir dir;
  std::string missing = dir.file("nope.txt");
  std::string message = error_message([&] { read_lines(missing); });
  EXPECT_NE(message.find("'" + missing + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
  message = error_message([&] { read_lines(dir.file("")); });
  EXPECT_NE(message.find("directory"), std::string::npos) << message;
  std::string good = dir.write("good", "x\n");
  message = error_message([&] { read_parallel(good, missing); });
  EXPECT_NE(message.find(missing), std::string::npos) << message;
}

TEST(Corpus, InvalidUtf8NamesFileLineAndByte) {
  TempDir dir;
  std::string path = dir.write("bad.txt",
                               "fine\nalso fine\nStra\xDF"
                               "e\n");  // Latin-1 ß
  expect_names(error_message([&] { read_lines(path); }), path, 3, "invalid UTF-8 at byte 5 (0xDF)");
  // Offsets count the BOM, as an editor would.
  path = dir.write("bom.txt",
                   "\xEF\xBB\xBF"
                   "ab\xFF\n");
  expect_names(error_message([&] { read_lines(path); }), path, 1, "at byte 6");
}

TEST(Corpus, ReadParallelPairsLines) {
  TempDir dir;
  ParallelText text = read_parallel(dir.write("src", "Haus\nStraße\n\n"),
                                    dir.write("tgt", "house\r\nstreet\r\n\r\n"));
  EXPECT_EQ(text.source, (Lines{"Haus", "Straße", ""}));
  EXPECT_EQ(text.target, (Lines{"house", "street", ""}));
}

TEST(Corpus, ReadParallelLineCountMismatchSaysBothCounts) {
  TempDir dir;
  std::string src = dir.write("src", "a\nb\nc\n");
  std::string tgt = dir.write("tgt", "x\ny");
  std::string message = error_message([&] { read_parallel(src, tgt); });
  expect_names(message, src, 3, "has 3 lines");
  EXPECT_NE(message.find("'" + tgt + "' has 2"), std::string::npos) << message;
  message = error_message([&] { read_parallel(tgt, src); });
  expect_names(message, src, 3, "has 2 lines");
}

TEST(Corpus, ReadTsvSplitsAtTheTab) {
  TempDir dir;
  ParallelText text = read_tsv(dir.write("t.tsv",
                                         "\xEF\xBB\xBF"
                                         "Haus\thouse\r\nStraße\tstreet\n\t\nx\t"));
  EXPECT_EQ(text.source, (Lines{"Haus", "Straße", "", "x"}));
  EXPECT_EQ(text.target, (Lines{"house", "street", "", ""}));
}

TEST(Corpus, ReadTsvNeedsExactlyOneTab) {
  TempDir dir;
  std::string path = dir.write("t.tsv", "a\tb\nno tab here\n");
  expect_names(error_message([&] { read_tsv(path); }), path, 2, "found 0 tabs");
  path = dir.write("u.tsv", "a\tb\nc\td\te\n");
  expect_names(error_message([&] { read_tsv(path); }), path, 2, "found 2 tabs");
  path = dir.write("v.tsv", "a\tb\n\n");
  expect_names(error_message([&] { read_tsv(path); }), path, 2, "two tab-separated columns");
}

}  // namespace
}  // namespace tandem::data
