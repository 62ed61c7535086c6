// The HTTP service in-process: every endpoint, every error case with its status and JSON body,
// 503 with Retry-After on a full queue, concurrent clients, and a stop that finishes the
// requests in flight.
#include "server/server.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <future>

#include "server/serve_command.h"
#include "server_fixture.h"

namespace tandem::server {
namespace {

using nlohmann::json;
using tandem::testing::TempDir;
using testing::FakeTranslator;
using testing::RunningServer;

// The status and the error message of a refused request; fails the test unless the body is
// {"error": {"code": status, "message": …}}.
std::pair<int, std::string> refusal(const httplib::Result& r) {
  if (!r) return {-1, "no response: " + httplib::to_string(r.error())};
  const json body = json::parse(r->body, nullptr, false);
  EXPECT_TRUE(body.contains("error")) << r->body;
  if (!body.contains("error")) return {r->status, ""};
  EXPECT_EQ(body["error"]["code"], r->status);
  return {r->status, body["error"]["message"].get<std::string>()};
}

#define EXPECT_REFUSED(result, status, part)                                                      \
  do {                                                                                            \
    const auto [got_status, message] = refusal(result);                                           \
    EXPECT_EQ(got_status, status) << message;                                                     \
    EXPECT_NE(message.find(part), std::string::npos) << "wanted '" << part << "' in " << message; \
  } while (0)

// Whether `metrics` eventually shows `line`: the library logs a request (where it is counted)
// just after sending its response, so a client can be a moment ahead of the counters.
bool eventually_shows(const Metrics& metrics, const std::string& line) {
  for (int i = 0; i < 5000; ++i) {
    if (metrics.render().find(line) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ADD_FAILURE() << "wanted " << line << " in\n" << metrics.render();
  return false;
}

httplib::Result post(const httplib::Client& c, const std::string& body) {
  return const_cast<httplib::Client&>(c).Post("/v1/translate", body, "application/json");
}

TEST(ServeHttp, EndpointsWithARealModel) {
  TempDir dir;
  const Translator translator(testing::train_tiny_model(dir));
  const LoadedModel& model = translator.model();
  ServerOptions o;
  FILE* log = std::tmpfile();
  o.access_log = log;
  o.defaults.beam = 1;
  RunningServer s(model_translator(translator, 32), o, model_info(model));
  httplib::Client c = s.client();

  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");

  auto info = c.Get("/v1/model");
  ASSERT_TRUE(info);
  const json m = json::parse(info->body);
  EXPECT_EQ(m["source_vocab_size"], model.source_vocab.size());
  EXPECT_EQ(m["target_vocab_size"], model.target_vocab.size());
  EXPECT_EQ(m["config"]["model"]["attention"], "bahdanau");
  EXPECT_EQ(m["server"]["max_inputs"], 64);

  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("id=\"heatmap\""), std::string::npos);
  EXPECT_EQ(page->body.find("http://"), std::string::npos);  // nothing from elsewhere
  EXPECT_EQ(page->body.find("https://"), std::string::npos);

  // Beam search with n-best and attention; the outputs match translate_lines on the same lines.
  const std::vector<std::string> lines = {"ab你", "", "世界cd"};
  auto r = post(c, R"({"inputs": ["ab你", "", "世界cd"], "beam": 3, "n_best": 2,
                       "attention": true})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json out = json::parse(r->body)["outputs"];
  BeamOptions options = beam_options_from(model.config, true);
  options.beam_size = 3;
  options.n_best = 2;
  const std::vector<Translation> expected = translate_lines(model, lines, 32, options);
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i]["text"], expected[i].outputs[0].text);
    EXPECT_EQ(out[i]["tokens"], expected[i].outputs[0].tokens);
    EXPECT_EQ(out[i]["source_tokens"], expected[i].source_tokens);
    EXPECT_EQ(out[i]["n_best"].size(), expected[i].outputs.size());
    // One attention row per output token, one column per source token.
    ASSERT_EQ(out[i]["attention"].size(), out[i]["tokens"].size());
    for (const json& row : out[i]["attention"])
      EXPECT_EQ(row.size(), out[i]["source_tokens"].size());
  }
  EXPECT_EQ(out[0]["source_tokens"], json({"a", "b", "你"}));
  EXPECT_EQ(out[1]["text"], "");
  EXPECT_EQ(r->get_header_value("X-Tandem-Batch-Size"), "3");

  // Without "attention": true there is none; greedy by default here.
  auto plain = post(c, R"({"inputs": ["abc"]})");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(json::parse(plain->body)["outputs"][0].contains("attention"));
  EXPECT_FALSE(json::parse(plain->body)["outputs"][0].contains("n_best"));

  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics->body.find("# TYPE tandem_http_request_duration_seconds histogram"),
            std::string::npos);
  for (const char* line :
       {"tandem_http_requests_total{route=\"/v1/translate\",code=\"200\"} 2",
        "tandem_http_requests_total{route=\"/health\",code=\"200\"} 1",
        "tandem_http_requests_total{route=\"/metrics\",code=\"200\"} 1",
        "tandem_http_request_duration_seconds_count 6", "tandem_batch_sentences_count 2",
        "tandem_batch_sentences_sum 4", "tandem_queue_sentences 0", "tandem_http_errors_total 0"})
    eventually_shows(s.server().metrics(), line);

  s.stop_and_join();
  std::rewind(log);
  std::string logged(1 << 16, '\0');
  logged.resize(std::fread(logged.data(), 1, logged.size(), log));
  std::fclose(log);
  EXPECT_NE(logged.find("\"POST /v1/translate\" 200 "), std::string::npos) << logged;
  EXPECT_NE(logged.find("ms batch=3\n"), std::string::npos) << logged;
  EXPECT_NE(logged.find("\"GET /health\" 200 "), std::string::npos) << logged;
}

