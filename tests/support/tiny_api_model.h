// A tiny model trained in-process through api/training.h (milliseconds): what the api tests
// translate and score with. Its outputs are arbitrary but deterministic.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/training.h"
#include "support/temp_dir.h"

namespace tandem::testing {

// The pairs it is trained on: short strings of 8 symbols (some CJK), targets reversed.
inline std::vector<std::pair<std::string, std::string>> tiny_api_pairs() {
  const std::string symbols[] = {"a", "b", "c", "d", "你", "好", "世", "界"};
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 64; ++i) {
    std::string src, tgt;
    std::vector<std::string> s;
    for (int k = 0; k < 2 + i % 4; ++k) s.push_back(symbols[(i * 7 + k * 3) % 8]);
    for (const auto& x : s) src += x;
    for (auto it = s.rbegin(); it != s.rend(); ++it) tgt += *it;
    pairs.emplace_back(src, tgt);
  }
  return pairs;
}

// The YAML of a tiny character-level model into dir/NAME, trained on tiny_api_pairs() (written
// into the folder as train.src and train.tgt); `train_extra` and `data_extra` (", key: value"
// …) go into its train and data sections.
inline std::string tiny_api_config(const TempDir& dir, const std::string& name,
                                   const std::string& attention = "bahdanau",
                                   const std::string& train_extra = "",
                                   const std::string& data_extra = "") {
  std::string src, tgt;
  for (const auto& [s, t] : tiny_api_pairs()) {
    src += s + "\n";
    tgt += t + "\n";
  }
  dir.write("train.src", src);
  dir.write("train.tgt", tgt);
  return "data: {train_source: " + dir.file("train.src") +
         ", train_target: " + dir.file("train.tgt") +
         ", source_tokenizer: char, target_tokenizer: char" + data_extra +
         "}\n"
         "model: {embedding_size: 8, encoder: {hidden_size: 8}, decoder: {hidden_size: 16}, "
         "attention: " +
         attention + "}\ntrain: {model_dir: " + dir.file(name) +
         ", batch_size: 16, max_steps: 20, log_every: 1000" + train_extra + "}\n";
}

// Trains the model of tiny_api_config and returns its folder.
inline std::string train_tiny_api_model(const TempDir& dir, const std::string& name = "model",
                                        const std::string& attention = "bahdanau") {
  TrainRequest request;
  request.config_text = tiny_api_config(dir, name, attention);
  train(request);
  return dir.file(name);
}

}  // namespace tandem::testing
