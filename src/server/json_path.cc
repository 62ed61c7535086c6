// A SAX pass that only keeps the stack of keys and indices above the value being read.
#include "server/json_path.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace tandem::server {
namespace {

using json = nlohmann::json;

class PathTracker : public nlohmann::json_sax<json> {
 public:
  bool null() override { return value_done(); }
  bool boolean(bool) override { return value_done(); }
  bool number_integer(number_integer_t) override { return value_done(); }
  bool number_unsigned(number_unsigned_t) override { return value_done(); }
  bool number_float(number_float_t, const string_t&) override { return value_done(); }
  bool string(string_t&) override { return value_done(); }
  bool binary(binary_t&) override { return value_done(); }
  bool start_object(std::size_t) override {
    frames_.push_back({false, {}, 0});
    return true;
  }
  bool key(string_t& k) override {
    frames_.back().key = k;
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return value_done();
  }
  bool start_array(std::size_t) override {
    frames_.push_back({true, {}, 0});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return value_done();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    failed_path_ = path();
    return false;
  }

  const std::string& failed_path() const { return failed_path_; }

 private:
  struct Frame {
    bool array;
    std::string key;  // objects: the key whose value is being read
    size_t index;     // arrays: the element being read
  };

  bool value_done() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }

  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) {
      // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) about "[" + std::string.
      if (f.array) {
        p += '[';
        p += std::to_string(f.index);
        p += ']';
      } else {
        if (!p.empty()) p += '.';
        p += f.key;
      }
    }
    return p;
  }

  std::vector<Frame> frames_;
  std::string failed_path_;
};

}  // namespace

std::string json_error_path(const std::string& text) {
  PathTracker tracker;
  json::sax_parse(text, &tracker);
  return tracker.failed_path();
}

}  // namespace tandem::server
