// Tests for safetensors I/O: bit-exact round trips, the reference writer's files, bad files.
#include "io/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "nn/parameter_store.h"
#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem::io {
namespace {

namespace fs = std::filesystem;

using testing::error_message;
using testing::read_file;
using testing::TempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string little_endian_u64(uint64_t n) {
  std::string bytes(8, '\0');
  for (char& byte : bytes) {
    byte = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return bytes;
}

// A safetensors file from its parts, with a correct length prefix.
std::string raw_file(const std::string& header, size_t data_bytes = 0) {
  return little_endian_u64(header.size()) + header + std::string(data_bytes, '\0');
}

Tensor tensor_of_bits(const Shape& shape, const std::vector<uint32_t>& bits) {
  Tensor t = Tensor::zeros(shape);
  std::memcpy(t.data(), bits.data(), bits.size() * sizeof(uint32_t));
  return t;
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "expected \"" << part << "\" in: " << text;
}

uint32_t bits_of(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

TEST(Safetensors, RoundTripIsBitExact) {
  TempDir dir;
  Tensor odd = Tensor::zeros(Shape{3, 5, 7});
  for (int64_t i = 0; i < odd.numel(); ++i) odd.data()[i] = 0.37f * static_cast<float>(i) - 2.0f;
  Tensor four_d = Tensor::zeros(Shape{2, 1, 3, 2});
  for (int64_t i = 0; i < four_d.numel(); ++i) four_d.data()[i] = std::sin(static_cast<float>(i));
  // -0, quiet NaN with a payload, negative signalling NaN, infinities, subnormals, extremes.
  Tensor special = tensor_of_bits(
      Shape{11}, {0x00000000, 0x80000000, 0x7fc12345, 0xffa00001, 0x7f800000, 0xff800000,
                  0x00000001, 0x807fffff, 0x7f7fffff, 0x00800000, 0x3f800000});
  NamedTensors saved = {{"odd", odd},
                        {"four_d", four_d},
                        {"scalar", Tensor::from(Shape{}, std::vector<float>{42.5f})},
                        {"special", special},
                        {"empty", Tensor::zeros(Shape{0, 3})},
                        {"empty_last", Tensor::zeros(Shape{2, 0})}};
  save_safetensors(dir.file("t.safetensors"), saved);
  SafetensorsFile loaded = load_safetensors(dir.file("t.safetensors"));
  ASSERT_EQ(loaded.tensors.size(), saved.size());
  for (size_t i = 0; i < saved.size(); ++i) {
    SCOPED_TRACE(saved[i].first);
    EXPECT_EQ(loaded.tensors[i].first, saved[i].first);  // the order of saving is kept
    const Tensor& a = saved[i].second;
    const Tensor& b = loaded.tensors[i].second;
    ASSERT_EQ(b.shape(), a.shape());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.numel() * sizeof(float)), 0);
  }
  EXPECT_TRUE(loaded.metadata.empty());
  EXPECT_EQ(dir.entries().size(), 1u);
}

TEST(Safetensors, FileLayoutFollowsTheFormat) {
  TempDir dir;
  std::string path = dir.file("t.safetensors");
  save_safetensors(path, {{"z", Tensor::zeros(Shape{2, 3})}, {"a", Tensor::zeros(Shape{5})}},
                   {{"format", "pt"}});
  std::string bytes = read_bytes(path);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(n % 8, 0u);  // padded, so the data is aligned
  ASSERT_EQ(bytes.size(), 8 + n + (6 + 5) * 4);
  std::string header = bytes.substr(8, n);
  EXPECT_EQ(header.front(), '{');
  auto json = nlohmann::json::parse(header);  // trailing padding is spaces
  EXPECT_EQ(json["__metadata__"], (nlohmann::json{{"format", "pt"}}));
  EXPECT_EQ(json["z"],
            (nlohmann::json{{"dtype", "F32"}, {"shape", {2, 3}}, {"data_offsets", {0, 24}}}));
  EXPECT_EQ(json["a"],
            (nlohmann::json{{"dtype", "F32"}, {"shape", {5}}, {"data_offsets", {24, 44}}}));

  save_safetensors(path, {{"a", Tensor::zeros(Shape{1})}});  // no metadata, no entry
  EXPECT_FALSE(nlohmann::json::parse(read_bytes(path).substr(8)).contains("__metadata__"));
}

TEST(Safetensors, MetadataRoundTrip) {
  TempDir dir;
  Metadata metadata = {
      {"format", "pt"}, {"empty", ""}, {"quoted", "a \"b\" \\ c\n"}, {"unicode", "naïve → ✓"}};
  save_safetensors(dir.file("m.safetensors"), {{"w", Tensor::zeros(Shape{1})}}, metadata);
  EXPECT_EQ(load_safetensors(dir.file("m.safetensors")).metadata, metadata);
}

TEST(Safetensors, ReadsFileWrittenByReferenceImplementation) {
  // Written by the official safetensors package: tests/reference/make_safetensors_fixture.py.
  SafetensorsFile file = load_safetensors(TANDEM_REFERENCE_DIR "/safetensors_fixture.safetensors");
  EXPECT_EQ(file.metadata,
            (Metadata{{"format", "np"}, {"producer", "make_safetensors_fixture.py"}}));
  std::vector<std::string> names;
  for (const auto& [name, tensor] : file.tensors) names.push_back(name);
  // Data order: the reference writer sorts by dtype alignment, then name.
  EXPECT_EQ(names, (std::vector<std::string>{"double", "decoder.rnn.weight", "empty",
                                             "encoder.embedding.weight", "output.bias", "scale",
                                             "brain", "half"}));
  auto get = [&](const std::string& name) {
    for (const auto& [n, tensor] : file.tensors)
      if (n == name) return tensor;
    ADD_FAILURE() << "no tensor " << name;
    return Tensor::zeros(Shape{0});
  };
  for (auto [name, shape] : {std::pair<std::string, Shape>{"decoder.rnn.weight", {2, 3, 2, 2}},
                             {"encoder.embedding.weight", {3, 4}},
                             {"output.bias", {5}}}) {
    Tensor t = get(name);
    ASSERT_EQ(t.shape(), shape) << name;
    for (int64_t i = 0; i < t.numel(); ++i) EXPECT_EQ(t.data()[i], i * 0.25f - 1) << name;
  }
  EXPECT_EQ(get("scale").shape(), Shape{});
  EXPECT_EQ(get("scale").item(), 3.5f);
  EXPECT_EQ(get("empty").shape(), (Shape{0, 3}));

  const float inf = std::numeric_limits<float>::infinity();
  Tensor half = get("half");
  ASSERT_EQ(half.shape(), Shape{10});
  const std::vector<float> half_expected = {
      0.0f, -0.0f, 1.0f, -2.25f, 65504.0f, std::ldexp(1.0f, -24), std::ldexp(1023.0f, -24),
      inf,  -inf};
  for (size_t i = 0; i < half_expected.size(); ++i) {
    EXPECT_EQ(bits_of(half.data()[i]), bits_of(half_expected[i])) << "half[" << i << "]";
  }
  EXPECT_TRUE(std::isnan(half.data()[9]));

  Tensor brain = get("brain");
  ASSERT_EQ(brain.shape(), (Shape{2, 2}));
  const std::vector<float> brain_expected = {1.0f, -3.5f, 0.15625f, std::ldexp(1.0f, -133)};
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(brain.data()[i], brain_expected[i]) << i;

  Tensor dbl = get("double");
  ASSERT_EQ(dbl.shape(), Shape{4});
  EXPECT_EQ(dbl.data()[0], 0.1f);
  EXPECT_EQ(dbl.data()[1], -inf);
  EXPECT_EQ(bits_of(dbl.data()[2]), 0u);  // 1e-50 underflows to +0
  EXPECT_EQ(dbl.data()[3], 2.5f);
}

TEST(Safetensors, ConvertsEveryHalfExactly) {
  // All 65536 F16 bit patterns against the textbook formula (IEEE 754 binary16).
  TempDir dir;
  std::string data;
  for (uint32_t h = 0; h < 65536; ++h)
    data += {static_cast<char>(h & 0xff), static_cast<char>(h >> 8)};
  std::string header = R"({"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]}})";
  write_bytes(dir.file("h.safetensors"), little_endian_u64(header.size()) + header + data);
  Tensor t = load_safetensors(dir.file("h.safetensors")).tensors.at(0).second;
  for (uint32_t h = 0; h < 65536; ++h) {
    int sign = h >> 15, exponent = (h >> 10) & 31, mantissa = h & 1023;
    float got = t.data()[h];
    if (exponent == 31 && mantissa != 0) {
      ASSERT_TRUE(std::isnan(got)) << std::hex << h;
      continue;
    }
    double magnitude = exponent == 0    ? std::ldexp(mantissa, -24)
                       : exponent == 31 ? std::numeric_limits<double>::infinity()
                                        : std::ldexp(1024 + mantissa, exponent - 25);
    float expected = static_cast<float>(sign ? -magnitude : magnitude);
    ASSERT_EQ(bits_of(got), bits_of(expected)) << std::hex << h;
  }
}

