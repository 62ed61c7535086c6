// Counts documents with a no-op event handler and stops at the first that makes no progress.
#include "io/yaml_stall_check.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "tensor/error.h"

namespace tandem::io {
namespace {

// Remembers where the last document began; YAML::Parser hands each document start the mark of
// the token it begins at, so two starts at one mark mean that token was never consumed.
class StallDetector : public YAML::EventHandler {
 public:
  StallDetector(const std::string& yaml, const std::string& name) : yaml_(yaml), name_(name) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos == last_.pos) {
      const char c = mark.pos >= 0 && static_cast<size_t>(mark.pos) < yaml_.size()
                         ? yaml_[static_cast<size_t>(mark.pos)]
                         : '?';
      throw Error(name_ + ":" + std::to_string(mark.line + 1) + ":" +
                  std::to_string(mark.column + 1) + ": invalid YAML: unexpected '" +
                  std::string(1, c) +
                  "' where a value should begin (',' separates items only inside [...] or "
                  "{...})");
    }
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  const std::string& yaml_;
  const std::string& name_;
  bool started_ = false;
  YAML::Mark last_;
};

}  // namespace

void check_yaml_advances(const std::string& yaml, const std::string& name) {
  std::istringstream in(yaml);
  YAML::Parser parser(in);
  StallDetector detector(yaml, name);
  while (parser.HandleNextDocument(detector)) {
  }
}

}  // namespace tandem::io
