// The HTTP service against awkward clients: JSON sent as a form (curl -d), bodies over the limit
// however they are framed, numbers JSON cannot hold, clients that trickle their requests byte by
// byte or read their responses a little at a time to hold the server's threads, and requests
// whose headers never end.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "server/deadline_server.h"
#include "server/serve_command.h"
#include "server/server.h"
#include "server_fixture.h"

namespace tandem::server {
namespace {

using nlohmann::json;
using testing::FakeTranslator;
using testing::RunningServer;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The status and error message of a response ({-1, why} without one).
std::pair<int, std::string> status_and_message(const httplib::Result& r) {
  if (!r) return {-1, "no response: " + httplib::to_string(r.error())};
  const json body = json::parse(r->body, nullptr, false);
  if (!body.contains("error")) return {r->status, r->body};
  return {r->status, body["error"]["message"].get<std::string>()};
}

httplib::Result post(const RunningServer& s, const std::string& body,
                     const std::string& type = "application/json") {
  httplib::Client c = s.client();
  return c.Post("/v1/translate", body, type);
}

// A body of `n` inputs of `chars` letters each.
std::string inputs_body(int n, int chars) {
  json inputs = json::array();
  for (int i = 0; i < n; ++i) inputs.push_back(std::string(chars, 'a' + i % 26));
  return json{{"inputs", inputs}}.dump();
}

TEST(ServeRobustness, JsonSentAsAFormIsReadUpToTheBodyLimit) {
  FakeTranslator fake;
  RunningServer s(fake.fn(), ServerOptions{});
  const std::string body = inputs_body(50, 200);  // about 10 KB: above the library's 8 KB
  ASSERT_GT(body.size(), 8192u);
  auto r = post(s, body, "application/x-www-form-urlencoded");  // what curl -d sends
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["outputs"].size(), 50u);
}

TEST(ServeRobustness, ABodyOverTheLimitIs413NamingTheLimitHoweverItIsSent) {
  FakeTranslator fake;
  ServerOptions o;
  o.max_body_bytes = 4000;
  RunningServer s(fake.fn(), o);
  const std::string body = inputs_body(20, 400);
  for (const char* type : {"application/json", "application/x-www-form-urlencoded"}) {
    const auto [status, message] = status_and_message(post(s, body, type));
    EXPECT_EQ(status, 413) << type << ": " << message;
    EXPECT_NE(message.find("larger than 4000 bytes"), std::string::npos) << message;
  }
  // Chunked: no Content-Length for the library to check in advance.
  httplib::Client c = s.client();
  auto chunked = c.Post(
      "/v1/translate",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < body.size())
          sink.write(body.data() + offset, std::min<size_t>(500, body.size() - offset));
        if (offset + 500 >= body.size()) sink.done();
        return true;
      },
      "application/json");
  const auto [status, message] = status_and_message(chunked);
  EXPECT_EQ(status, 413) << message;
  EXPECT_NE(message.find("larger than 4000 bytes"), std::string::npos) << message;
  // And a body within the limit still works on a fresh connection.
  auto fine = post(s, inputs_body(2, 10));
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200) << fine->body;
}

TEST(ServeRobustness, NumbersOutOfRangeAre400NamingTheField) {
  FakeTranslator fake;
  RunningServer s(fake.fn(), ServerOptions{});
  const std::pair<std::string, std::string> cases[] = {
      {R"({"inputs": ["ab"], "beam": 1e400})", "beam"},
      {R"({"inputs": ["ab"], "beam": -1e400})", "beam"},
      {R"({"inputs": ["ab"], "n_best": 1e400})", "n_best"},
      {R"({"inputs": ["ab", 1e400]})", "inputs[1]"},
      {R"({"inputs": ["ab"], "beam": 2.5})", "beam"},
      {R"({"inputs": ["ab"], "beam": -3})", "beam"},
      {R"({"inputs": ["ab"], "beam": 1e18})", "beam"},
      {R"({"inputs": ["ab"], "beam": 18446744073709551615})", "beam"},
      {R"({"inputs": ["ab"], "beam": 99999999999999999999999999})", "beam"},
      {R"({"inputs": ["ab"], "n_best": 0})", "n_best"},
  };
  for (const auto& [body, field] : cases) {
    const auto [status, message] = status_and_message(post(s, body));
    EXPECT_EQ(status, 400) << body << ": " << message;
    EXPECT_EQ(message.rfind(field + ":", 0), 0u) << body << ": " << message;
  }
}

