// Safetensors: the JSON header with nlohmann::json, its validation, and dtype conversion.
#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>
#include <tuple>

#include "io/atomic_file.h"
#include "nn/parameter_store.h"
#include "tensor/error.h"

namespace tandem::io {

// The data is copied to and from memory as is; a big-endian host would need byte swapping.
static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

using json = nlohmann::json;

// The reference implementation's limit: a larger length means a corrupt or foreign file.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct DType {
  enum Kind { kF32, kF16, kBF16, kF64 } kind;
  const char* name;
  uint64_t size;  // bytes per element
};
constexpr DType kDTypes[] = {{DType::kF32, "F32", 4},
                             {DType::kF16, "F16", 2},
                             {DType::kBF16, "BF16", 2},
                             {DType::kF64, "F64", 8}};
constexpr const char* kSupportedDTypes = "F32, F16, BF16, F64";

// One tensor's header entry, checked against the size of the data buffer.
struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

std::string reason(int err) { return std::error_code(err, std::generic_category()).message(); }

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw Error("cannot load safetensors file '" + path + "': " + message);
}

[[noreturn]] void fail(const std::string& path, const std::string& tensor,
                       const std::string& message) {
  fail(path, "tensor '" + tensor + "': " + message);
}

// A JSON value for an error message, cut short so that a hostile header cannot make it huge.
std::string brief(const json& value) {
  std::string text = value.dump();
  return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

// IEEE half precision: 1 sign, 5 exponent (bias 15), 10 mantissa bits. Exact in float.
float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

// bfloat16 is the top half of a float32.
float bfloat16_to_float(uint16_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b) << 16); }

// Rounds to nearest like the hardware, but spelled out where a plain cast of an out-of-range
// double would be undefined behaviour.
float double_to_float(double d) {
  if (std::isnan(d)) return std::copysign(std::numeric_limits<float>::quiet_NaN(), d);
  constexpr double kMax = std::numeric_limits<float>::max();
  constexpr double kOverflow = 0x1.ffffffp127;  // halfway between float's max and 2^128
  if (std::fabs(d) > kMax) {
    float limit = std::fabs(d) >= kOverflow ? std::numeric_limits<float>::infinity()
                                            : std::numeric_limits<float>::max();
    return d < 0 ? -limit : limit;
  }
  return static_cast<float>(d);
}

void convert_to_float(const DType& dtype, const unsigned char* bytes, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const unsigned char* p = bytes + i * dtype.size;
    if (dtype.kind == DType::kF64) {
      double d;
      std::memcpy(&d, p, sizeof d);
      out[i] = double_to_float(d);
    } else {
      uint16_t h;
      std::memcpy(&h, p, sizeof h);
      out[i] = dtype.kind == DType::kF16 ? half_to_float(h) : bfloat16_to_float(h);
    }
  }
}

// A file read with pread, so that every read names its offset and is checked against the end.
class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path) {
    fd_.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_.fd < 0) fail(path_, "cannot open it: " + reason(errno));
    struct stat st;
    if (::fstat(fd_.fd, &st) != 0) fail(path_, "cannot inspect it: " + reason(errno));
    if (S_ISDIR(st.st_mode)) fail(path_, "it is a directory, not a file");
    if (!S_ISREG(st.st_mode)) fail(path_, "it is not a regular file");
    size_ = static_cast<uint64_t>(st.st_size);
  }

  uint64_t size() const { return size_; }

  void read(uint64_t offset, void* destination, uint64_t n) const {
    auto* out = static_cast<char*>(destination);
    while (n > 0) {
      ssize_t got = ::pread(fd_.fd, out, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail(path_, "reading failed: " + reason(errno));
      if (got == 0) {
        fail(path_, "the file ended at byte " + std::to_string(offset) +
                        ", earlier than its size said (was it changed while being read?)");
      }
      out += got;
      offset += static_cast<uint64_t>(got);
      n -= static_cast<uint64_t>(got);
    }
  }

 private:
  struct Fd {  // closes the descriptor even when the constructor throws
    int fd = -1;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  };
  std::string path_;
  Fd fd_;
  uint64_t size_ = 0;
};

Metadata parse_metadata(const std::string& path, const json& value) {
  if (!value.is_object()) {
    fail(path, "\"__metadata__\" must be an object of strings, got " + brief(value));
  }
  Metadata metadata;
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) {
      fail(path, "\"__metadata__\" entry '" + key + "' must be a string, got " + brief(text));
    }
    metadata[key] = text.get<std::string>();
  }
  return metadata;
}