TEST(Safetensors, MissingFileOrDirectoryIsAnError) {
  TempDir dir;
  std::string missing = dir.file("missing.safetensors");
  std::string message = error_message([&] { load_safetensors(missing); });
  expect_contains(message, missing);
  expect_contains(message, "No such file or directory");
  fs::create_directory(dir.file("folder"));
  expect_contains(error_message([&] { load_safetensors(dir.file("folder")); }), "directory");
}

// Each malformed file must give a tandem::Error naming the file and what is wrong with it.
TEST(Safetensors, MalformedFilesAreErrorsNamingFileAndTensor) {
  struct Case {
    const char* what;
    std::string bytes;
    std::vector<std::string> expected;  // besides the file name
  };
  auto entry = [](const std::string& name, const std::string& body) {
    return "{\"" + name + "\": {" + body + "}}";
  };
  const std::string f32x2 = R"("dtype": "F32", "shape": [2], )";
  const std::vector<Case> cases = {
      {"shorter than 8 bytes", "abc", {"3 bytes"}},
      {"header longer than the file", little_endian_u64(100) + "{}", {"header length 100"}},
      {"absurd header length", little_endian_u64(~0ull) + "{}", {"exceeds the limit"}},
      {"empty header", raw_file(""), {"not valid JSON"}},
      {"not JSON", raw_file(R"({"w": )"), {"not valid JSON"}},
      {"not UTF-8", raw_file("{\"\xff\": 1}"), {"not valid JSON"}},
      {"not an object", raw_file("[1, 2]"), {"JSON object"}},
      {"entry not an object", raw_file(R"({"w": 3})"), {"'w'", "expected an object"}},
      {"no dtype",
       raw_file(entry("w", R"("shape": [2], "data_offsets": [0, 8])"), 8),
       {"'w'", "\"dtype\""}},
      {"no shape",
       raw_file(entry("w", R"("dtype": "F32", "data_offsets": [0, 8])"), 8),
       {"'w'", "\"shape\""}},
      {"no data_offsets",
       raw_file(entry("w", R"("dtype": "F32", "shape": [2])"), 8),
       {"'w'", "\"data_offsets\""}},
      {"dtype not a string",
       raw_file(entry("w", R"("dtype": 4, "shape": [2], "data_offsets": [0, 8])"), 8),
       {"'w'", "\"dtype\" must be a string"}},
      {"unknown dtype",
       raw_file(entry("w", R"("dtype": "I64", "shape": [1], "data_offsets": [0, 8])"), 8),
       {"'w'", "I64", "F32, F16, BF16, F64"}},
      {"shape not an array",
       raw_file(entry("w", R"("dtype": "F32", "shape": "2", "data_offsets": [0, 8])"), 8),
       {"'w'", "\"shape\" must be an array"}},
      {"negative size",
       raw_file(entry("w", R"("dtype": "F32", "shape": [-2], "data_offsets": [0, 8])"), 8),
       {"'w'", "non-negative integers"}},
      {"fractional size",
       raw_file(entry("w", R"("dtype": "F32", "shape": [1.5], "data_offsets": [0, 8])"), 8),
       {"'w'", "non-negative integers"}},
      {"five dimensions",
       raw_file(entry("w", R"("dtype": "F32", "shape": [1,1,1,1,2], "data_offsets": [0, 8])"), 8),
       {"'w'", "at most 4"}},
      {"element count overflows",
       raw_file(entry("w", R"("dtype": "F32", "shape": [4294967296, 4294967296, 4],
                              "data_offsets": [0, 8])"),
                8),
       {"'w'", "too large"}},
      {"size beyond int64 beside a zero",
       raw_file(entry("w", R"("dtype": "F32", "shape": [0, 18446744073709551615],
                              "data_offsets": [0, 0])"),
                0),
       {"'w'", "too large"}},
      {"byte count overflows",
       raw_file(entry("w", R"("dtype": "F64", "shape": [2305843009213693952],
                              "data_offsets": [0, 8])"),
                8),
       {"'w'", "needs 2305843009213693952 x 8 bytes"}},
      {"one offset",
       raw_file(entry("w", f32x2 + R"("data_offsets": [0])"), 8),
       {"'w'", "\"data_offsets\" must be two"}},
      {"offset a string",
       raw_file(entry("w", f32x2 + R"("data_offsets": [0, "8"])"), 8),
       {"'w'", "\"data_offsets\" must be two"}},
      {"offset beyond uint64",
       raw_file(entry("w", f32x2 + R"("data_offsets": [0, 1e30])"), 8),
       {"'w'", "\"data_offsets\" must be two"}},
      {"offsets reversed",
       raw_file(entry("w", f32x2 + R"("data_offsets": [8, 0])"), 8),
       {"'w'", "end before"}},
      {"offsets disagree with the shape",
       raw_file(entry("w", f32x2 + R"("data_offsets": [0, 4])"), 8),
       {"'w'", "span 4 bytes", "[2]", "needs 2 x 4"}},
      {"truncated data",
       raw_file(entry("w", f32x2 + R"("data_offsets": [4, 12])"), 8),
       {"'w'", "truncated"}},
      {"overlapping tensors",
       raw_file(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                    "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                12),
       {"'a'", "'b'", "overlap"}},
      {"overlap hidden behind an empty tensor",
       raw_file(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                    "b": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
                    "c": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
                16),
       {"'a'", "'c'", "overlap"}},
      {"metadata not an object", raw_file(R"({"__metadata__": [1]})"), {"\"__metadata__\""}},
      {"metadata value not a string",
       raw_file(R"({"__metadata__": {"k": 1}})"),
       {"'k'", "must be a string"}},
  };
  TempDir dir;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].what);
    std::string path = dir.file("bad" + std::to_string(i) + ".safetensors");
    write_bytes(path, cases[i].bytes);
    std::string message = error_message([&] { load_safetensors(path); });
    expect_contains(message, path);
    for (const std::string& part : cases[i].expected) expect_contains(message, part);
  }
}