TEST(ServeHttp, EveryBadRequestGetsItsStatusAndAJsonErrorNamingTheField) {
  FakeTranslator fake;
  ServerOptions o;
  o.limits.max_inputs = 3;
  o.limits.max_input_chars = 5;
  o.max_body_bytes = 1000;
  RunningServer s(fake.fn(), o);
  httplib::Client c = s.client();
  EXPECT_REFUSED(post(c, "{\"inputs\": [\"a\""), 400, "invalid JSON");
  EXPECT_REFUSED(post(c, "[1, 2]"), 400, "JSON object");
  EXPECT_REFUSED(post(c, "{}"), 400, "inputs: missing");
  EXPECT_REFUSED(post(c, R"({"inputs": "abc"})"), 400, "inputs: expected an array");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a", 7]})"), 400, "inputs[1]: expected a string");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a"], "beam": "5"})"), 400, "beam");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a"], "beam": 0})"), 400, "beam");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a"], "beam": 17})"), 400, "beam");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a"], "beam": 2, "n_best": 3})"), 400, "n_best");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a"], "attention": 1})"), 400, "attention");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a"], "beam_size": 2})"), 400, "beam_size");
  // Invalid UTF-8, raw and as an escaped lone surrogate: refused, and the server lives on.
  EXPECT_REFUSED(post(c, "{\"inputs\": [\"a\xff\xfe\"]}"), 400, "UTF-8");
  EXPECT_REFUSED(post(c, "{\"inputs\": [\"\xc3\x28\"]}"), 400, "UTF-8");
  EXPECT_REFUSED(post(c, R"({"inputs": ["\ud800"]})"), 400, "invalid JSON");
  EXPECT_REFUSED(post(c, R"({"inputs": ["a", "b", "c", "d"]})"), 413, "at most 3");
  EXPECT_REFUSED(post(c, R"({"inputs": ["abcdef"]})"), 413, "inputs[0]: 6 characters");
  auto five = post(c, R"({"inputs": ["你好世界们"]})");  // 5 characters, 15 bytes: fine
  ASSERT_TRUE(five);
  EXPECT_EQ(five->status, 200);
  EXPECT_REFUSED(post(c, "{\"inputs\": [\"" + std::string(2000, 'a') + "\"]}"), 413,
                 "larger than 1000 bytes");
  EXPECT_REFUSED(c.Get("/nowhere"), 404, "GET /nowhere");
  EXPECT_REFUSED(c.Post("/v1/translat", "{}", "application/json"), 404, "POST /v1/translat");
  EXPECT_REFUSED(c.Get("/v1/translate"), 405, "POST");
  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  eventually_shows(s.server().metrics(), "tandem_http_errors_total 20");
}

