// Training data: which files a config names, and their tokenisation into examples.
#include "train/training_data.h"

#include <filesystem>

#include "data/corpus.h"
#include "tensor/error.h"

namespace tandem {

namespace {

// The parallel text named by data.<prefix>_source / _target or data.<prefix>_tsv; an empty
// result (and no error) when none is given and `required` is false.
data::ParallelText read_side(const Config& config, const std::string& prefix, bool required) {
  const std::string& src = config.get_string("data." + prefix + "_source");
  const std::string& tgt = config.get_string("data." + prefix + "_target");
  const std::string& tsv = config.get_string("data." + prefix + "_tsv");
  const bool parallel = !src.empty() || !tgt.empty();
  check(!(parallel && !tsv.empty()), [&] {
    return "give either data." + prefix + "_source and data." + prefix + "_target, or data." +
           prefix + "_tsv, not both";
  });
  // A missing file, named by its key: paths are read from the current folder, not the config's.
  auto check_exists = [&](const std::string& side, const std::string& path) {
    std::error_code ec;
    check(std::filesystem::exists(path, ec), [&] {
      return "data." + prefix + "_" + side + ": " + path +
             " does not exist (a relative path is read from the current folder, " +
             std::filesystem::current_path(ec).string() + ")";
    });
  };
  if (!tsv.empty()) {
    check_exists("tsv", tsv);
    return data::read_tsv(tsv);
  }
  if (parallel) {
    check(!src.empty() && !tgt.empty(), [&] {
      return "data." + prefix + "_source and data." + prefix + "_target go together; only " +
             (src.empty() ? "the target" : "the source") + " is set";
    });
    check_exists("source", src);
    check_exists("target", tgt);
    return data::read_parallel(src, tgt);
  }
  check(!required, [&] {
    return "no training data: set data." + prefix + "_source and data." + prefix +
           "_target (one example per line), or data." + prefix + "_tsv (two columns)";
  });
  return {};
}

// The files data.<prefix>_* name, for messages: "data.dev_tsv dev.tsv" or both parallel files.
std::string side_files(const Config& config, const std::string& prefix) {
  const std::string& tsv = config.get_string("data." + prefix + "_tsv");
  if (!tsv.empty()) return "data." + prefix + "_tsv " + tsv;
  return "data." + prefix + "_source " + config.get_string("data." + prefix + "_source") +
         ", data." + prefix + "_target " + config.get_string("data." + prefix + "_target");
}

std::vector<std::vector<std::string>> tokenize_all(const data::Tokenizer& t,
                                                   const std::vector<std::string>& lines) {
  std::vector<std::vector<std::string>> out;
  out.reserve(lines.size());
  for (const std::string& line : lines) out.push_back(t.encode(line));
  return out;
}

std::vector<data::Example> encode_all(const data::Vocab& sv, const data::Vocab& tv,
                                      const std::vector<std::vector<std::string>>& src,
                                      const std::vector<std::vector<std::string>>& tgt) {
  std::vector<data::Example> out(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    out[i].source = sv.encode(src[i]);
    out[i].target = tv.encode(tgt[i]);
    out[i].index = static_cast<int64_t>(i);
  }
  return out;
}

// The tokenizer of one side ("source" or "target"), with the SentencePiece model it names.
std::unique_ptr<data::Tokenizer> side_tokenizer(const Config& config, const std::string& side) {
  const std::string& kind = config.get_string("data." + side + "_tokenizer");
  const std::string& spm_model = config.get_string("data." + side + "_spm_model");
  check(kind != "spm" || !spm_model.empty(), [&] {
    return "data." + side + "_tokenizer is spm but data." + side +
           "_spm_model is not set: make a SentencePiece model with `tandem vocab` and name it "
           "there";
  });
  return data::make_tokenizer(kind, spm_model);
}

}  // namespace

TrainingData load_training_data(const Config& config, const data::Vocab* source_vocab,
                                const data::Vocab* target_vocab) {
  TrainingData d;
  d.source_tokenizer = side_tokenizer(config, "source");
  d.target_tokenizer = side_tokenizer(config, "target");
  const data::ParallelText train = read_side(config, "train", true);
  const data::ParallelText dev = read_side(config, "dev", false);
  auto train_src = tokenize_all(*d.source_tokenizer, train.source);
  auto train_tgt = tokenize_all(*d.target_tokenizer, train.target);
  const int64_t min_freq = config.get_int("data.min_frequency");
  const int64_t max_size = config.get_int("data.max_vocab_size");
  d.source_vocab = source_vocab ? *source_vocab : data::Vocab::build(train_src, min_freq, max_size);
  d.target_vocab = target_vocab ? *target_vocab : data::Vocab::build(train_tgt, min_freq, max_size);
  d.train = encode_all(d.source_vocab, d.target_vocab, train_src, train_tgt);
  // Validation skips what training skips (pairs with an empty side or beyond the length
  // limits); Example::index still points into dev_target_text.
  const size_t max_source = static_cast<size_t>(config.get_int("data.max_source_length"));
  const size_t max_target = static_cast<size_t>(config.get_int("data.max_target_length"));
  for (data::Example& e :
       encode_all(d.source_vocab, d.target_vocab, tokenize_all(*d.source_tokenizer, dev.source),
                  tokenize_all(*d.target_tokenizer, dev.target))) {
    if (!data::has_both_sides(e)) continue;
    if (e.source.size() > max_source || e.target.size() > max_target)
      ++d.dev_dropped_by_length;
    else
      d.dev.push_back(std::move(e));
  }
  const bool dev_named =
      !config.get_string("data.dev_source").empty() || !config.get_string("data.dev_tsv").empty();
  check(!dev_named || !d.dev.empty(), [&] {
    return "the dev set (" + side_files(config, "dev") + ") has no usable example: " +
           (dev.source.empty() ? std::string("it is empty")
                               : "each of its " + std::to_string(dev.source.size()) +
                                     " lines has an empty source or target, or is longer than "
                                     "data.max_source_length or data.max_target_length") +
           "; give it examples or leave the dev set out";
  });
  d.dev_target_text = dev.target;
  return d;
}

}  // namespace tandem