Entry parse_entry(const std::string& path, const std::string& name, const json& info,
                  uint64_t data_size) {
  if (!info.is_object()) {
    fail(path, name,
         "expected an object with \"dtype\", \"shape\" and \"data_offsets\", got " + brief(info));
  }
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    if (!info.contains(field)) fail(path, name, std::string("the entry has no \"") + field + "\"");
  }
  Entry entry;
  entry.name = name;

  const json& dtype = info["dtype"];
  if (!dtype.is_string()) fail(path, name, "\"dtype\" must be a string, got " + brief(dtype));
  const auto* known = std::find_if(std::begin(kDTypes), std::end(kDTypes), [&](const DType& d) {
    return dtype.get_ref<const std::string&>() == d.name;
  });
  if (known == std::end(kDTypes)) {
    fail(path, name,
         "unsupported dtype " + brief(dtype) + " (supported: " + kSupportedDTypes + ")");
  }
  entry.dtype = *known;

  const json& shape = info["shape"];
  if (!shape.is_array()) {
    fail(path, name, "\"shape\" must be an array of sizes, got " + brief(shape));
  }
  if (shape.size() > static_cast<size_t>(Shape::kMaxRank)) {
    fail(path, name,
         "shape " + brief(shape) + " has " + std::to_string(shape.size()) +
             " dimensions, but tandem tensors have at most " + std::to_string(Shape::kMaxRank));
  }
  // The element count, computed in the order Shape::numel does, must fit in an int64.
  std::array<int64_t, Shape::kMaxRank> dims{};
  int64_t numel = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!shape[i].is_number_unsigned()) {
      fail(path, name, "\"shape\" must hold non-negative integers, got " + brief(shape));
    }
    uint64_t d = shape[i].get<uint64_t>();
    if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        __builtin_mul_overflow(numel, static_cast<int64_t>(d), &numel)) {
      fail(path, name, "shape " + brief(shape) + " is too large");
    }
    dims[i] = static_cast<int64_t>(d);
  }
  const int64_t* d = dims.data();  // zero beyond the rank
  const Shape by_rank[] = {Shape{}, Shape{d[0]}, Shape{d[0], d[1]}, Shape{d[0], d[1], d[2]},
                           Shape{d[0], d[1], d[2], d[3]}};
  entry.shape = by_rank[shape.size()];

  const json& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail(path, name,
         "\"data_offsets\" must be two non-negative integers [begin, end], got " + brief(offsets));
  }
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  const std::string range = brief(offsets);
  if (entry.end < entry.begin) fail(path, name, "data_offsets " + range + " end before they begin");
  uint64_t needed;
  if (__builtin_mul_overflow(static_cast<uint64_t>(numel), entry.dtype.size, &needed) ||
      entry.end - entry.begin != needed) {
    fail(path, name,
         "data_offsets " + range + " span " + std::to_string(entry.end - entry.begin) +
             " bytes, but shape " + entry.shape.to_string() + " of " + entry.dtype.name +
             " needs " + std::to_string(static_cast<uint64_t>(numel)) + " x " +
             std::to_string(entry.dtype.size) + " bytes");
  }
  if (entry.end > data_size) {
    fail(path, name,
         "data_offsets " + range + " reach past the end of the data, which holds " +
             std::to_string(data_size) + " bytes (is the file truncated?)");
  }
  return entry;
}

[[noreturn]] void fail_save(const std::string& path, const std::string& message) {
  throw Error("cannot save safetensors file '" + path + "': " + message);
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const Metadata& metadata) {
  // ordered_json keeps the entries in data order, as the reference writer does.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> seen;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__") {
      fail_save(path, "the name '__metadata__' is reserved for the metadata");
    }
    if (!seen.insert(name).second) fail_save(path, "tensor '" + name + "' is given twice");
    if (!tensor.defined()) fail_save(path, "tensor '" + name + "' has no data");
    nlohmann::ordered_json shape = nlohmann::ordered_json::array();
    for (int i = 0; i < tensor.rank(); ++i) shape.push_back(tensor.dim(i));
    const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * sizeof(float);
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["dtype"] = "F32";
    entry["shape"] = std::move(shape);
    entry["data_offsets"] = {offset, offset + bytes};
    header[name] = std::move(entry);
    offset += bytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::ordered_json::exception& e) {
    fail_save(path, std::string("tensor names and metadata must be valid UTF-8: ") + e.what());
  }
  // Padding to 8 bytes (as the reference writer does) keeps the data aligned for memory mapping.
  text.append((8 - text.size() % 8) % 8, ' ');

  write_file_atomically(path, [&](std::ostream& out) {
    char length[8];
    uint64_t n = text.size();
    for (char& byte : length) {
      byte = static_cast<char>(n & 0xffu);
      n >>= 8;
    }
    out.write(length, sizeof length);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& [name, tensor] : tensors) {
      if (tensor.numel() == 0) continue;
      out.write(reinterpret_cast<const char*>(tensor.data()),
                static_cast<std::streamsize>(tensor.numel() * sizeof(float)));
    }
  });
}

