// `tandem train` stopped by a signal: it finishes its step, writes a checkpoint, prints the
// command that resumes it and exits 130 (SIGINT) or 143 (SIGTERM); the resumed run reaches the
// model an uninterrupted run reaches. And a second training into a folder in use fails at once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "support/tandem_process.h"
#include "support/temp_dir.h"

extern char** environ;

namespace tandem {
namespace {

using testing::ProcessResult;
using testing::run_tandem;
using testing::TempDir;

// A `tandem train` running in the background, its stderr going to a file.
class BackgroundTraining {
 public:
  BackgroundTraining(const std::string& config, const std::string& log) : log_(log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string binary = TANDEM_BINARY;
    std::vector<std::string> args = {binary, "train", "--config", config};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~BackgroundTraining() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  std::string output() const { return testing::read_file(log_); }
  // Waits (up to 60 s) until the output holds `part`.
  bool wait_for(const std::string& part) const {
    for (int i = 0; i < 6000; ++i) {
      if (output().find(part) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  // The exit status (-1: killed by a signal).
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  bool waited_ = false;
};

// A corpus that makes steps of a few milliseconds, and a config that would run for hours.
std::string write_setup(const TempDir& dir, int64_t max_steps) {
  std::string src, tgt;
  for (int i = 0; i < 200; ++i) {
    std::string s;
    for (int k = 0; k <= i % 9; ++k) s += static_cast<char>('a' + (i * 7 + k * 3) % 11);
    src += s + "\n";
    tgt += std::string(s.rbegin(), s.rend()) + "\n";
  }
  dir.write("a.src", src);
  dir.write("a.tgt", tgt);
  return dir.write("c.yaml", "data: {train_source: " + dir.file("a.src") +
                                 ", train_target: " + dir.file("a.tgt") +
                                 "}\nmodel: {embedding_size: 16, encoder: {hidden_size: 16}, "
                                 "decoder: {hidden_size: 32}, dropout: 0.1}\n"
                                 "train: {model_dir: " +
                                 dir.file("model") + ", max_steps: " + std::to_string(max_steps) +
                                 ", batch_size: 16, checkpoint_every: 1000, log_every: 1, "
                                 "threads: 1, seed: 9}\n");
}

TEST(TrainInterrupt, SigintCheckpointsAndThePrintedCommandResumesToTheSameModel) {
  TempDir dir;
  const std::string config = write_setup(dir, 1000000);
  BackgroundTraining run(config, dir.file("log.txt"));
  ASSERT_GT(run.pid(), 0);
  ASSERT_TRUE(run.wait_for("step 3 |")) << run.output();
  kill(run.pid(), SIGINT);
  EXPECT_EQ(run.wait(), 130) << run.output();
  const std::string out = run.output();
  EXPECT_NE(out.find("SIGINT (Ctrl+C): stopping after the current step"), std::string::npos) << out;
  EXPECT_NE(out.find("\ninterrupted: "), std::string::npos) << out;
  std::smatch found;
  ASSERT_TRUE(std::regex_search(out, found, std::regex("checkpoint: (.*/step-0*([0-9]+))\n")))
      << out;
  ASSERT_TRUE(std::filesystem::exists(found[1].str() + "/state.safetensors"));
  const int64_t stopped_at = std::stoll(found[2].str());
  EXPECT_NE(out.find("interrupted: " + std::to_string(stopped_at) + " steps"), std::string::npos)
      << out;
  std::smatch resume;
  ASSERT_TRUE(std::regex_search(out, resume, std::regex("to resume: (.*)\n"))) << out;
  EXPECT_NE(resume[1].str().find("--resume"), std::string::npos);

  // Resumed with the printed command (train.max_steps lowered in the config, which a resume
  // allows), and run straight through in another folder: the same weights, bit for bit.
  const int64_t end = stopped_at + 6;
  write_setup(dir, end);
  const std::string binary = std::string(TANDEM_BINARY) + " ";
  ASSERT_EQ(resume[1].str().rfind(binary, 0), 0u) << resume[1];  // this very program
  const ProcessResult resumed = run_tandem(resume[1].str().substr(binary.size()));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming at step " + std::to_string(stopped_at)), std::string::npos)
      << resumed.err;
  const ProcessResult straight =
      run_tandem("train --config " + config + " --set train.model_dir=" + dir.file("b"));
  ASSERT_EQ(straight.status, 0) << straight.err;
  EXPECT_EQ(testing::read_file(dir.file("model/model.safetensors")),
            testing::read_file(dir.file("b/model.safetensors")));
}

// A second stop signal does not wait for the step to end or a checkpoint to be written. Both
// are made to arrive together, whatever the machine's load: the process is stopped (SIGSTOP)
// while they are sent, and two signals of different kinds do not merge into one.
TEST(TrainInterrupt, ASecondStopSignalStopsAtOnce) {
  TempDir dir;
  const std::string config = write_setup(dir, 1000000);
  BackgroundTraining run(config, dir.file("log.txt"));
  ASSERT_GT(run.pid(), 0);
  ASSERT_TRUE(run.wait_for("step 2 |")) << run.output();
  kill(run.pid(), SIGSTOP);
  kill(run.pid(), SIGINT);
  kill(run.pid(), SIGTERM);
  kill(run.pid(), SIGCONT);
  const int status = run.wait();
  const std::string out = run.output();
  EXPECT_TRUE(status == 130 || status == 143) << status << "\n" << out;  // the second's number
  EXPECT_NE(out.find(" again: stopping at once"), std::string::npos) << out;
  EXPECT_EQ(out.find("\ninterrupted: "), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("model/checkpoints"))) << out;
}

// A training started with SIGINT ignored (a shell's background job) keeps ignoring it: Ctrl+C at
// the terminal is not meant for it. SIGTERM still stops it cleanly.
TEST(TrainInterrupt, AnIgnoredSigintStaysIgnored) {
  TempDir dir;
  const std::string config = write_setup(dir, 1000000);
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &previous);  // inherited through posix_spawn and exec
  BackgroundTraining run(config, dir.file("log.txt"));
  sigaction(SIGINT, &previous, nullptr);
  ASSERT_GT(run.pid(), 0);
  ASSERT_TRUE(run.wait_for("step 2 |")) << run.output();
  kill(run.pid(), SIGINT);
  kill(run.pid(), SIGTERM);
  EXPECT_EQ(run.wait(), 143) << run.output();
  EXPECT_EQ(run.output().find("SIGINT"), std::string::npos) << run.output();
  EXPECT_NE(run.output().find("\ninterrupted: "), std::string::npos) << run.output();
}

TEST(TrainInterrupt, ASecondTrainingIntoAFolderInUseFailsAtOnceAndSigtermStopsTheFirst) {
  TempDir dir;
  const std::string config = write_setup(dir, 1000000);
  BackgroundTraining first(config, dir.file("log.txt"));
  ASSERT_GT(first.pid(), 0);
  ASSERT_TRUE(first.wait_for("step 1 |")) << first.output();
  const ProcessResult second = run_tandem("train --overwrite --config " + config);
  EXPECT_EQ(second.status, 1) << second.err;
  EXPECT_NE(second.err.find("error: the model folder " + dir.file("model") +
                            " is in use by another training (pid " + std::to_string(first.pid()) +
                            " on host "),
            std::string::npos)
      << second.err;
  kill(first.pid(), SIGTERM);
  EXPECT_EQ(first.wait(), 143) << first.output();
  EXPECT_NE(first.output().find("SIGTERM: stopping after the current step"), std::string::npos);
  // The first run's folder is whole: it translates, and a resume would go on.
  dir.write("in.txt", "abc\n");
  const ProcessResult translated =
      run_tandem("translate --model " + dir.file("model") + " --input " + dir.file("in.txt"));
  EXPECT_EQ(translated.status, 0) << translated.err;
  // Without --resume or --overwrite a folder holding a run is refused, naming both.
  const ProcessResult again = run_tandem("train --config " + config);
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("already holds a training run"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace tandem
