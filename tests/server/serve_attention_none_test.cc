// A model with attention none behind the server: a request asking for attention (the built-in
// page always does) is answered 200 with empty attention arrays, and so is any request that
// shares its batch.
#include <gtest/gtest.h>

#include "server/serve_command.h"
#include "server/server.h"
#include "server_fixture.h"
#include "support/tiny_api_model.h"

namespace tandem::server {
namespace {

using nlohmann::json;
using tandem::testing::TempDir;

TEST(ServeAttentionNone, AttentionRequestsGetEmptyWeights) {
  TempDir dir;
  const Translator translator(tandem::testing::train_tiny_api_model(dir, "plain", "none"));
  ServerOptions o;
  o.defaults.beam = 1;
  testing::RunningServer s(model_translator(translator, 32), o, model_info(translator.model()));
  httplib::Client c = s.client();
  for (const char* body : {R"({"inputs": ["ab", "cd"], "attention": true})",
                           R"({"inputs": ["ab"], "attention": false})"}) {
    auto r = c.Post("/v1/translate", body, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json out = json::parse(r->body)["outputs"];
    ASSERT_FALSE(out.empty());
    for (const json& o : out) {
      EXPECT_FALSE(o["text"].get<std::string>().empty()) << body;
      if (o.contains("attention")) {
        EXPECT_EQ(o["attention"], json::array()) << body;
      }
    }
  }
  // A direct call as the batcher makes it when one request of the batch asked for attention.
  const std::vector<Translation> got =
      model_translator(translator, 32)({"ab", "cd"}, {.beam = 1, .n_best = 1, .attention = true});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].outputs.at(0).attention.empty());
}

}  // namespace
}  // namespace tandem::server
