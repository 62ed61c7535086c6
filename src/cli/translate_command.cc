// tandem translate: the flags become a DecodeRequest; lines go through the Translator in chunks
// and out in the plain, n-best, alignment, attention or JSON format.
#include "cli/translate_command.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string_view>
#include <utility>

#include "api/translator.h"
#include "cli/line_source.h"
#include "cli/warnings.h"
#include "decode/search_config.h"
#include "io/atomic_file.h"
#include "io/config.h"
#include "io/options.h"
#include "tensor/error.h"

namespace tandem::cli {
namespace {

// Writes each input's outputs. One output per input: its text on one line. With n-best lists,
// N lines per input in the Moses format "index ||| text ||| score" (index from 0). Alignments
// (Pharaoh) and JSON attention follow each text after a tab; the attention matrix follows it
// as a block ended by an empty line. `first` is the index of out[0] in the whole input.
void write_translations(std::ostream& os, const std::vector<Translation>& out,
                        const TranslateCommandOptions& o, int64_t n_best, int64_t first) {
  for (size_t i = 0; i < out.size(); ++i) {
    for (const Output& output : out[i].outputs) {
      if (n_best > 1)
        os << first + static_cast<int64_t>(i) << " ||| " << output.text << " ||| " << output.score;
      else
        os << output.text;
      if (o.alignment) os << '\t' << format_alignment(output);
      if (o.attention_json) os << '\t' << format_attention_json(out[i], output);
      os << '\n';
      if (o.attention) os << format_attention(out[i], output) << '\n';
    }
  }
}

}  // namespace

CLI::App* add_translate_command(CLI::App& app, TranslateCommandOptions& t) {
  CLI::App* cmd = app.add_subcommand("translate", "translate lines with a trained model");
  cmd->add_option("--model", t.model_dir, "the model folder written by tandem train")->required();
  cmd->add_option("--input", t.input,
                  "input file, one sentence per line (default: stdin; a pipe or terminal is "
                  "answered line by line as it arrives)");
  cmd->add_option("--output", t.output, "output file (default: stdout), written atomically");
  cmd->add_option("--beam", t.beam, "beam size (decode.beam_size); 1 is greedy");
  cmd->add_option("--threads", t.threads, "CPU threads (default: every core)")
      ->check(CLI::Range(1, kMaxThreads));
  cmd->add_option("--n-best", t.n_best, "outputs per input, as 'index ||| text ||| score' lines");
  cmd->add_flag("--attention", t.attention, "print each output's attention matrix");
  cmd->add_flag("--alignment", t.alignment,
                "append hard alignments (Pharaoh 'src-tgt' pairs) after a tab");
  cmd->add_flag("--attention-json", t.attention_json,
                "append the soft attention weights as JSON after a tab");
  cmd->add_option("--set", t.sets, "override a decode.* key: --set key=value");
  return cmd;
}

int run_translate(const TranslateCommandOptions& o) {
  TranslatorOptions options;
  options.threads = o.threads;
  DecodeRequest request;
  request.origin = "--set";
  request.attention = o.attention || o.alignment || o.attention_json;
  for (const std::string& set : o.sets) {
    auto [key, value] = split_override(set);
    check_override_section(key, "decode");
    if (key == "decode.precision") {      // the Translator's, not a call's
      Config().set(key, value, "--set");  // its error as for any other key
      options.precision = value;
    } else {
      request.settings.emplace_back(std::move(key), std::move(value));
    }
  }
  const Translator translator(o.model_dir, options);
  // --set, then --beam, then --n-best, each error naming its own origin; the pair n_best ≤
  // beam_size is checked once, on all of them (beam_options_from below).
  Config config = translator.config();
  for (const auto& [key, value] : request.settings) config.set(key, value, request.origin);
  if (o.beam) {
    config.set("decode.beam_size", std::to_string(*o.beam), "--beam");
    request.settings.emplace_back("decode.beam_size", std::to_string(*o.beam));
  }
  if (o.n_best) {
    config.set("decode.n_best", std::to_string(*o.n_best), "--n-best");
    request.settings.emplace_back("decode.n_best", std::to_string(*o.n_best));
  }
  // Each of these prints attention weights, which a model without attention does not have.
  for (const auto& [flag, wanted] : {std::pair{"--alignment", o.alignment},
                                     {"--attention", o.attention},
                                     {"--attention-json", o.attention_json}})
    check(!wanted || config.get_string("model.attention") != "none", [&] {
      return std::string(flag) + ": the model has attention none, so there are no weights to " +
             (std::string_view(flag) == "--alignment" ? "align by" : "print");
    });
  const int64_t n_best = beam_options_from(config, request.attention).n_best;
  const int64_t batch_size = config.get_int("decode.batch_size");
  LineSource input(o.input);
  // A stream is translated in chunks of what has arrived, of at most 32 batches (8 per thread
  // on many cores): memory stays bounded on endless input, and sorting by length within a chunk
  // pads little more than over a whole file (112,400 g2p words through a pipe: the CPU time of
  // --input within noise, a quarter of its memory). A file is one chunk.
  const auto chunk = static_cast<size_t>(batch_size * std::max(32, 8 * translator.threads()));
  auto translate = [&](std::ostream& os) {
    int64_t done = 0;
    for (std::vector<std::string> lines; !(lines = input.next(chunk)).empty();) {
      const std::vector<Translation> out = translator.translate(lines, request);
      for (size_t i = 0; i < out.size(); ++i)
        warn_if_cut(out[i], input.name(), input.first_number() + static_cast<int64_t>(i), config);
      write_translations(os, out, o, n_best, done);
      done += static_cast<int64_t>(lines.size());
      os.flush();  // the answers to what has arrived go out now, not when a buffer fills
      // A full disk or a closed reader would otherwise end in a truncated output and status 0.
      check(os.good(), [&] {
        return "cannot write the translations to " + (o.output.empty() ? "<stdout>" : o.output) +
               ": " + std::strerror(errno);
      });
    }
  };
  if (o.output.empty() || o.output == "-")
    translate(std::cout);
  else
    io::write_file_atomically(o.output, translate);  // complete or untouched, even when streamed
  return 0;
}

}  // namespace tandem::cli
