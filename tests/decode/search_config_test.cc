// The decode.* keys as search settings, and the combinations no search can honour.
#include "decode/search_config.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace tandem {
namespace {

using testing::error_message;

TEST(SearchConfig, MapsTheDecodeKeys) {
  Config config;
  config.set("decode.beam_size", "4", "test");
  config.set("decode.n_best", "3", "test");
  config.set("decode.length_penalty", "gnmt", "test");
  const BeamOptions o = beam_options_from(config, true);
  EXPECT_EQ(o.beam_size, 4);
  EXPECT_EQ(o.n_best, 3);
  EXPECT_EQ(o.length_penalty, LengthPenalty::kGnmt);
  EXPECT_TRUE(o.search.keep_attention);
}

// Once cut silently to the beam size (greedy search gave one plain output for --n-best 5).
TEST(SearchConfig, MoreOutputsThanTheBeamIsAnErrorNamingBoth) {
  Config config;
  config.set("decode.n_best", "5", "--n-best");
  const std::string greedy = error_message([&] { beam_options_from(config, false); });
  EXPECT_NE(greedy.find("decode.n_best 5 (--n-best) is more than decode.beam_size 1 (default)"),
            std::string::npos)
      << greedy;
  config.set("decode.beam_size", "4", "my.yaml:7");
  const std::string beam = error_message([&] { beam_options_from(config, false); });
  EXPECT_NE(beam.find("decode.beam_size 4 (my.yaml:7)"), std::string::npos) << beam;
  config.set("decode.beam_size", "5", "--beam");
  EXPECT_EQ(beam_options_from(config, false).n_best, 5);
}

}  // namespace
}  // namespace tandem
