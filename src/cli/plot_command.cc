// tandem plot-attention: the sentence is checked before the search, which takes long on a long one.
#include "cli/plot_command.h"

#include <cstdio>

#include "api/translator.h"
#include "cli/attention_svg.h"
#include "cli/warnings.h"
#include "data/utf8.h"
#include "io/atomic_file.h"
#include "tensor/error.h"

namespace tandem::cli {

CLI::App* add_plot_command(CLI::App& app, PlotCommandOptions& o) {
  CLI::App* cmd =
      app.add_subcommand("plot-attention", "draw a sentence's attention as an SVG heatmap");
  cmd->add_option("--model", o.model_dir, "the model folder")->required();
  cmd->add_option("--text", o.text, "the sentence to translate")->required();
  cmd->add_option("--output", o.output, "the SVG file to write")->required();
  cmd->add_option("--beam", o.beam, "beam size (decode.beam_size)");
  return cmd;
}

int run_plot(const PlotCommandOptions& o) {
  const Translator translator(o.model_dir);
  check(data::is_valid_utf8(o.text), "--text: invalid UTF-8");
  check(translator.config().get_string("model.attention") != "none",
        "the model has attention none: there are no weights to plot");
  // It draws the best output only, of one sentence.
  DecodeRequest request{
      .settings = {{"n_best", "1"}, {"batch_size", "1"}}, .origin = "--beam", .attention = true};
  if (o.beam)
    request.settings.insert(request.settings.begin(), {"beam_size", std::to_string(*o.beam)});
  const Config config = translator.decode_config(request);
  // Refused before the search, which takes long on such a sentence.
  const size_t source_tokens = translator.model().source_tokenizer->encode(o.text).size();
  check(source_tokens <= kMaxPlotTokens, [&] {
    return "--text: " + std::to_string(source_tokens) + " source tokens; plot-attention draws " +
           "at most " + std::to_string(kMaxPlotTokens) + " on each axis: plot a shorter " +
           "sentence, or read the weights from translate --attention-json";
  });
  const Translation t = translator.translate({o.text}, request).at(0);
  warn_if_cut(t, "--text", 1, config);
  const Output& best = t.outputs.at(0);
  check(!t.source_tokens.empty(), "--text: nothing to translate");
  io::write_file_atomically(o.output, [&](std::ostream& os) {
    os << attention_svg(t.source_tokens, best.tokens, best.attention);
  });
  std::fprintf(stderr, "%s -> %s\nwrote %s\n", o.text.c_str(), best.text.c_str(), o.output.c_str());
  return 0;
}

}  // namespace tandem::cli
