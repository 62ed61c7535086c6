// Translation: tokenise, sort by length, search batch by batch, put outputs back in order.
#include "api/translate_lines.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "data/batch.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "train/training_data.h"

namespace tandem {

// Warns once per process, not per server request or Translator.
kernels::GemmPrecision decode_precision(const Config& config) {
  const kernels::GemmPrecision wanted =
      kernels::gemm_precision_from(config.get_string("decode.precision"));
  if (wanted == kernels::GemmPrecision::kBfloat16 && !kernels::bf16_gemm_available()) {
    static std::once_flag warned;
    std::call_once(warned, [] {
      std::fprintf(stderr,
                   "decode.precision bf16: this CPU or build has no AVX512_BF16 kernel; using "
                   "fp32\n");
    });
    return kernels::GemmPrecision::kFloat32;
  }
  return wanted;
}

std::vector<Translation> translate_lines(const LoadedModel& m,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const BeamOptions& options) {
  return translate_lines(m, m.config, lines, batch_size, options);
}

std::vector<Translation> translate_lines(const LoadedModel& m, const Config& config,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const BeamOptions& options) {
  std::vector<Translation> out(lines.size());
  std::vector<data::Example> examples(lines.size());
  std::vector<size_t> order;
  // Memory and time grow with the source length (a 1 MB line once took 89 s and 12.9 GB): no
  // caller, the server included, decodes more than this many source tokens of a line.
  const auto max_tokens = static_cast<size_t>(config.get_int("decode.max_input_tokens"));
  for (size_t i = 0; i < lines.size(); ++i) {
    out[i].source_tokens = m.source_tokenizer->encode(lines[i]);
    if (out[i].source_tokens.size() > max_tokens) {
      out[i].truncated_from = out[i].source_tokens.size();
      out[i].source_tokens.resize(max_tokens);
    }
    examples[i].source = m.source_vocab.encode(out[i].source_tokens);
    examples[i].index = static_cast<int64_t>(i);
    if (examples[i].source.empty())
      out[i].outputs.emplace_back();  // empty in, empty out
    else
      order.push_back(i);
  }
  // Similar lengths together waste less on padding; the output order is restored below.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return examples[a].source.size() < examples[b].source.size();
  });
  // On this thread and each worker's: the caller's thread count, the config's precision.
  const kernels::GemmPrecision precision = decode_precision(config);
  const kernels::ScopedGemmSettings settings(0, precision);
  auto decode_batch = [&](Graph& g, size_t begin) {
    std::vector<const data::Example*> rows;
    for (size_t k = begin; k < std::min(order.size(), begin + batch_size); ++k)
      rows.push_back(&examples[order[k]]);
    const data::Batch batch = data::make_batch(rows);
    g.reset();
    std::vector<std::vector<Hypothesis>> found = search(*m.model, g, source_view(batch), options);
    for (size_t r = 0; r < rows.size(); ++r) {
      Translation& t = out[batch.indices[r]];
      for (Hypothesis& h : found[r]) {
        Output o;
        for (int32_t id : h.tokens) o.tokens.push_back(m.target_vocab.token(id));
        o.text = m.target_tokenizer->decode(o.tokens);
        o.tokens.push_back("</s>");
        o.attention = std::move(h.attention);
        o.score = h.score;
        o.log_prob = h.log_prob;
        t.outputs.push_back(std::move(o));
      }
    }
  };
  // The model's own graph where free: a server calls this once per batch, and a new graph's
  // arena would take fresh pages from the kernel (page faults) every time.
  std::unique_lock<std::mutex> lock(m.workspace->mutex, std::try_to_lock);
  Graph local;
  Graph& g = lock.owns_lock() ? m.workspace->graph : local;
  g.set_packed_weights(&m.workspace->packed_weights);
  const size_t batches = (order.size() + batch_size - 1) / batch_size;
  const size_t workers = kernels::has_packed_gemm()
                             ? std::min<size_t>(kernels::gemm_threads(), batches)
                             : 1;  // the BLAS's threads are process-wide: no second worker
  if (workers <= 1) {
    for (size_t begin = 0; begin < order.size(); begin += batch_size) decode_batch(g, begin);
    return out;
  }
  // With several threads and several batches, each thread decodes whole batches on its own: a
  // step's products are small, and two threads on one product leave a core idle at every
  // step's element-wise work and synchronisation (small greedy decoding: bench/RESULTS.md).
  // Every batch is decoded alike, so the outputs do not depend on the thread count.
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(workers);
  auto work = [&](Graph& graph, size_t worker) {
    const kernels::ScopedGemmSettings one_thread(1, precision);
    try {
      for (size_t b; (b = next++) < batches;) decode_batch(graph, b * batch_size);
    } catch (...) {
      errors[worker] = std::current_exception();
      next = batches;  // the others stop after their current batch
    }
  };
  std::vector<std::unique_ptr<Graph>> graphs;
  std::vector<std::thread> helpers;
  for (size_t w = 1; w < workers; ++w) {
    graphs.push_back(std::make_unique<Graph>());
    graphs.back()->set_packed_weights(&m.workspace->packed_weights);
    helpers.emplace_back(work, std::ref(*graphs.back()), w);
  }
  work(g, 0);
  for (std::thread& t : helpers) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

}  // namespace tandem
