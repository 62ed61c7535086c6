// ModelConfig: parsing of the enumerated choices.
#include "model/model_config.h"

#include "tensor/error.h"

namespace tandem {

Bridge parse_bridge(const std::string& name) {
  if (name == "final") return Bridge::kFinal;
  if (name == "mean") return Bridge::kMean;
  if (name == "zero") return Bridge::kZero;
  throw Error("unknown bridge '" + name + "'; valid: final, mean, zero");
}

}  // namespace tandem