// A loopback connection that sends `head` and then one byte of `drip` every 20 ms until the
// server answers or closes, or `limit` passes; returns what the server sent.
std::string trickle(int port, const std::string& head, char drip, milliseconds limit) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size())) {
    for (const auto end = Clock::now() + limit; Clock::now() < end;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        reply.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (::send(fd, &drip, 1, MSG_NOSIGNAL) != 1) break;
    }
  }
  ::close(fd);
  return reply;
}

TEST(ServeRobustness, ClientsTricklingRequestsCannotHoldEveryThread) {
  FakeTranslator fake;
  ServerOptions o;
  o.http_threads = 4;
  o.request_timeout = milliseconds(300);
  RunningServer s(fake.fn(), o);
  const int port = s.server().port();
  // As many slow clients as threads: in the request line, in the headers, in the body.
  const std::string heads[] = {"GET /heal", "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ",
                               "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ",
                               "POST /v1/translate HTTP/1.1\r\nHost: x\r\nContent-Type: "
                               "application/json\r\nContent-Length: 1000\r\n\r\n[\""};
  std::vector<std::future<std::string>> slow;
  for (const std::string& head : heads)
    slow.push_back(std::async(std::launch::async,
                              [&, head] { return trickle(port, head, 'h', milliseconds(4000)); }));
  std::this_thread::sleep_for(milliseconds(100));  // let them take the threads

  httplib::Client c = s.client();
  c.set_read_timeout(3, 0);
  const auto start = Clock::now();
  auto health = c.Get("/health");
  const auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(waited.count(), 2000) << "/health waited for the slow clients";

  for (auto& f : slow) {
    const std::string reply = f.get();
    EXPECT_EQ(reply.rfind("HTTP/1.1 408", 0), 0u) << reply;
    EXPECT_NE(reply.find("\"code\":408"), std::string::npos) << reply;
  }
}

// A loopback connection to `port` (-1 when none could be made).
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  ::close(fd);
  return -1;
}

// Sends `request` (from a thread, as fast as the server reads it) and returns what the server
// answers before it closes the connection or 5 s pass.
std::string send_and_read(int port, const std::string& request) {
  const int fd = connect_to(port);
  if (fd < 0) return "no connection";
  std::thread sender([&] {
    for (size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the server closed the connection
      sent += static_cast<size_t>(n);
    }
  });
  std::string reply;
  for (const auto end = Clock::now() + milliseconds(5000); Clock::now() < end;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  ::shutdown(fd, SHUT_RDWR);  // ends a send still blocked on a full buffer
  sender.join();
  ::close(fd);
  return reply;
}

TEST(ServeRobustness, RequestLineAndHeadersAreLimitedInBytes) {
  FakeTranslator fake;
  ServerOptions o;
  o.request_timeout = milliseconds(1500);  // the fallback without a byte limit: 408
  RunningServer s(fake.fn(), o);
  const int port = s.server().port();
  std::string many = "GET /health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i)
    many += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  many += "\r\n";  // about 120 KB of short headers: the library has no limit on their number
  const std::pair<std::string, int> cases[] = {
      {many, 431},
      {"GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(1 << 20, 'v'), 431},
      {"GET /" + std::string(1 << 20, 'p'), 414},
  };
  for (const auto& [request, status] : cases) {
    const std::string reply = send_and_read(port, request);
    EXPECT_EQ(reply.rfind("HTTP/1.1 " + std::to_string(status), 0), 0u) << reply.substr(0, 300);
    EXPECT_NE(reply.find("\"code\":" + std::to_string(status)), std::string::npos) << reply;
    EXPECT_NE(reply.find("larger than 65536 bytes"), std::string::npos) << reply;
  }
  // Headers within the limit are fine.
  const std::string fine =
      send_and_read(port, "GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(6000, 'v') +
                              "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(fine.rfind("HTTP/1.1 200", 0), 0u) << fine;
}

TEST(ServeRobustness, AnyBodyIsLimitedInBytesOnTheWire) {
  FakeTranslator fake;
  ServerOptions o;
  o.max_body_bytes = 4000;
  o.request_timeout = milliseconds(1500);
  RunningServer s(fake.fn(), o);
  // Chunked to a path without a handler: the library would keep the whole body in memory.
  std::string request = "POST /elsewhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 100; ++i) request += "800\r\n" + std::string(0x800, 'b') + "\r\n";
  request += "0\r\n\r\n";  // 200 KB in all
  const std::string reply = send_and_read(s.server().port(), request);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 300);
  EXPECT_NE(reply.find("larger than 4000 bytes"), std::string::npos) << reply;
}

TEST(ServeRobustness, ClientsReadingResponsesSlowlyCannotHoldAThread) {
  DeadlineServer http(ConnectionLimits{.request = milliseconds(300)});
  http.new_task_queue = [] { return new httplib::ThreadPool(1); };  // one thread to hold
  const std::string big(32 << 20, 'x');  // far more than the socket buffers hold
  http.Get("/big", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(big, "text/plain");
  });
  http.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  const int port = http.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { http.listen_after_bind(); });

  // Reads 16 KB every 50 ms (enough for the server to see progress) for at most 3 s, or until
  // told to stop.
  std::promise<void> reading;
  std::atomic<bool> stop_reading = false;
  auto slow = std::async(std::launch::async, [&] {
    const int fd = connect_to(port);
    const std::string request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t received = 0;
    bool told = false;
    if (fd >= 0 && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0) {
      for (const auto end = Clock::now() + milliseconds(3000);
           Clock::now() < end && !stop_reading;) {
        std::this_thread::sleep_for(milliseconds(50));
        std::vector<char> buffer(16 * 1024);
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
        if (n > 0) received += static_cast<size_t>(n);
        if (received > 0 && !told) {
          reading.set_value();
          told = true;
        }
      }
    }
    if (!told) reading.set_value();
    if (fd >= 0) ::close(fd);
    return received;
  });
  reading.get_future().wait();

  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(5, 0);
  const auto start = Clock::now();
  auto health = c.Get("/health");
  const auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(waited.count(), 2000) << "/health waited for the slow reader";
  stop_reading = true;
  EXPECT_LT(slow.get(), big.size());
  http.stop();
  serving.join();
}

