// Translator: a loaded model with its own GEMM settings; per-call decode settings over the
// model's, translation through translate_lines, and teacher-forced scoring.
#include "api/translator.h"

#include <algorithm>
#include <mutex>
#include <numeric>

#include "api/process_memory.h"
#include "api/translate_lines.h"
#include "autodiff/ops.h"
#include "data/batch.h"
#include "data/utf8.h"
#include "data/vocab.h"
#include "decode/search_config.h"
#include "io/config.h"
#include "io/options.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "tensor/error.h"
#include "train/training_data.h"

namespace tandem {

struct Translator::State {
  LoadedModel model;
  int threads = 1;
  std::string precision_label;  // TranslatorOptions::precision_label
};

namespace {

// An invalid line is an error naming `what` and the line (from 1), before any work is done.
void check_utf8(const std::vector<std::string>& lines, const std::string& what) {
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t bad = data::find_invalid_utf8(lines[i]);
    check(bad == std::string::npos, [&] {
      return what + ": line " + std::to_string(i + 1) + ": " +
             data::describe_invalid_utf8(lines[i], bad);
    });
  }
}

}  // namespace

Translator::Translator(const std::string& model_dir, TranslatorOptions options)
    : state_(std::make_unique<State>()) {
  tune_process_memory();
  check(options.threads >= 0 && options.threads <= kMaxThreads, [&] {
    return "threads: expected 0 (every core) or a count of at most " + std::to_string(kMaxThreads) +
           ", got " + std::to_string(options.threads);
  });
  check(options.precision.empty() || options.precision == "fp32" || options.precision == "bf16",
        [&] { return "precision: expected fp32 or bf16, got '" + options.precision + "'"; });
  state_->model = load_model_dir(model_dir);
  if (!options.precision.empty())
    state_->model.config.set("decode.precision", options.precision, "precision");
  // Our kernel's threads are per call (kernels::ScopedGemmSettings); the BLAS's, in builds
  // without it, are process-wide: there the last Translator's count holds.
  if (options.threads > 0 && !kernels::has_packed_gemm())
    kernels::set_gemm_threads(options.threads);
  state_->precision_label = options.precision_label;
  state_->threads = options.threads > 0 ? options.threads : kernels::gemm_threads();
  decode_config({});  // the model's own settings must make a search (n_best ≤ beam_size)
}

Translator::~Translator() = default;
Translator::Translator(Translator&&) noexcept = default;
Translator& Translator::operator=(Translator&&) noexcept = default;

const Translator::State& Translator::state() const {
  check(state_ != nullptr, [] {
    return std::string("Translator: this object was moved from; use the one it was moved to");
  });
  return *state_;
}

const Config& Translator::config() const { return state().model.config; }
const LoadedModel& Translator::model() const { return state().model; }
int Translator::threads() const { return state().threads; }
std::string Translator::precision() const {
  return decode_precision(state().model.config) == kernels::GemmPrecision::kBfloat16 ? "bf16"
                                                                                     : "fp32";
}

Config Translator::decode_config(const DecodeRequest& request) const {
  Config config = state().model.config;
  for (const auto& [name, value] : request.settings) {
    const std::string key = name.starts_with("decode.") ? name : "decode." + name;
    // A loaded model's other options are fixed: setting them would silently do nothing.
    if (name.find('.') != std::string::npos) check_override_section(name, "decode", request.origin);
    config.set(key, value, request.origin);
    // Its packed weights are made at the translator's precision, which calls share; another
    // call's repacking them at another precision would change them under this one.
    check(
        key != "decode.precision" || config.get_string(key) == state().model.config.get_string(key),
        [&] {
          return request.origin + ": decode.precision: this translator decodes in " +
                 state().model.config.get_string(key) +
                 "; choose the precision when making the Translator (" + state().precision_label +
                 ")";
        });
  }
  beam_options_from(config, request.attention);
  check(!request.attention || config.get_string("model.attention") != "none", [&] {
    return request.origin +
           ": attention: the model has attention none, so there are no weights to return";
  });
  return config;
}

