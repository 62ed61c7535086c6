// Tests for write_file_atomically: complete files, untouched old files on failure, no leftovers.
#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem::io {
namespace {

namespace fs = std::filesystem;

using testing::error_message;
using testing::read_file;
using testing::TempDir;

void write_text(const std::string& path, const std::string& text) {
  write_file_atomically(path, [&](std::ostream& out) { out << text; });
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "expected \"" << part << "\" in: " << text;
}

TEST(AtomicFile, WritesTheWholeFileAndNothingElse) {
  TempDir dir;
  std::string big(300'000, 'x');  // larger than the stream's buffer
  write_file_atomically(dir.file("out.bin"), [&](std::ostream& out) {
    out << "head:";
    out.write(big.data(), static_cast<std::streamsize>(big.size()));
    out << ":tail";
  });
  EXPECT_EQ(read_file(dir.file("out.bin")), "head:" + big + ":tail");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.bin"});
}

TEST(AtomicFile, ReplacesAnExistingFile) {
  TempDir dir;
  write_text(dir.file("out.txt"), "old contents, longer than the new ones");
  write_text(dir.file("out.txt"), "new");
  EXPECT_EQ(read_file(dir.file("out.txt")), "new");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.txt"});
}

TEST(AtomicFile, WriterThrowingMidwayLeavesTheOldFileAndNoTemporary) {
  TempDir dir;
  write_text(dir.file("model.bin"), "old");
  std::string chunk(200'000, 'n');  // enough that part of it reaches the temporary file
  EXPECT_THROW(write_file_atomically(dir.file("model.bin"),
                                     [&](std::ostream& out) {
                                       out.write(chunk.data(),
                                                 static_cast<std::streamsize>(chunk.size()));
                                       throw std::runtime_error("simulated failure");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read_file(dir.file("model.bin")), "old");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.bin"});
}

TEST(AtomicFile, FailedStreamIsAnErrorAndLeavesTheOldFile) {
  TempDir dir;
  write_text(dir.file("model.bin"), "old");
  std::string message = error_message([&] {
    write_file_atomically(dir.file("model.bin"), [](std::ostream& out) {
      out << "partial";
      out.setstate(std::ios::badbit);  // what a failed write looks like to the caller
    });
  });
  expect_contains(message, dir.file("model.bin"));
  EXPECT_EQ(read_file(dir.file("model.bin")), "old");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.bin"});
}

TEST(AtomicFile, MissingDirectoryIsAnErrorNamingThePath) {
  TempDir dir;
  std::string path = dir.file("no_such_dir/model.bin");
  std::string message = error_message([&] { write_text(path, "x"); });
  expect_contains(message, path);
  expect_contains(message, "No such file or directory");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, TargetThatIsADirectoryIsAnErrorAndLeavesNoTemporary) {
  TempDir dir;
  fs::create_directory(dir.file("sub"));
  std::string message = error_message([&] { write_text(dir.file("sub"), "x"); });
  expect_contains(message, dir.file("sub"));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"sub"});
}

TEST(AtomicFile, ConcurrentWritersNeverLeaveAMixedFile) {
  TempDir dir;
  constexpr int kThreads = 4, kWrites = 10;
  constexpr size_t kSize = 150'000;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string text(kSize, static_cast<char>('a' + t));
      for (int i = 0; i < kWrites; ++i) {
        try {
          write_text(dir.file("shared.bin"), text);
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  std::string contents = read_file(dir.file("shared.bin"));
  ASSERT_EQ(contents.size(), kSize);
  EXPECT_EQ(contents, std::string(kSize, contents[0]));  // one writer's file, whole
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"shared.bin"});
}

}  // namespace
}  // namespace tandem::io
