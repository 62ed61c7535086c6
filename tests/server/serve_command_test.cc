// `tandem serve` as a process: a bad model folder is a clear error; SIGTERM while a request
// waits for its batch lets that request finish, then the process exits 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <regex>
#include <thread>

#include "server_fixture.h"

namespace tandem::server {
namespace {

using tandem::testing::read_file;
using tandem::testing::TempDir;

// Starts `tandem serve ARGS` with stderr into `log`; returns the child's pid.
pid_t start_serve(const std::vector<std::string>& args, const std::string& log) {
  // Everything is prepared before fork(): the child of a threaded process may only make
  // async-signal-safe calls until exec.
  std::vector<char*> argv = {const_cast<char*>(TANDEM_BINARY), const_cast<char*>("serve")};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const pid_t pid = fork();
  if (pid == 0) {
    if (fd < 0 || dup2(fd, 2) < 0) _exit(127);
    execv(TANDEM_BINARY, argv.data());
    _exit(127);
  }
  close(fd);
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;  // -1: killed by a signal
}

TEST(ServeCommand, AMissingModelIsAnErrorNamingIt) {
  TempDir dir;
  const pid_t pid = start_serve({"--model", dir.file("nowhere"), "--port", "0"}, dir.file("log"));
  EXPECT_EQ(exit_status(pid), 1);
  const std::string log = read_file(dir.file("log"));
  EXPECT_NE(log.find("error: "), std::string::npos) << log;
  EXPECT_NE(log.find("nowhere"), std::string::npos) << log;
}

TEST(ServeCommand, SigtermFinishesTheRequestInFlightAndExitsZero) {
  TempDir dir;
  const std::string model = testing::train_tiny_model(dir);
  // A long batch wait keeps the request queued until the signal arrives; the shutdown ends the
  // wait (the test would take ten seconds otherwise).
  const pid_t pid =
      start_serve({"--model", model, "--port", "0", "--batch-wait-ms", "10000"}, dir.file("log"));
  int port = 0;
  const std::regex listening("http://127\\.0\\.0\\.1:([0-9]+)/");
  for (int i = 0; i < 3000 && port == 0; ++i) {
    std::smatch m;
    const std::string log = read_file(dir.file("log"));
    if (std::regex_search(log, m, listening)) port = std::stoi(m[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(port, 0) << read_file(dir.file("log"));
  auto in_flight = std::async(std::launch::async, [port] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    return c.Post("/v1/translate", R"({"inputs": ["ab你"]})", "application/json");
  });
  httplib::Client probe("127.0.0.1", port);
  for (int i = 0; i < 3000; ++i) {  // until the request waits in the queue
    auto m = probe.Get("/metrics");
    if (m && m->body.find("tandem_queue_sentences 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto signalled = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  const auto r = in_flight.get();
  EXPECT_EQ(exit_status(pid), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(30));
  ASSERT_TRUE(r) << read_file(dir.file("log"));
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(r->body)["outputs"][0].contains("text"));
  const std::string log = read_file(dir.file("log"));
  EXPECT_NE(log.find("SIGTERM received"), std::string::npos) << log;
  EXPECT_NE(log.find("\"POST /v1/translate\" 200"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
}

}  // namespace
}  // namespace tandem::server