TEST(Safetensors, ToleratesGapsAndZeroSizeTensorsAnywhere) {
  TempDir dir;
  std::string path = dir.file("gap.safetensors");
  std::string header = R"({"b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]},
                           "e": {"dtype": "F32", "shape": [0], "data_offsets": [9, 9]},
                           "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})";
  std::string bytes = raw_file(header, 12);
  std::memcpy(bytes.data() + 8 + header.size() + 8, "\x00\x00\xc0\x3f", 4);  // 1.5f
  write_bytes(path, bytes);
  SafetensorsFile file = load_safetensors(path);
  ASSERT_EQ(file.tensors.size(), 3u);
  EXPECT_EQ(file.tensors[0].first, "a");
  EXPECT_EQ(file.tensors[1].first, "b");
  EXPECT_EQ(file.tensors[1].second.item(), 1.5f);
  EXPECT_EQ(file.tensors[2].first, "e");
}

TEST(Safetensors, BadSavesAreErrorsAndLeaveTheOldFile) {
  TempDir dir;
  std::string path = dir.file("t.safetensors");
  save_safetensors(path, {{"w", Tensor::from(Shape{1}, std::vector<float>{7.0f})}});
  const Tensor one = Tensor::zeros(Shape{1});
  for (const auto& [what, tensors] : std::vector<std::pair<std::string, NamedTensors>>{
           {"'w' is given twice", {{"w", one}, {"w", one}}},
           {"reserved", {{"__metadata__", one}}},
           {"'u' has no data", {{"u", Tensor()}}},
           {"valid UTF-8", {{"\xff", one}}}}) {
    SCOPED_TRACE(what);
    std::string message = error_message([&] { save_safetensors(path, tensors); });
    expect_contains(message, path);
    expect_contains(message, what);
  }
  EXPECT_EQ(load_safetensors(path).tensors.at(0).second.item(), 7.0f);
  EXPECT_EQ(dir.entries().size(), 1u);

  std::string nowhere = dir.file("no_such_dir/t.safetensors");
  expect_contains(error_message([&] { save_safetensors(nowhere, {{"w", one}}); }), nowhere);
}

