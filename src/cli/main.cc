// The tandem command: `tandem train`, `translate`, `eval`, `plot-attention` and `vocab`. Errors
// become "error: …" on stderr and exit status 1, never a crash.
#include <CLI/CLI.hpp>

#include <malloc.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "cli/attention_svg.h"
#include "cli/command_line.h"
#include "cli/line_source.h"
#include "cli/stop_signals.h"
#include "cli/translate.h"
#include "data/corpus.h"
#include "data/line_reader.h"
#include "data/spm_tokenizer.h"
#include "data/spm_trainer.h"
#include "data/utf8.h"
#include "eval/metrics.h"
#include "io/atomic_file.h"
#include "io/config.h"
#include "io/model_dir.h"
#include "kernels/cpu/gemm.h"
#include "server/serve_command.h"
#include "tensor/error.h"
#include "train/trainer.h"

using namespace tandem;

namespace {

// SentencePiece keeps the vocabulary size as a 32-bit int and fails on larger numbers with a
// parse error of its own; a million pieces is beyond any real vocabulary.
constexpr int64_t kMaxVocabPieces = 1000000;

// An argument as the shell reads it back: as is when it is plain, else in single quotes.
std::string shell_quoted(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyz"
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_-+=.,/:@%") == std::string::npos;
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct TrainArgs {
  std::string config_path;
  std::vector<std::string> overrides;
  bool resume = false, overwrite = false;
};

// Trains with SIGINT and SIGTERM asking the run to stop after its current step with a checkpoint
// (exit status 130 or 143, and the command that resumes it); a second one stops at once.
int run_train(const std::string& program, const TrainArgs& a) {
  const Config config = load_config(a.config_path, a.overrides);
  std::atomic<bool> stop = false;
  std::atomic<int> stop_signal = 0;
  TrainSummary s;
  {
    const cli::StopSignals signals([&](int signal) {
      const char* name = signal == SIGINT ? "SIGINT (Ctrl+C)" : "SIGTERM";
      if (stop_signal.exchange(signal) != 0) {
        std::fprintf(stderr,
                     "\n%s again: stopping at once; the steps since the last checkpoint "
                     "are lost\n",
                     name);
        std::_Exit(128 + signal);
      }
      std::fprintf(stderr,
                   "\n%s: stopping after the current step, with a checkpoint to resume "
                   "from (once more stops at once)\n",
                   name);
      stop = true;
    });
    s = train(config, TrainOptions{.resume = a.resume, .overwrite = a.overwrite, .stop = &stop});
  }
  std::fprintf(stderr, "%s: %lld steps, last training loss %.4f",
               s.interrupted ? "interrupted" : "done", static_cast<long long>(s.steps),
               s.last_loss);
  if (s.validated && s.best_known)
    std::fprintf(stderr, ", best model: dev loss %.4f, exact match %.2f%%", s.best_dev_loss,
                 100.0 * s.best_dev_exact_match);
  else if (s.validated)
    std::fprintf(stderr,
                 ", best model: from before the resume (this older checkpoint does not "
                 "record its dev figures)");
  std::fprintf(stderr, "; model in %s\n", s.model_dir.c_str());
  if (!s.interrupted) return 0;
  if (s.checkpoint.empty()) {
    std::fprintf(stderr, "stopped before the first step: there is no checkpoint to resume from\n");
  } else {
    std::string command = shell_quoted(program) + " train --config " + shell_quoted(a.config_path);
    for (const std::string& o : a.overrides) command += " --set " + shell_quoted(o);
    std::fprintf(stderr, "checkpoint: %s\nto resume: %s --resume\n", s.checkpoint.c_str(),
                 command.c_str());
  }
  return 128 + (stop_signal ? stop_signal.load() : SIGINT);
}

struct TranslateOptions {
  std::string model_dir, input, output;
  bool attention = false, alignment = false, attention_json = false;
  // Unset: the model's decode.* settings; set, validated as those keys.
  std::optional<int64_t> beam, n_best;
  int threads = 0;  // 0: every core (OpenBLAS's choice, OPENBLAS_NUM_THREADS)
  std::vector<std::string> sets;
};

// Writes each input's outputs. One output per input: its text on one line. With n-best lists,
// N lines per input in the Moses format "index ||| text ||| score" (index from 0). Alignments
// (Pharaoh) and JSON attention follow each text after a tab; the attention matrix follows it
// as a block ended by an empty line. `first` is the index of out[0] in the whole input.
void write_translations(std::ostream& os, const std::vector<Translation>& out,
                        const TranslateOptions& o, int64_t n_best, int64_t first) {
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

// Lines longer than decode.max_input_tokens are cut, not refused: one output per input line
// keeps a stream's reader in step and a long job going; the warning says which line to split.
void warn_if_cut(const Translation& t, const std::string& file, int64_t line,
                 const Config& config) {
  if (t.truncated_from == 0) return;
  std::fprintf(stderr,
               "warning: %s%zu source tokens, cut to the first %lld (decode.max_input_tokens)\n",
               data::file_location(file, line).c_str(), t.truncated_from,
               static_cast<long long>(config.get_int("decode.max_input_tokens")));
}

int run_translate(const TranslateOptions& o) {
  LoadedModel model = load_model_dir(o.model_dir);
  apply_overrides(model.config, o.sets, "decode");
  if (o.beam) model.config.set("decode.beam_size", std::to_string(*o.beam), "--beam");
  if (o.n_best) model.config.set("decode.n_best", std::to_string(*o.n_best), "--n-best");
  if (o.threads > 0) kernels::set_gemm_threads(o.threads);
  // Each of these prints attention weights, which a model without attention does not have.
  for (const auto& [flag, wanted] : {std::pair{"--alignment", o.alignment},
                                     {"--attention", o.attention},
                                     {"--attention-json", o.attention_json}})
    check(!wanted || model.config.get_string("model.attention") != "none", [&] {
      return std::string(flag) + ": the model has attention none, so there are no weights to " +
             (std::string_view(flag) == "--alignment" ? "align by" : "print");
    });
  const BeamOptions options =
      beam_options_from(model.config, o.attention || o.alignment || o.attention_json);
  const int64_t batch_size = model.config.get_int("decode.batch_size");
  cli::LineSource input(o.input);
  // A stream is translated in chunks of what has arrived, of at most 32 batches (8 per thread
  // on many cores): memory stays bounded on endless input, and sorting by length within a chunk
  // pads little more than over a whole file (112,400 g2p words through a pipe: the CPU time of
  // --input within noise, a quarter of its memory). A file is one chunk.
  const auto chunk = static_cast<size_t>(batch_size * std::max(32, 8 * kernels::gemm_threads()));
  auto translate = [&](std::ostream& os) {
    int64_t done = 0;
    for (std::vector<std::string> lines; !(lines = input.next(chunk)).empty();) {
      const std::vector<Translation> out = translate_lines(model, lines, batch_size, options);
      for (size_t i = 0; i < out.size(); ++i)
        warn_if_cut(out[i], input.name(), input.first_number() + static_cast<int64_t>(i),
                    model.config);
      write_translations(os, out, o, options.n_best, done);
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

// Translates one sentence and draws the attention of its best output.
int run_plot(const std::string& model_dir, const std::string& text, const std::string& output,
             std::optional<int64_t> beam) {
  LoadedModel model = load_model_dir(model_dir);
  check(data::is_valid_utf8(text), "--text: invalid UTF-8");
  check(model.config.get_string("model.attention") != "none",
        "the model has attention none: there are no weights to plot");
  if (beam) model.config.set("decode.beam_size", std::to_string(*beam), "--beam");
  model.config.set("decode.n_best", "1", "plot-attention");  // it draws the best output only
  const BeamOptions options = beam_options_from(model.config, true);
  // Refused before the search, which takes long on such a sentence.
  const size_t source_tokens = model.source_tokenizer->encode(text).size();
  check(source_tokens <= kMaxPlotTokens, [&] {
    return "--text: " + std::to_string(source_tokens) + " source tokens; plot-attention draws " +
           "at most " + std::to_string(kMaxPlotTokens) + " on each axis: plot a shorter " +
           "sentence, or read the weights from translate --attention-json";
  });
  const Translation t = translate_lines(model, {text}, 1, options).at(0);
  warn_if_cut(t, "--text", 1, model.config);
  const Output& best = t.outputs.at(0);
  check(!t.source_tokens.empty(), "--text: nothing to translate");
  io::write_file_atomically(output, [&](std::ostream& os) {
    os << attention_svg(t.source_tokens, best.tokens, best.attention);
  });
  std::fprintf(stderr, "%s -> %s\nwrote %s\n", text.c_str(), best.text.c_str(), output.c_str());
  return 0;
}

// Trains a SentencePiece model on text files and writes it atomically.
int run_vocab(const std::vector<std::string>& inputs, const std::string& output,
              const data::SpmTrainOptions& options) {
  const std::string model = data::train_sentencepiece(inputs, options);
  io::write_file_atomically(output,
                            [&](std::ostream& os) { os.write(model.data(), model.size()); });
  const data::SpmTokenizer check_loads(model, output);
  std::fprintf(stderr, "wrote %s: %s model, %lld pieces\n", output.c_str(), options.type.c_str(),
               static_cast<long long>(check_loads.piece_count()));
  return 0;
}

// Scores a hypothesis file against one or more reference files.
// "-" is standard input, for one of them: it can be read once only.
int run_eval(const std::string& hypotheses, const std::vector<std::string>& references,
             const std::vector<std::string>& metrics, bool json) {
  const auto from_stdin =
      std::count(references.begin(), references.end(), "-") + (hypotheses == "-" ? 1 : 0);
  check(from_stdin <= 1,
        "-i/-r -: standard input can give the hypotheses or one reference stream, not two");
  auto name = [](const std::string& path) { return path == "-" ? std::string("<stdin>") : path; };
  auto read = [](const std::string& path) {
    return path == "-" ? cli::LineSource(path).read_all() : data::read_lines(path);
  };
  eval::StreamNames names{name(hypotheses), {}};
  std::vector<std::vector<std::string>> streams;
  for (const std::string& r : references) {
    names.references.push_back(name(r));
    streams.push_back(read(r));
  }
  const auto results = eval::evaluate(read(hypotheses), streams, metrics, names);
  std::cout << (json ? eval::to_json(results) + "\n" : eval::format_results(results));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Buffers of 1 MiB and more (arena blocks while the arena warms up, packing buffers) come
  // from mmap and go back to the system when freed. glibc's default raises this threshold each
  // time such a buffer is freed, after which the next ones come from the heap and linger there
  // once freed: base training's peak resident memory was 54 MiB higher (bench/RESULTS.md).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  CLI::App app{"tandem: RNN sequence-to-sequence models with attention"};
  app.require_subcommand(1);
  app.set_version_flag(
      "--version", [] { return cli::version_text(); },
      "print the version and the kernels this CPU runs, then exit");

  TrainArgs train_args;
  CLI::App* train_cmd = app.add_subcommand("train", "train a model described by a YAML config");
  train_cmd
      ->add_option("--config", train_args.config_path, "the YAML config (keys: docs/config.md)")
      ->required();
  train_cmd->add_option("--set", train_args.overrides,
                        "override a config key: --set key=value (repeatable)");
  train_cmd->add_flag("--resume", train_args.resume,
                      "continue from the newest checkpoint in train.model_dir");
  train_cmd->add_flag("--overwrite", train_args.overwrite,
                      "start anew in a train.model_dir that holds an earlier run, removing that "
                      "run's files (model, checkpoints, log)");

  TranslateOptions t;
  CLI::App* translate_cmd = app.add_subcommand("translate", "translate lines with a trained model");
  translate_cmd->add_option("--model", t.model_dir, "the model folder written by tandem train")
      ->required();
  translate_cmd->add_option(
      "--input", t.input,
      "input file, one sentence per line (default: stdin; a pipe or terminal is "
      "answered line by line as it arrives)");
  translate_cmd->add_option("--output", t.output,
                            "output file (default: stdout), written atomically");
  translate_cmd->add_option("--beam", t.beam, "beam size (decode.beam_size); 1 is greedy");
  translate_cmd->add_option("--threads", t.threads, "CPU threads (default: every core)")
      ->check(CLI::Range(1, 256));
  translate_cmd->add_option("--n-best", t.n_best,
                            "outputs per input, as 'index ||| text ||| score' lines");
  translate_cmd->add_flag("--attention", t.attention, "print each output's attention matrix");
  translate_cmd->add_flag("--alignment", t.alignment,
                          "append hard alignments (Pharaoh 'src-tgt' pairs) after a tab");
  translate_cmd->add_flag("--attention-json", t.attention_json,
                          "append the soft attention weights as JSON after a tab");
  translate_cmd->add_option("--set", t.sets, "override a decode.* key: --set key=value");

  std::string plot_model, plot_text, plot_output;
  std::optional<int64_t> plot_beam;
  CLI::App* plot_cmd =
      app.add_subcommand("plot-attention", "draw a sentence's attention as an SVG heatmap");
  plot_cmd->add_option("--model", plot_model, "the model folder")->required();
  plot_cmd->add_option("--text", plot_text, "the sentence to translate")->required();
  plot_cmd->add_option("--output", plot_output, "the SVG file to write")->required();
  plot_cmd->add_option("--beam", plot_beam, "beam size (decode.beam_size)");

  std::string eval_hypotheses;
  std::vector<std::string> eval_references, eval_metrics = {"bleu", "chrf"};
  bool eval_json = false;
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "score hypotheses against references (BLEU and chrF as sacreBLEU computes them)");
  eval_cmd->add_option("--hypotheses,-i", eval_hypotheses, "one output per line (-: stdin)")
      ->required();
  eval_cmd
      ->add_option("--references,-r", eval_references,
                   "one or more reference files, line by line parallel to the hypotheses (one "
                   "may be -: stdin)")
      ->required();
  eval_cmd->add_option("--metrics,-m", eval_metrics,
                       "any of bleu, chrf, chrf++, wer, per, exact (default: bleu chrf)");
  eval_cmd->add_flag("--json", eval_json, "print JSON instead of sacreBLEU-style lines");

  std::vector<std::string> vocab_inputs;
  std::string vocab_output;
  data::SpmTrainOptions spm;
  CLI::App* vocab_cmd = app.add_subcommand(
      "vocab", "train a SentencePiece subword model (for data.*_tokenizer: spm)");
  vocab_cmd->add_option("--input,-i", vocab_inputs, "training text, one sentence per line")
      ->required();
  vocab_cmd->add_option("--output,-o", vocab_output, "the model file to write (e.g. spm.model)")
      ->required();
  vocab_cmd->add_option("--type", spm.type, "unigram or bpe")
      ->check(CLI::IsMember({"unigram", "bpe"}))
      ->capture_default_str();
  vocab_cmd->add_option("--size", spm.vocab_size, "vocabulary size, in pieces")
      ->check(CLI::Range(int64_t{1}, kMaxVocabPieces))
      ->capture_default_str();
  vocab_cmd
      ->add_option("--character-coverage", spm.character_coverage,
                   "share of the characters the pieces cover (rarer ones become <unk>); 1.0 for "
                   "small alphabets, 0.9995 for Chinese or Japanese")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  vocab_cmd
      ->add_option("--normalization", spm.normalization,
                   "text normalisation: nmt_nfkc (NFKC; e.g. … becomes ...), nfkc, nmt_nfkc_cf, "
                   "nfkc_cf (case-folded), identity (text as written)")
      ->check(CLI::IsMember(data::kSpmNormalizations))
      ->capture_default_str();
  vocab_cmd
      ->add_option("--max-sentences", spm.max_sentences,
                   "train on a seeded sample of this many lines when there are more")
      ->check(CLI::Range(int64_t{101}, std::numeric_limits<int64_t>::max()))
      ->capture_default_str();

  server::ServeCommandOptions serve;
  CLI::App* serve_cmd = server::add_serve_command(app, serve);

  // A mistyped command gets the nearest one named, not CLI11's "argument was not expected".
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
      commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      const auto nearest = cli::nearest_command(argv[1], commands);
      std::fprintf(stderr, "error: '%s' is not a tandem command%s (tandem --help lists them)\n",
                   argv[1], nearest ? ("; did you mean '" + *nearest + "'?").c_str() : "");
      return 1;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*train_cmd) return run_train(argv[0], train_args);
    if (*plot_cmd) return run_plot(plot_model, plot_text, plot_output, plot_beam);
    if (*eval_cmd) return run_eval(eval_hypotheses, eval_references, eval_metrics, eval_json);
    if (*vocab_cmd) return run_vocab(vocab_inputs, vocab_output, spm);
    if (*serve_cmd) return server::run_serve(serve);
    return run_translate(t);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::bad_alloc&) {  // "std::bad_alloc" alone does not say what to change
    std::fprintf(stderr,
                 "error: out of memory: the model or a batch is too large for this machine "
                 "(model.* sizes, train.batch_size, decode.batch_size, --beam)\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return 1;
}
