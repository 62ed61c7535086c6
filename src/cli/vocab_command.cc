// tandem vocab: the options' ranges are SentencePiece's own limits, checked before it runs.
#include "cli/vocab_command.h"

#include <cstdio>
#include <limits>

#include "data/spm_tokenizer.h"
#include "io/atomic_file.h"

namespace tandem::cli {
namespace {

// SentencePiece keeps the vocabulary size as a 32-bit int and fails on larger numbers with a
// parse error of its own; a million pieces is beyond any real vocabulary.
constexpr int64_t kMaxVocabPieces = 1000000;

}  // namespace

CLI::App* add_vocab_command(CLI::App& app, VocabCommandOptions& o) {
  data::SpmTrainOptions& spm = o.spm;
  CLI::App* cmd = app.add_subcommand(
      "vocab", "train a SentencePiece subword model (for data.*_tokenizer: spm)");
  cmd->add_option("--input,-i", o.inputs, "training text, one sentence per line")->required();
  cmd->add_option("--output,-o", o.output, "the model file to write (e.g. spm.model)")->required();
  cmd->add_option("--type", spm.type, "unigram or bpe")
      ->check(CLI::IsMember({"unigram", "bpe"}))
      ->capture_default_str();
  cmd->add_option("--size", spm.vocab_size, "vocabulary size, in pieces")
      ->check(CLI::Range(int64_t{1}, kMaxVocabPieces))
      ->capture_default_str();
  cmd->add_option("--character-coverage", spm.character_coverage,
                  "share of the characters the pieces cover (rarer ones become <unk>); 1.0 for "
                  "small alphabets, 0.9995 for Chinese or Japanese")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_option("--normalization", spm.normalization,
                  "text normalisation: nmt_nfkc (NFKC; e.g. … becomes ...), nfkc, nmt_nfkc_cf, "
                  "nfkc_cf (case-folded), identity (text as written)")
      ->check(CLI::IsMember(data::kSpmNormalizations))
      ->capture_default_str();
  cmd->add_option("--max-sentences", spm.max_sentences,
                  "train on a seeded sample of this many lines when there are more")
      ->check(CLI::Range(int64_t{101}, std::numeric_limits<int64_t>::max()))
      ->capture_default_str();
  return cmd;
}

int run_vocab(const VocabCommandOptions& o) {
  const std::string model = data::train_sentencepiece(o.inputs, o.spm);
  io::write_file_atomically(o.output,
                            [&](std::ostream& os) { os.write(model.data(), model.size()); });
  const data::SpmTokenizer check_loads(model, o.output);
  std::fprintf(stderr, "wrote %s: %s model, %lld pieces\n", o.output.c_str(), o.spm.type.c_str(),
               static_cast<long long>(check_loads.piece_count()));
  return 0;
}

}  // namespace tandem::cli