TEST(ServeRobustness, RequestTimeoutIsAnOptionWithinSaneBounds) {
  for (const auto& [value, ok] : {std::pair{"0.5", true},
                                  {"3600", true},
                                  {"0", false},
                                  {"-1", false},
                                  {"1e400", false},
                                  {"nan", false},
                                  {"NaN", false},
                                  {"-nan", false},
                                  {"inf", false},
                                  {"ten", false}}) {
    CLI::App app;
    ServeCommandOptions o;
    add_serve_command(app, o);
    const std::vector<std::string> args = {"serve", "--request-timeout", value, "--model", "m"};
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    bool parsed = true;
    try {
      app.parse(reversed);
    } catch (const CLI::ParseError&) {
      parsed = false;
    }
    EXPECT_EQ(parsed, ok) << value;
    if (ok && parsed) {
      EXPECT_DOUBLE_EQ(o.request_timeout_s, std::stod(value));
    }
  }
  EXPECT_EQ(ServeCommandOptions{}.request_timeout_s, 10.0);
}

TEST(ServeRobustness, BatchWaitRefusesValuesWithoutADuration) {
  for (const auto& [value, ok] : {std::pair{"0", true},
                                  {"2.5", true},
                                  {"-1", false},
                                  {"nan", false},
                                  {"inf", false},
                                  {"1e400", false}}) {
    CLI::App app;
    ServeCommandOptions o;
    add_serve_command(app, o);
    const std::vector<std::string> args = {"serve", "--batch-wait-ms", value, "--model", "m"};
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    std::string error;
    try {
      app.parse(reversed);
    } catch (const CLI::ParseError& e) {
      error = e.what();
    }
    EXPECT_EQ(error.empty(), ok) << value << ": " << error;
    if (!ok) {
      EXPECT_NE(error.find("--batch-wait-ms"), std::string::npos) << error;
    }
  }
}

TEST(ServeRobustness, TheDefaultNBestIsClampedToASmallerRequestedBeamButANamedOneIsNot) {
  FakeTranslator fake;
  ServerOptions o;
  o.defaults = {.beam = 4, .n_best = 4, .attention = false};
  RunningServer s(fake.fn(), o);
  // The model's n-best default meets the request's smaller beam: as many outputs as the beam.
  auto r = post(s, R"({"inputs": ["ab"], "beam": 2})");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["outputs"][0]["n_best"].size(), 2u) << r->body;
  // Asking for more outputs than the beam is a mistake the client can fix.
  const auto [status, message] = status_and_message(post(s, R"({"inputs": ["ab"], "beam": 2,
                                                                 "n_best": 3})"));
  EXPECT_EQ(status, 400) << message;
  EXPECT_EQ(message, "n_best: expected an integer from 1 to 2") << message;
}

}  // namespace
}  // namespace tandem::server
