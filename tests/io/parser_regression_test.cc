// Inputs that once crashed, hung or gave an unclear error in a reader: each is also in the
// fuzzers' seed corpus (fuzz/corpus/), and each must give tandem::Error naming the file.
#include <gtest/gtest.h>

#include <string>

#include "io/config.h"
#include "io/safetensors.h"
#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem {
namespace {

using testing::TempDir;

std::string config_error(const std::string& yaml) {
  try {
    load_config_string(yaml, "c.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// yaml-cpp 0.7 never consumes a ',' where a top-level value should begin, and made empty
// documents until memory ran out.
TEST(ParserRegression, ACommaWhereAYamlValueShouldBeginIsInvalidYamlWithItsLine) {
  const std::pair<std::string, std::string> cases[] = {
      {",", "c.yaml:1:1: invalid YAML"},
      {" ,", "c.yaml:1:2: invalid YAML"},
      {",a", "c.yaml:1:1: invalid YAML"},
      {"# a comment\n,", "c.yaml:2:1: invalid YAML"},
      {"---\n,", "c.yaml:2:1: invalid YAML"},
      {"model:\n  cell: gru\n...\n,", "c.yaml:4:1: invalid YAML"},
      {"--- &anchor ,", "c.yaml:1:13: invalid YAML"},
  };
  for (const auto& [yaml, expected] : cases) {
    const std::string message = config_error(yaml);
    EXPECT_EQ(message.rfind(expected, 0), 0u) << "'" << yaml << "': " << message;
  }
  // What must still load: several documents of which the later ones are empty.
  EXPECT_NO_THROW(load_config_string("---\nmodel: {cell: gru}\n---\n", "c.yaml"));
}

TEST(ParserRegression, EverySafetensorsHeaderErrorNamesTheFile) {
  TempDir dir;
  const std::string headers[] = {
      R"({"w": {"dtype": "F32", "shape": [1e400], "data_offsets": [0, 4]}})",
      R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, -1e400]}})",
      R"({"__metadata__": {"a": 1e400}})",
      R"({"w": )",
  };
  for (const std::string& header : headers) {
    std::string bytes(8, '\0');
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    const std::string path = dir.write("bad.safetensors", bytes + header + std::string(4, '\0'));
    try {
      io::load_safetensors(path);
      ADD_FAILURE() << header << ": loaded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("'" + path + "'"), std::string::npos)
          << header << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << header << ": not a tandem::Error: " << e.what();
    }
  }
}

}  // namespace
}  // namespace tandem
