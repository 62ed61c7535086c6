// Tests for evaluate(): every input error's message, the metrics by name, and both output forms.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/bleu.h"
#include "eval/chrf.h"
#include "support/temp_dir.h"

namespace tandem::eval {
namespace {

using testing::error_message;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::vector<std::string> kHyps = {"the cat sat on the mat", "a dog barked loudly"};
const std::vector<std::vector<std::string>> kRefs = {
    {"the cat sat on a mat", "a dog barked very loudly"}};

TEST(Metrics, UnknownMetricListsTheValidOnes) {
  const std::string message = error_message([] { evaluate(kHyps, kRefs, {"bleu", "meteor"}); });
  EXPECT_TRUE(contains(message, "unknown metric 'meteor'")) << message;
  EXPECT_TRUE(contains(message, "bleu, chrf, chrf++, wer, per, exact")) << message;
  EXPECT_TRUE(contains(error_message([] { evaluate(kHyps, kRefs, {}); }), "no metric")) << message;
  EXPECT_TRUE(contains(error_message([] { evaluate(kHyps, kRefs, {"wer", "wer"}); }), "twice"));
}

TEST(Metrics, LineCountMismatchNamesBothCountsAndFiles) {
  const std::vector<std::vector<std::string>> refs = {kRefs[0], {"only one line"}};
  const std::string named = error_message([&] {
    evaluate(kHyps, refs, {"bleu"}, {"hyp.txt", {"ref1.txt", "ref2.txt"}});
  });
  EXPECT_TRUE(contains(named, "2 in hyp.txt, 1 in ref2.txt")) << named;
  const std::string unnamed = error_message([&] { evaluate(kHyps, refs, {"bleu"}); });
  EXPECT_TRUE(contains(unnamed, "2 in the hypotheses, 1 in reference stream 2")) << unnamed;
  const std::string single = error_message([&] { evaluate({"a"}, kRefs, {"wer"}); });
  EXPECT_TRUE(contains(single, "1 in the hypotheses, 2 in the references")) << single;
}

TEST(Metrics, EmptyInputIsNothingToEvaluate) {
  // Empty hypotheses with empty references: no score exists (sacreBLEU fails on it too).
  const std::string empty = error_message([] { evaluate({}, {{}}, {"bleu"}, {"hyp.txt", {}}); });
  EXPECT_TRUE(contains(empty, "nothing to evaluate: hyp.txt")) << empty;
  // Empty hypotheses against a non-empty reference file is a line count mismatch.
  const std::string mismatch = error_message([] { evaluate({}, {{"a"}}, {"bleu"}); });
  EXPECT_TRUE(contains(mismatch, "0 in the hypotheses, 1 in the references")) << mismatch;
  EXPECT_TRUE(contains(error_message([] { evaluate({"a"}, {}, {"bleu"}); }), "no references"));
}

TEST(Metrics, InvalidUtf8NamesStreamAndLine) {
  const std::string message = error_message([] {
    evaluate({"ok", "fine"}, {{"ok", "ba\xFF"}}, {"chrf"}, {"h.txt", {"r.txt"}});
  });
  EXPECT_TRUE(contains(message, "r.txt, line 2: invalid UTF-8 at byte 3 (0xFF)")) << message;
}

TEST(Metrics, ResultsFollowTheRequestedOrderAndAgreeWithTheDirectCalls) {
  const auto results = evaluate(kHyps, kRefs, {"exact", "chrf++", "bleu", "chrf", "wer", "per"});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].name, "Exact");
  EXPECT_DOUBLE_EQ(results[0].value, 0.0);
  EXPECT_EQ(results[1].name, "chrF2++");
  ChrfOptions plus;
  plus.word_order = 2;
  EXPECT_DOUBLE_EQ(results[1].value, corpus_chrf(kHyps, kRefs, plus).score);
  EXPECT_EQ(results[2].name, "BLEU");
  EXPECT_DOUBLE_EQ(results[2].value, corpus_bleu(kHyps, kRefs).score);
  EXPECT_EQ(results[2].details, bleu_details(corpus_bleu(kHyps, kRefs)));
  EXPECT_EQ(results[3].name, "chrF2");
  // WER as a percentage: line 1 one substitution of 6, line 2 one deletion of 5: 2/11.
  EXPECT_EQ(results[4].name, "WER");
  EXPECT_DOUBLE_EQ(results[4].value, 100.0 * 2 / 11);
  EXPECT_EQ(results[4].details, "(errors = 2 ref_tokens = 11)");
  // PER: line 1 has 5 of 6 in common (a vs the), line 2 all 4 of its 5: 2/11 as well.
  EXPECT_DOUBLE_EQ(results[5].value, 100.0 * 2 / 11);
}

TEST(Metrics, TextLinesLookLikeSacrebleus) {
  const auto results = evaluate({"a b c d e"}, {{"a b c d e"}}, {"bleu", "chrf", "exact", "wer"});
  EXPECT_EQ(format_results(results),
            "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 5 "
            "ref_len = 5)\n"
            "chrF2 = 100.00\n"
            "Exact = 100.00 (1/1 lines)\n"
            "WER = 0.00 (errors = 0 ref_tokens = 5)\n");
}

TEST(Metrics, JsonCarriesScoresAndStatistics) {
  const auto results = evaluate({"das Haus ist groß", "x"}, {{"das Haus ist klein", "x"}},
                                {"bleu", "chrf++", "wer"});
  const auto json = nlohmann::json::parse(to_json(results));
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[0]["name"], "BLEU");
  EXPECT_DOUBLE_EQ(json[0]["score"].get<double>(), results[0].value);
  EXPECT_EQ(json[0]["hyp_len"], 5);  // integers stay integers
  EXPECT_TRUE(json[0]["hyp_len"].is_number_integer());
  EXPECT_TRUE(json[0]["bp"].is_number());
  EXPECT_EQ(json[1]["name"], "chrF2++");
  EXPECT_EQ(json[1]["word_order"], 2);
  EXPECT_EQ(json[2]["errors"], 1);
  EXPECT_EQ(json[2]["ref_tokens"], 5);
}

TEST(Metrics, WerOnEmptyReferencesIsAnError) {
  const std::string message = error_message([] { evaluate({"a"}, {{""}}, {"bleu", "wer"}); });
  EXPECT_TRUE(contains(message, "WER is undefined")) << message;
  // BLEU alone has a value there (0), as in sacreBLEU.
  EXPECT_DOUBLE_EQ(evaluate({"a"}, {{""}}, {"bleu"})[0].value, 0.0);
}

}  // namespace
}  // namespace tandem::eval