std::vector<Translation> Translator::translate(const std::vector<std::string>& lines,
                                               const DecodeRequest& request) const {
  check_utf8(lines, "lines");  // the request's origin labels its settings, not the lines
  const Config config = decode_config(request);
  const BeamOptions options = beam_options_from(config, request.attention);
  const kernels::ScopedGemmSettings settings(state().threads, decode_precision(config));
  return translate_lines(state().model, config, lines, config.get_int("decode.batch_size"),
                         options);
}

std::vector<PairScore> Translator::score(const std::vector<std::string>& sources,
                                         const std::vector<std::string>& targets) const {
  check(sources.size() == targets.size(), [&] {
    return "score(): " + std::to_string(sources.size()) + " sources and " +
           std::to_string(targets.size()) + " targets; expected one target per source";
  });
  check_utf8(sources, "sources");
  check_utf8(targets, "targets");
  const LoadedModel& m = state().model;
  // Translation cuts a longer source; a cut one's score would be another pair's: refused.
  const auto max_tokens = static_cast<size_t>(m.config.get_int("decode.max_input_tokens"));
  std::vector<PairScore> out(sources.size());
  std::vector<data::Example> examples(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    out[i].source_tokens = m.source_tokenizer->encode(sources[i]);
    check(!out[i].source_tokens.empty(), [&] {
      return "sources: line " + std::to_string(i + 1) + ": empty: there is no source to score " +
             "the target against";
    });
    check(out[i].source_tokens.size() <= max_tokens, [&] {
      return "sources: line " + std::to_string(i + 1) + ": " +
             std::to_string(out[i].source_tokens.size()) + " tokens, at most " +
             std::to_string(max_tokens) + " (decode.max_input_tokens)";
    });
    out[i].target_tokens = m.target_tokenizer->encode(targets[i]);
    examples[i].source = m.source_vocab.encode(out[i].source_tokens);
    examples[i].target = m.target_vocab.encode(out[i].target_tokens);
    examples[i].index = static_cast<int64_t>(i);
    out[i].target_tokens.push_back("</s>");
  }
  // Similar lengths together waste less on padding.
  std::vector<size_t> order(sources.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return examples[a].source.size() < examples[b].source.size();
  });
  const Config& config = m.config;
  const auto batch_size = static_cast<size_t>(config.get_int("decode.batch_size"));
  const kernels::ScopedGemmSettings settings(state().threads, decode_precision(config));
  std::unique_lock<std::mutex> lock(m.workspace->mutex, std::try_to_lock);
  Graph local;
  Graph& g = lock.owns_lock() ? m.workspace->graph : local;
  g.set_packed_weights(&m.workspace->packed_weights);
  const Decoder& decoder = m.model->decoder();
  Rng unused(0);  // no dropout: nothing is drawn
  for (size_t begin = 0; begin < order.size(); begin += batch_size) {
    std::vector<const data::Example*> rows;
    for (size_t k = begin; k < std::min(order.size(), begin + batch_size); ++k)
      rows.push_back(&examples[order[k]]);
    const data::Batch batch = data::make_batch(rows);
    const int64_t B = batch.size;
    g.reset();
    NoGradGuard no_grad(g);
    EncoderOutput encoded = m.model->encoder().encode(g, source_view(batch), unused, false);
    DecoderState state = decoder.initial_state(g, encoded);
    std::vector<int32_t> previous(B);
    for (int64_t t = 0; t < batch.target_length; ++t) {
      std::copy_n(batch.target_in.begin() + t * B, B, previous.begin());
      const Decoder::Step step = decoder.step(g, previous, state, unused, false);
      const Arena::Mark scratch = g.arena().mark();  // the (B, V) values die with the step
      const Tensor log_probs =
          ops::log_softmax(decoder.logits(g, step.features, unused, false)).value();
      for (int64_t b = 0; b < B; ++b) {
        const int32_t id = batch.target_out[t * B + b];
        if (id == data::Vocab::kPad) continue;  // padding after this row's </s>
        PairScore& s = out[batch.indices[b]];
        s.token_log_probs.push_back(log_probs.data()[b * log_probs.dim(1) + id]);
        s.log_prob += s.token_log_probs.back();
      }
      g.arena().rewind(scratch);
    }
  }
  return out;
}

}  // namespace tandem
