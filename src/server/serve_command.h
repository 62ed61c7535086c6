// `tandem serve`: its command-line options and the run from loading the model to a graceful
// exit on SIGINT/SIGTERM. main.cc only registers the subcommand and calls run_serve.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/translator.h"
#include "server/batcher.h"

namespace tandem::server {

struct ServeCommandOptions {
  std::string model_dir;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 1;        // CPU threads for decoding (TranslatorOptions::threads)
  std::string precision;  // fp32 or bf16; empty: the model's decode.precision
  int http_threads = 64;
  int64_t max_batch = 32;
  double batch_wait_ms = 0.0;  // continuous batching: see --batch-wait-ms
  int64_t max_queue = 1024;
  int64_t max_inputs = 64;
  int64_t max_input_chars = 1000;
  int64_t max_body_bytes = 1 << 20;
  double request_timeout_s = 10.0;  // to send a whole request once it has begun
  bool quiet = false;               // no access log
};

// Adds the `serve` subcommand and its options to `app`; the values land in `o`.
CLI::App* add_serve_command(CLI::App& app, ServeCommandOptions& o);

// Loads the model, serves until SIGINT or SIGTERM, finishes what is in flight; returns 0.
int run_serve(const ServeCommandOptions& o);

// What GET /v1/model shows: version, vocabulary sizes, the model.*, decode.* and tokenizer
// settings.
nlohmann::json model_info(const LoadedModel& model);

// `translator` with the model's decode.* settings and the request's beam, n-best and attention
// (empty weights from a model with attention none); at most max_batch sentences per search call.
TranslateFn model_translator(const Translator& translator, int64_t max_batch);

}  // namespace tandem::server