// A store with the given parameters, each filled with `value`.
void add(ParameterStore& store, const std::string& name, const Shape& shape, float value) {
  store.create(name, shape).value.fill(value);
}

TEST(Safetensors, ParametersRoundTrip) {
  TempDir dir;
  ParameterStore saved;
  add(saved, "encoder.w", Shape{2, 3}, 0.0f);
  add(saved, "decoder.b", Shape{4}, 0.0f);
  for (Parameter& p : saved) {
    for (int64_t i = 0; i < p.value.numel(); ++i) p.value.data()[i] = 0.5f * i - 1.0f;
  }
  save_parameters(dir.file("p.safetensors"), saved, {{"step", "100"}});
  EXPECT_EQ(load_safetensors(dir.file("p.safetensors")).metadata.at("step"), "100");

  ParameterStore loaded;
  add(loaded, "decoder.b", Shape{4}, 9.0f);  // another creation order is fine
  add(loaded, "encoder.w", Shape{2, 3}, 9.0f);
  load_parameters(dir.file("p.safetensors"), loaded);
  for (const Parameter& p : saved) {
    const Tensor& got = loaded.get(p.name).value;
    EXPECT_EQ(std::memcmp(got.data(), p.value.data(), got.numel() * sizeof(float)), 0) << p.name;
  }
}