SafetensorsFile load_safetensors(const std::string& path) {
  InputFile file(path);
  const uint64_t size = file.size();
  if (size < 8) {
    fail(path, "it has " + std::to_string(size) +
                   " bytes, too few for the 8-byte header length (is it a safetensors file?)");
  }
  unsigned char length[8];
  file.read(0, length, sizeof length);
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | length[i];
  if (header_size > kMaxHeaderBytes) {
    fail(path, "the header length " + std::to_string(header_size) + " exceeds the limit of " +
                   std::to_string(kMaxHeaderBytes) + " bytes (is it a safetensors file?)");
  }
  if (header_size > size - 8) {
    fail(path, "the header length " + std::to_string(header_size) + " exceeds the " +
                   std::to_string(size - 8) + " bytes after it (is the file truncated?)");
  }
  std::string text(header_size, '\0');
  file.read(8, text.data(), header_size);
  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    fail(path, std::string("the header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail(path, "the header must be a JSON object, got " + brief(header));

  const uint64_t data_start = 8 + header_size;
  const uint64_t data_size = size - data_start;
  SafetensorsFile result;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      result.metadata = parse_metadata(path, value);
    } else {
      entries.push_back(parse_entry(path, key, value, data_size));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  // Gaps are harmless and tolerated; shared bytes mean a corrupt header.
  const Entry* furthest = nullptr;
  for (const Entry& entry : entries) {
    if (furthest && entry.begin < furthest->end && entry.end > entry.begin) {
      fail(path, "tensors '" + furthest->name + "' [" + std::to_string(furthest->begin) + ", " +
                     std::to_string(furthest->end) + "] and '" + entry.name + "' [" +
                     std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                     "] overlap in the data");
    }
    if (!furthest || entry.end > furthest->end) furthest = &entry;
  }

  std::vector<unsigned char> buffer;
  result.tensors.reserve(entries.size());
  for (const Entry& entry : entries) {
    Tensor tensor = Tensor::zeros(entry.shape);
    const uint64_t bytes = entry.end - entry.begin;
    if (entry.dtype.kind == DType::kF32) {
      file.read(data_start + entry.begin, tensor.data(), bytes);
    } else {
      buffer.resize(bytes);
      file.read(data_start + entry.begin, buffer.data(), bytes);
      convert_to_float(entry.dtype, buffer.data(), tensor.data(), tensor.numel());
    }
    result.tensors.emplace_back(entry.name, std::move(tensor));
  }
  return result;
}

void save_parameters(const std::string& path, const ParameterStore& store,
                     const Metadata& metadata) {
  NamedTensors tensors;
  tensors.reserve(store.size());
  for (const Parameter& p : store) tensors.emplace_back(p.name, p.value);
  save_safetensors(path, tensors, metadata);
}

void load_parameters(const std::string& path, ParameterStore& store) {
  copy_parameters(load_safetensors(path), path, store);
}

void copy_parameters(const SafetensorsFile& file, const std::string& path, ParameterStore& store) {
  // Every difference is reported at once, and nothing is copied unless there are none.
  std::vector<std::string> problems;
  std::set<std::string> in_file;
  for (const auto& [name, tensor] : file.tensors) {
    in_file.insert(name);
    if (!store.contains(name)) {
      problems.push_back("tensor '" + name + "' " + tensor.shape().to_string() +
                         " is in the file, but the model has no such parameter");
    } else if (store.get(name).value.shape() != tensor.shape()) {
      problems.push_back("tensor '" + name + "' has shape " + tensor.shape().to_string() +
                         " in the file, but " + store.get(name).value.shape().to_string() +
                         " in the model");
    }
  }
  for (const Parameter& p : store) {
    if (!in_file.count(p.name)) {
      problems.push_back("parameter '" + p.name + "' " + p.value.shape().to_string() +
                         " is missing from the file");
    }
  }
  if (!problems.empty()) {
    constexpr size_t kShown = 10;
    std::string message = "cannot load parameters from '" + path +
                          "': it does not match the model (was it saved from a model with "
                          "another configuration?):";
    for (size_t i = 0; i < std::min(problems.size(), kShown); ++i) message += "\n  " + problems[i];
    if (problems.size() > kShown) {
      message += "\n  ... and " + std::to_string(problems.size() - kShown) + " more";
    }
    throw Error(message);
  }
  for (const auto& [name, tensor] : file.tensors) store.get(name).value.copy_from(tensor);
}

}  // namespace tandem::io
