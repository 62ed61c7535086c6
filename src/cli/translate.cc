// Translation: tokenise, sort by length, search batch by batch, put outputs back in order.
#include "cli/translate.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "data/batch.h"
#include "data/utf8.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "train/training_data.h"

namespace tandem {

namespace {

// Sets the process-wide GEMM precision to the config's decode.precision; where bf16 is
// unavailable, warns once (not per server request) and keeps fp32.
void use_decode_precision(const Config& config) {
  static bool warned = false;
  if (kernels::set_gemm_precision(config.get_string("decode.precision")) || warned) return;
  std::fprintf(stderr,
               "decode.precision bf16: this CPU or build has no AVX512_BF16 kernel; using fp32\n");
  warned = true;
}

}  // namespace

std::vector<Translation> translate_lines(const LoadedModel& m,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const BeamOptions& options) {
  std::vector<Translation> out(lines.size());
  std::vector<data::Example> examples(lines.size());
  std::vector<size_t> order;
  // Memory and time grow with the source length (a 1 MB line once took 89 s and 12.9 GB): no
  // caller, the server included, decodes more than this many source tokens of a line.
  const auto max_tokens = static_cast<size_t>(m.config.get_int("decode.max_input_tokens"));
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
  use_decode_precision(m.config);
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
    kernels::ScopedGemmThreads one_thread(1);
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

std::string format_attention(const Translation& t, const Output& o) {
  if (t.source_tokens.empty()) return "(empty input)\n";
  if (o.attention.empty()) return "(no attention: the model has attention none)\n";
  // Widths count characters, and long tokens are cut between characters: a cut inside one
  // would leave invalid UTF-8.
  auto characters = [](const std::string& s) { return data::split_code_points(s); };
  size_t label = 0;
  for (const std::string& s : o.tokens) label = std::max(label, characters(s).size());
  std::string out(label + 1, ' ');
  for (const std::string& s : t.source_tokens) {
    const std::vector<std::string> cell = characters(s);
    const size_t shown = std::min<size_t>(cell.size(), 5);
    for (size_t k = 0; k < shown; ++k) out += cell[k];
    out += std::string(6 - shown, ' ');
  }
  out += "\n";
  for (size_t r = 0; r < o.attention.size(); ++r) {
    const std::string& name = r < o.tokens.size() ? o.tokens[r] : "";
    out += name + std::string(label + 1 - characters(name).size(), ' ');
    for (float w : o.attention[r]) {
      char cell[16];
      std::snprintf(cell, sizeof cell, "%.2f  ", w);
      out += cell;
    }
    out += "\n";
  }
  return out;
}

std::string format_alignment(const Output& o) {
  std::string out;
  // The last row belongs to </s>, which aligns to nothing.
  for (size_t j = 0; j + 1 < o.attention.size(); ++j) {
    const auto& row = o.attention[j];
    if (row.empty()) continue;
    const size_t i = std::max_element(row.begin(), row.end()) - row.begin();
    if (!out.empty()) out += ' ';
    out += std::to_string(i) + "-" + std::to_string(j);
  }
  return out;
}

std::string format_attention_json(const Translation& t, const Output& o) {
  nlohmann::json j;
  j["source"] = t.source_tokens;
  j["output"] = o.tokens;
  j["score"] = o.score;
  j["attention"] = o.attention;
  return j.dump();
}

}  // namespace tandem