TEST(ServeHttp, AFullQueueAnswers503WithRetryAfter) {
  FakeTranslator fake;
  fake.hold();
  ServerOptions o;
  o.batching.max_queue = 2;
  RunningServer s(fake.fn(), o);
  auto first =
      std::async(std::launch::async, [&] { return post(s.client(), R"({"inputs": ["x"]})"); });
  fake.wait_for_calls(1);  // decoding, held
  auto queued =
      std::async(std::launch::async, [&] { return post(s.client(), R"({"inputs": ["a", "b"]})"); });
  while (s.server().metrics().render().find("tandem_queue_sentences 2") == std::string::npos)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto refused = post(s.client(), R"({"inputs": ["c"]})");
  EXPECT_REFUSED(refused, 503, "queue is full");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  fake.release();
  auto a = first.get();
  auto b = queued.get();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(json::parse(b->body)["outputs"][1]["text"], "b");
  eventually_shows(s.server().metrics(), "tandem_queue_rejected_total 1");
}

TEST(ServeHttp, ADecodingFailureIsA500WithAJsonBody) {
  FakeTranslator fake;
  fake.fail();
  RunningServer s(fake.fn(), {});
  EXPECT_REFUSED(post(s.client(), R"({"inputs": ["x"]})"), 500, "the model broke");
}

TEST(ServeHttp, ConcurrentClientsEachGetTheirOwnAnswersInBatches) {
  FakeTranslator fake;
  ServerOptions o;
  o.batching.max_batch = 16;
  o.batching.batch_wait = std::chrono::milliseconds(2);
  RunningServer s(fake.fn(), o);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0}, batched{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      httplib::Client c = s.client();
      for (int i = 0; i < 25; ++i) {
        const std::string a = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = post(c, R"({"inputs": [")" + a + R"(", "z)" + a + R"("], "attention": true})");
        if (!r || r->status != 200) {
          ++wrong;
          continue;
        }
        const json out = json::parse(r->body)["outputs"];
        if (out[0]["text"] != std::string(a.rbegin(), a.rend()) ||
            out[1]["text"] != std::string(a.rbegin(), a.rend()) + "z" ||
            out[0]["attention"].size() != a.size() + 1)
          ++wrong;
        if (std::stoi(r->get_header_value("X-Tandem-Batch-Size")) > 2) ++batched;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(batched, 0);  // some requests did share a batch
  int64_t total = 0;
  for (int64_t n : fake.batches()) total += n;
  EXPECT_EQ(total, 8 * 25 * 2);
}

TEST(ServeHttp, StopFinishesTheRequestsInFlight) {
  FakeTranslator fake;
  fake.hold();
  RunningServer s(fake.fn(), {});
  auto in_flight =
      std::async(std::launch::async, [&] { return post(s.client(), R"({"inputs": ["abc"]})"); });
  fake.wait_for_calls(1);
  std::thread stopper([&] { s.stop_and_join(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fake.release();
  stopper.join();  // run() returned: the server is down
  auto r = in_flight.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["outputs"][0]["text"], "cba");
  EXPECT_FALSE(s.client().Get("/health"));  // no longer accepting
}

}  // namespace
}  // namespace tandem::server
