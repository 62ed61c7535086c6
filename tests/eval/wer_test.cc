// Tests for edit distance, WER, PER and exact match on cases worked out by hand in the comments.
#include "eval/wer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eval/edit_distance.h"
#include "support/temp_dir.h"

namespace tandem::eval {
namespace {

using testing::error_message;

size_t distance(const std::string& hyp, const std::string& ref) {
  return edit_distance(whitespace_tokens(hyp), whitespace_tokens(ref));
}

TEST(EditDistance, ClassicCases) {
  EXPECT_EQ(distance("", ""), 0u);
  EXPECT_EQ(distance("a b c", ""), 3u);  // three deletions
  EXPECT_EQ(distance("", "a b c"), 3u);  // three insertions
  EXPECT_EQ(distance("a b c", "a b c"), 0u);
  // kitten -> sitting: k->s, e->i, insert g.
  EXPECT_EQ(distance("k i t t e n", "s i t t i n g"), 3u);
  EXPECT_EQ(distance("s i t t i n g", "k i t t e n"), 3u);  // symmetric
  // Swapping two tokens costs two substitutions, not one move.
  EXPECT_EQ(distance("b a", "a b"), 2u);
}

TEST(EditDistance, TokensAreSplitOnAnyWhitespace) {
  EXPECT_EQ(whitespace_tokens("  a\tb\xC2\xA0"
                              "c \n")
                .size(),
            3u);  // U+00A0 separates too
  EXPECT_EQ(distance(" a  b ", "a b"), 0u);
}

TEST(WerCorpus, SumsEditsOverSummedReferenceLengths) {
  // Line 1: "the cat sat on mat" vs "the cat sat on the mat": one deletion; 6 reference tokens.
  // Line 2: "x y" vs "a": one substitution and one insertion = 2 edits; 1 reference token.
  // Corpus WER = (1 + 2) / (6 + 1) = 3/7, not the mean of the line rates (1/6 + 2)/2.
  const ErrorRate wer =
      corpus_wer({"the cat sat on mat", "x y"}, {{"the cat sat on the mat", "a"}});
  EXPECT_EQ(wer.errors, 3);
  EXPECT_EQ(wer.ref_tokens, 7);
  EXPECT_DOUBLE_EQ(wer.rate, 3.0 / 7.0);
}

TEST(WerCorpus, EmptyLinesCountInsertionsAndDeletions) {
  // "" vs "a b c": 3 deletions. "x" vs "": 1 insertion and no reference tokens. 4 / 3.
  const ErrorRate wer = corpus_wer({"", "x"}, {{"a b c", ""}});
  EXPECT_EQ(wer.errors, 4);
  EXPECT_EQ(wer.ref_tokens, 3);
  EXPECT_DOUBLE_EQ(wer.rate, 4.0 / 3.0);
}

TEST(WerCorpus, SeveralReferencesTakeTheFewestEdits) {
  // "a b c" vs "a b d e": substitute c->d, insert e = 2. vs "a c": delete b = 1. The second
  // reference wins, and its length (2) is the denominator: 1/2.
  const ErrorRate wer = corpus_wer({"a b c"}, {{"a b d e"}, {"a c"}});
  EXPECT_EQ(wer.errors, 1);
  EXPECT_EQ(wer.ref_tokens, 2);
  // A tie goes to the first stream: "a b" is 1 edit from "a" and from "a b c"; "a" counts, 1/1.
  const ErrorRate tie = corpus_wer({"a b"}, {{"a"}, {"a b c"}});
  EXPECT_EQ(tie.errors, 1);
  EXPECT_EQ(tie.ref_tokens, 1);
}

TEST(WerCorpus, PhonemeErrorRateForG2p) {
  // Pronunciations with two accepted variants. "HH AH0 L OW1" matches variant 2 exactly (0 of 4);
  // "T AH0 M EY1 T OW2" is one substitution from "T AH0 M AA1 T OW2" (1 of 6). PER = 1/10.
  const ErrorRate per =
      corpus_wer({"HH AH0 L OW1", "T AH0 M EY1 T OW2"},
                 {{"HH EH0 L OW1", "T AH0 M AA1 T OW2"}, {"HH AH0 L OW1", "T AH0 M EY1 T OW0 Z"}});
  EXPECT_EQ(per.errors, 1);
  EXPECT_EQ(per.ref_tokens, 10);
  EXPECT_DOUBLE_EQ(per.rate, 0.1);
}

TEST(WerCorpus, EmptyReferencesAndBadStreamsAreErrors) {
  EXPECT_NE(error_message([] { corpus_wer({"a"}, {{" "}}); }).find("no tokens"), std::string::npos);
  EXPECT_NE(error_message([] { corpus_per({"a"}, {{""}}); }).find("PER"), std::string::npos);
  EXPECT_NE(error_message([] {
              corpus_wer({"a", "b"}, {{"a"}});
            }).find("2 hypotheses"),
            std::string::npos);
  EXPECT_THROW(corpus_wer({"a"}, {}), Error);
}

TEST(WerPositionIndependent, IgnoresOrderButCountsLengthDifferences) {
  // "b a c" vs "a b c": the same bag, PER 0 (WER would be 2 substitutions).
  EXPECT_EQ(corpus_per({"b a c"}, {{"a b c"}}).errors, 0);
  // "a a b x" vs "a b b": correct = min(2,1) for a + min(1,2) for b = 2; N_hyp 4 > N_ref 3, so
  // PER = 1 - (2 - (4 - 3)) / 3 = 2/3, i.e. 2 errors in 3.
  const ErrorRate longer = corpus_per({"a a b x"}, {{"a b b"}});
  EXPECT_EQ(longer.errors, 2);
  EXPECT_EQ(longer.ref_tokens, 3);
  EXPECT_DOUBLE_EQ(longer.rate, 2.0 / 3.0);
  // "c" vs "a b c": correct 1, shorter hypothesis: 1 - (1 - 0) / 3 = 2/3.
  EXPECT_EQ(corpus_per({"c"}, {{"a b c"}}).errors, 2);
  // Corpus: the two lines above together, (2 + 2) / (3 + 3).
  EXPECT_DOUBLE_EQ(corpus_per({"a a b x", "c"}, {{"a b b", "a b c"}}).rate, 4.0 / 6.0);
}

TEST(WerPositionIndependent, NeverAboveWer) {
  const std::vector<std::string> hyps = {"the mat sat on cat the", "a b c d", "x"};
  const std::vector<std::vector<std::string>> refs = {{"the cat sat on the mat", "d c b a", "y z"}};
  EXPECT_LE(corpus_per(hyps, refs).errors, corpus_wer(hyps, refs).errors);
}

TEST(WerExactMatch, TrimsEndsButNotInnerWhitespace) {
  // Line 1 matches after trimming; line 2 has a double inner space; line 3 differs. 1 of 3.
  const ExactMatch one =
      exact_match({"  hello world \t", "a  b", "x"}, {{"hello world", "a b", "y"}});
  EXPECT_EQ(one.correct, 1);
  EXPECT_EQ(one.total, 3);
  EXPECT_DOUBLE_EQ(one.accuracy, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(one.error_rate(), 2.0 / 3.0);
  // U+00A0 and U+3000 are trimmed like spaces.
  EXPECT_EQ(exact_match({"\xC2\xA0x\xE3\x80\x80"}, {{"x"}}).correct, 1);
}

TEST(WerExactMatch, AnyReferenceCounts) {
  // The g2p "word error rate": line 3 matches its second pronunciation, so 2 of 3 are right.
  const ExactMatch g2p = exact_match({"HH AH0 L OW1", "W ER1 L D", "T AH0 M EY1 T OW2"},
                                     {{"HH AH0 L OW1", "W ER1 L", "T AH0 M AA1 T OW2"},
                                      {"HH EH0 L OW1", "W AO1 R L D", "T AH0 M EY1 T OW2"}});
  EXPECT_EQ(g2p.correct, 2);
  EXPECT_DOUBLE_EQ(g2p.error_rate(), 1.0 / 3.0);
}

}  // namespace
}  // namespace tandem::eval
