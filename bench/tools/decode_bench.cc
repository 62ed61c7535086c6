// Decoding speed of a trained model: greedy and beam-5 sentences/s at batch 64, and batch-1
// greedy latency percentiles, as one JSON object (read by bench/compare) — with the GFLOP/s
// the greedy pass's matrix products reached, to set against the GEMM ceiling.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "api/translate_lines.h"
#include "data/corpus.h"
#include "kernels/cpu/gemm.h"

using namespace tandem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Speed {
  double sentences_per_s, mean_output_tokens;  // the latter: decoding work differs with it
  double product_gflops;  // the products' arithmetic per second (kernels::multiply_adds_done)
};

// A figure of zero lines is null in the JSON: nothing was measured.
std::string figure(double value, bool measured, const char* format) {
  if (!measured) return "null";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

Speed measure(const LoadedModel& m, const std::vector<std::string>& lines, int64_t beam) {
  if (lines.empty()) return {0, 0, 0};
  BeamOptions options = beam_options_from(m.config, false);
  options.beam_size = beam;
  options.n_best = 1;
  const int64_t multiply_adds = kernels::multiply_adds_done();
  const auto start = Clock::now();
  const std::vector<Translation> out = translate_lines(m, lines, 64, options);
  const double seconds = seconds_since(start);
  const double flops = 2.0 * static_cast<double>(kernels::multiply_adds_done() - multiply_adds);
  double tokens = 0;
  for (const Translation& t : out)  // not </s>; an empty line's output has no tokens at all
    tokens += std::max<size_t>(t.outputs.at(0).tokens.size(), 1) - 1;
  return {lines.size() / seconds, tokens / lines.size(), flops / seconds / 1e9};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: decode_bench MODEL_DIR SOURCE_FILE [greedy_lines beam_lines "
                 "latency_lines threads precision]\n");
    return 2;
  }
  try {
    LoadedModel m = load_model_dir(argv[1]);
    if (argc > 7) m.config.set("decode.precision", argv[7], "precision argument");
    const std::vector<std::string> all = data::read_lines(argv[2]);
    auto count = [&](int i, size_t fallback) {
      return std::min(all.size(), argc > i ? std::stoul(argv[i]) : fallback);
    };
    const size_t greedy_n = count(3, 3000), beam_n = count(4, 640), latency_n = count(5, 200);
    kernels::set_gemm_threads(argc > 6 ? std::stoi(argv[6]) : 1);
    const std::vector<std::string> greedy(all.begin(), all.begin() + greedy_n);
    const std::vector<std::string> beam(all.begin(), all.begin() + beam_n);
    const Speed greedy_speed = measure(m, greedy, 1);
    const Speed beam_speed = measure(m, beam, 5);
    BeamOptions one = beam_options_from(m.config, false);
    one.beam_size = 1;
    one.n_best = 1;
    std::vector<double> ms;
    for (size_t i = 0; i < latency_n; ++i) {
      const auto start = Clock::now();
      translate_lines(m, {all[i]}, 1, one);
      ms.push_back(1000 * seconds_since(start));
    }
    std::sort(ms.begin(), ms.end());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const bool timed = !ms.empty();
    std::printf(
        "{\"greedy_sentences_per_s\": %s, \"greedy_mean_output_tokens\": %s, "
        "\"greedy_product_gflops\": %s, "
        "\"beam5_sentences_per_s\": %s, \"beam5_mean_output_tokens\": %s, "
        "\"batch1_greedy_ms_p50\": %s, \"batch1_greedy_ms_p90\": %s, "
        "\"peak_rss_mib\": %.1f}\n",
        figure(greedy_speed.sentences_per_s, greedy_n > 0, "%.1f").c_str(),
        figure(greedy_speed.mean_output_tokens, greedy_n > 0, "%.2f").c_str(),
        figure(greedy_speed.product_gflops, greedy_n > 0, "%.1f").c_str(),
        figure(beam_speed.sentences_per_s, beam_n > 0, "%.1f").c_str(),
        figure(beam_speed.mean_output_tokens, beam_n > 0, "%.2f").c_str(),
        figure(timed ? ms[ms.size() / 2] : 0, timed, "%.3f").c_str(),
        figure(timed ? ms[ms.size() * 9 / 10] : 0, timed, "%.3f").c_str(),
        usage.ru_maxrss / 1024.0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