TEST(Safetensors, LoadParametersRejectsMismatchesAndChangesNothing) {
  TempDir dir;
  std::string path = dir.file("p.safetensors");
  {
    ParameterStore saved;
    add(saved, "encoder.w", Shape{2, 3}, 1.0f);
    add(saved, "decoder.b", Shape{4}, 1.0f);
    save_parameters(path, saved);
  }
  {
    ParameterStore store;  // a shape mismatch
    add(store, "encoder.w", Shape{3, 2}, 7.0f);
    add(store, "decoder.b", Shape{4}, 7.0f);
    std::string message = error_message([&] { load_parameters(path, store); });
    for (const char* part : {path.c_str(), "'encoder.w'", "[2, 3]", "[3, 2]"}) {
      expect_contains(message, part);
    }
    EXPECT_EQ(store.get("decoder.b").value.data()[0], 7.0f);  // all or nothing
  }
  {
    ParameterStore store;  // a parameter the file lacks
    add(store, "encoder.w", Shape{2, 3}, 7.0f);
    add(store, "decoder.b", Shape{4}, 7.0f);
    add(store, "decoder.extra", Shape{1}, 7.0f);
    std::string message = error_message([&] { load_parameters(path, store); });
    for (const char* part : {path.c_str(), "'decoder.extra'", "missing from the file"}) {
      expect_contains(message, part);
    }
    EXPECT_EQ(store.get("encoder.w").value.data()[0], 7.0f);
  }
  {
    ParameterStore store;  // a tensor the model lacks
    add(store, "encoder.w", Shape{2, 3}, 7.0f);
    std::string message = error_message([&] { load_parameters(path, store); });
    for (const char* part : {path.c_str(), "'decoder.b'", "no such parameter"}) {
      expect_contains(message, part);
    }
    EXPECT_EQ(store.get("encoder.w").value.data()[0], 7.0f);
  }
}

}  // namespace
}  // namespace tandem::io
