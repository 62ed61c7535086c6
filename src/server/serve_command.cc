// SIGINT and SIGTERM stop the server as ordinary code (io/stop_signals.h), after the requests in
// flight.
#include "server/serve_command.h"

#include <signal.h>

#include <atomic>
#include <cmath>
#include <cstdio>

#include "api/version.h"
#include "io/options.h"
#include "io/stop_signals.h"
#include "server/server.h"
#include "tensor/error.h"

namespace tandem::server {
namespace {

// CLI::Range for a floating option that also refuses nan (every comparison with it is false, so
// Range lets it through) and inf: the value becomes a duration, and neither has one.
CLI::Validator finite_range(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value)) return "expected a number, not " + text;
        if (!std::isfinite(value) || value < lo || value > hi)
          return "expected a number from " + CLI::detail::to_string(lo) + " to " +
                 CLI::detail::to_string(hi) + ", not " + text;
        return {};
      },
      "FLOAT in [" + CLI::detail::to_string(lo) + " - " + CLI::detail::to_string(hi) + "]");
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "serve a model over HTTP: JSON API, web page with attention, /metrics");
  cmd->add_option("--model", o.model_dir, "the model folder written by tandem train")->required();
  cmd->add_option("--host", o.host, "address to listen on (default 127.0.0.1: this machine only)");
  cmd->add_option("--port", o.port, "TCP port (default 8080; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", o.threads, "CPU threads for decoding (default 1)")
      ->check(CLI::Range(1, kMaxThreads));
  cmd->add_option("--precision", o.precision,
                  "matrix products in fp32 or bf16 (default: the model's decode.precision)")
      ->check(CLI::IsMember({"fp32", "bf16"}));
  cmd->add_option("--http-threads", o.http_threads,
                  "connections served at once (default 64); more wait for a free thread")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--max-batch", o.max_batch,
                  "sentences decoded together (default 32); 1 turns dynamic batching off")
      ->check(CLI::Range(int64_t{1}, int64_t{4096}));
  cmd->add_option("--batch-wait-ms", o.batch_wait_ms,
                  "extra time the first request of a batch waits for others (default 0: decode as "
                  "soon as the decoder is free; requests arriving meanwhile form the next batch)")
      ->check(finite_range(0.0, 10000.0));
  cmd->add_option("--max-queue", o.max_queue,
                  "sentences waiting to be decoded before requests get 503 (default 1024)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  cmd->add_option("--max-inputs", o.max_inputs, "sentences per request (default 64; more: 413)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--max-input-chars", o.max_input_chars,
                  "characters per sentence (default 1000; more: 413)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 24));
  cmd->add_option("--max-body-bytes", o.max_body_bytes,
                  "request body size (default 1048576; more: 413)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  cmd->add_option("--request-timeout", o.request_timeout_s,
                  "seconds a client has to send a whole request (headers and body) once it has "
                  "begun, and to read a whole response (default 10; slower: the connection is "
                  "closed, after a 408 for a request)")
      ->check(finite_range(0.1, 3600.0));
  cmd->add_flag("--quiet", o.quiet, "no access log on stderr");
  return cmd;
}

nlohmann::json model_info(const LoadedModel& model) {
  nlohmann::json config = nlohmann::json::object();
  for (const OptionSpec& spec : option_registry()) {
    const std::string& key = spec.key;
    const bool wanted = key.starts_with("model.") || key.starts_with("decode.") ||
                        key.find("tokenizer") != std::string::npos;
    if (!wanted) continue;  // training paths and schedules say nothing about serving
    std::string pointer = "/" + key;
    for (char& c : pointer)
      if (c == '.') c = '/';
    nlohmann::json& slot = config[nlohmann::json::json_pointer(pointer)];
    switch (spec.type) {
      case OptionSpec::Type::kInt:
        slot = model.config.get_int(key);
        break;
      case OptionSpec::Type::kFloat:
        slot = model.config.get_float(key);
        break;
      case OptionSpec::Type::kBool:
        slot = model.config.get_bool(key);
        break;
      default:
        slot = model.config.get_string(key);
    }
  }
  return {{"version", version()},
          {"model_format_version", kModelFormatVersion},
          {"source_vocab_size", model.source_vocab.size()},
          {"target_vocab_size", model.target_vocab.size()},
          {"config", std::move(config)}};
}

TranslateFn model_translator(const Translator& translator, int64_t max_batch) {
  // The batcher asks for attention when any request of the batch does (the built-in page always
  // does); a model without attention answers such a request with empty weights, not an error.
  const bool has_attention = translator.config().get_string("model.attention") != "none";
  return [&translator, max_batch, has_attention](const std::vector<std::string>& lines,
                                                 const SearchSettings& s) {
    DecodeRequest request;
    request.settings = {{"beam_size", std::to_string(s.beam)},
                        {"n_best", std::to_string(s.n_best)},
                        {"batch_size", std::to_string(max_batch)}};
    request.origin = "request";
    request.attention = s.attention && has_attention;
    return translator.translate(lines, request);
  };
}

int run_serve(const ServeCommandOptions& o) {
  // Every request's search starts from the model's decode.* settings: a pair that no search can
  // honour (decode.n_best above decode.beam_size) is an error now (in the constructor), not at
  // each request.
  const Translator translator(o.model_dir, {.threads = o.threads, .precision = o.precision});
  const LoadedModel& model = translator.model();
  ServerOptions options;
  options.host = o.host;
  options.port = o.port;
  options.http_threads = o.http_threads;
  options.max_body_bytes = o.max_body_bytes;
  options.request_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(o.request_timeout_s * 1000.0));
  options.batching.max_batch = o.max_batch;
  options.batching.batch_wait =
      std::chrono::microseconds(static_cast<int64_t>(o.batch_wait_ms * 1000.0));
  options.batching.max_queue = std::max(o.max_queue, o.max_inputs);
  options.limits.max_inputs = o.max_inputs;
  options.limits.max_input_chars = o.max_input_chars;
  options.defaults.beam = model.config.get_int("decode.beam_size");
  options.limits.max_beam = std::max(options.limits.max_beam, options.defaults.beam);
  options.defaults.n_best = std::min(model.config.get_int("decode.n_best"), options.defaults.beam);
  options.access_log = o.quiet ? nullptr : stderr;

  Server server(model_translator(translator, o.max_batch), model_info(model), options);
  const int port = server.bind();
  std::atomic<bool> stopping = false;
  {
    const io::StopSignals signals([&](int signal) {
      if (stopping.exchange(true)) return;  // one stop is enough
      std::fprintf(stderr, "tandem serve: %s received; finishing requests in flight\n",
                   signal == SIGINT ? "SIGINT" : "SIGTERM");
      server.stop();
    });
    std::fprintf(stderr, "tandem serve: %s on http://%s:%d/ (max batch %lld, batch wait %g ms)\n",
                 o.model_dir.c_str(), o.host.c_str(), port, static_cast<long long>(o.max_batch),
                 o.batch_wait_ms);

    server.run();
  }
  std::fprintf(stderr, "tandem serve: stopped\n");
  return 0;
}

}  // namespace tandem::server
