// The training loop. Every random choice draws from Rngs seeded by train.seed, and the epoch's
// batch plan depends only on (seed, epoch), so a checkpoint can capture the whole state.
#include "train/trainer.h"

#include <cmath>
#include <exception>
#include <filesystem>

#include "data/batcher.h"
#include "decode/search_config.h"
#include "eval/metrics.h"
#include "io/config.h"
#include "io/folder_lock.h"
#include "io/model_dir.h"
#include "io/model_manifest.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "tensor/error.h"
#include "train/checkpoint.h"
#include "train/clip.h"
#include "train/progress.h"
#include "train/run_folder.h"
#include "train/training_data.h"

namespace tandem {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<Optimizer> make_optimizer(const Config& config, ParameterStore& params) {
  const std::string& kind = config.get_string("train.optimizer");
  const float lr = static_cast<float>(config.get_float("train.learning_rate"));
  const float wd = static_cast<float>(config.get_float("train.weight_decay"));
  if (kind == "sgd") return std::make_unique<Sgd>(params, lr, 0.0f, wd);
  AdamOptions options{.lr = lr, .weight_decay = wd};
  if (kind == "adamw") return make_adamw(params, options);
  return std::make_unique<Adam>(params, options);
}

// Teacher forcing, decayed linearly from train.teacher_forcing to train.teacher_forcing_final
// over train.teacher_forcing_decay_steps updates.
float teacher_forcing_at(const Config& config, int64_t step) {
  const double start = config.get_float("train.teacher_forcing");
  const double final = config.get_float("train.teacher_forcing_final");
  const int64_t steps = config.get_int("train.teacher_forcing_decay_steps");
  if (steps <= 0) return static_cast<float>(start);
  const double f = std::min(1.0, static_cast<double>(step) / steps);
  return static_cast<float>(start + (final - start) * f);
}

// Dev-set loss (teacher forced, no dropout); exact match and train.valid_metric of the dev
// set decoded with the configured search.
Validation validate(const Seq2Seq& model, const TrainingData& data, const Config& config,
                    Graph& g) {
  const std::vector<data::Example>& dev = data.dev;
  const int64_t batch_size = config.get_int("decode.batch_size");
  const BeamOptions search = beam_options_from(config, false);
  const std::string& metric = config.get_string("train.valid_metric");
  double loss_sum = 0.0;
  int64_t tokens = 0, right = 0, counted = 0;
  std::vector<std::string> hypotheses, references;
  Rng unused(0);
  for (size_t begin = 0; begin < dev.size(); begin += batch_size) {
    std::vector<const data::Example*> rows;
    for (size_t i = begin; i < std::min(dev.size(), begin + batch_size); ++i)
      rows.push_back(&dev[i]);
    const data::Batch batch = data::make_batch(rows);
    g.reset();
    {
      NoGradGuard no_grad(g);
      LossOptions options;
      options.training = false;
      Var loss = model.loss(g, source_view(batch), target_view(batch), options, unused);
      loss_sum += static_cast<double>(loss.value().item()) * batch.target_tokens;
      tokens += batch.target_tokens;
    }
    g.reset();
    const auto found = tandem::search(model, g, source_view(batch), search);
    for (size_t r = 0; r < rows.size(); ++r) {
      const std::vector<int32_t>& best = found[r].at(0).tokens;
      right += best == rows[r]->target;
      hypotheses.push_back(data.target_tokenizer->decode(data.target_vocab.decode(best)));
      references.push_back(data.dev_target_text[rows[r]->index]);
    }
    counted += static_cast<int64_t>(rows.size());
  }
  g.reset();
  Validation v;
  v.loss = tokens ? loss_sum / tokens : 0.0;
  v.perplexity = std::exp(v.loss);
  v.exact_match = counted ? static_cast<double>(right) / counted : 0.0;
  if (metric != "loss" && metric != "exact" && counted > 0) {
    v.metric = metric;
    v.metric_value = eval::evaluate(hypotheses, {references}, {metric}).at(0).value;
  }
  return v;
}

// train.log_file's path (a relative one is inside the model folder), checked before anything is
// written: a log in place of one of the folder's own files would overwrite it, and a log whose
// folder is missing would fail only after the model folder was made.
std::string training_log_path(const std::string& model_dir, const std::string& log_file) {
  if (log_file.empty()) return "";
  const fs::path path = fs::path(model_dir) / log_file;
  fs::path dir = fs::weakly_canonical(fs::absolute(model_dir));
  if (!dir.has_filename()) dir = dir.parent_path();  // "runs/m/"
  const fs::path full = fs::weakly_canonical(fs::absolute(path));
  const fs::path inside = full.lexically_relative(dir);
  const std::string first = inside.empty() ? "" : inside.begin()->string();
  for (const std::string& name : own_folder_names())
    check(first != name, [&] {
      return "train.log_file " + log_file + " clashes with the model folder's own " + name +
             " (in " + model_dir + "): give the log another name, such as train_log.tsv";
    });
  check(!fs::is_directory(full),
        [&] { return "train.log_file " + log_file + " is a folder (" + path.string() + ")"; });
  check(full.parent_path() == dir || fs::is_directory(full.parent_path()), [&] {
    return "cannot write the training log " + path.string() + " (train.log_file): the folder " +
           path.parent_path().string() + " does not exist";
  });
  return path.string();
}

// The validation's figure of merit, lower is better (as the plateau schedule wants it).
double selection_score(const Validation& v, const std::string& metric) {
  if (metric == "loss") return v.loss;
  if (metric == "exact") return -v.exact_match;
  if (metric == "wer") return v.metric_value;
  return -v.metric_value;  // bleu, chrf
}

// The log file the folder's saved config names ("" when there is no readable config): a new run
// with --overwrite removes that run's log too.
std::string saved_log_file(const std::string& model_dir) {
  const std::string path = (fs::path(model_dir) / kModelFolderFiles[0]).string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return "";
  try {
    return load_config(path).get_string("train.log_file");
  } catch (const Error&) {
    return "";  // a config this tandem cannot read: its log, if any, counts as a foreign file
  }
}

}  // namespace

TrainSummary train(const Config& config, const TrainOptions& options) {
  const bool resume = options.resume;
  // The one per-step cost of being stoppable: a relaxed load.
  auto stop_requested = [&] {
    return options.stop != nullptr && options.stop->load(std::memory_order_relaxed);
  };
  const TrainLabels& labels = options.labels;
  check(!(resume && options.overwrite), [&] {
    return labels.resume + " and " + labels.overwrite + " together: " + labels.resume +
           " continues the folder's run, " + labels.overwrite + " removes it; give one";
  });
  check_model_dir_option(config);
  // Validation decodes with these settings: a bad pair (n_best above beam_size) fails now, not
  // at the first validation after minutes of training.
  beam_options_from(config, false);
  // This run's threads and precision, on this thread only: a program that also translates
  // keeps its own. The BLAS's threads (builds without our kernel) are process-wide.
  const int threads = static_cast<int>(config.get_int("train.threads"));
  if (!kernels::has_packed_gemm()) kernels::set_gemm_threads(threads);
  const kernels::ScopedGemmSettings gemm_settings(
      threads, kernels::gemm_precision_from(config.get_string("train.precision")));
  const bool precision_ok =
      config.get_string("train.precision") != "bf16" || kernels::bf16_gemm_available();
  const std::string model_dir = config.get_string("train.model_dir");
  const std::string log_path = training_log_path(model_dir, config.get_string("train.log_file"));
  // Held until the run ends, before anything in the folder is read or written: a second
  // training into the folder fails here, at once.
  const io::FolderLock lock(model_dir);
  std::vector<std::string> notes;  // said once the progress display is up
  if (!lock.unlocked_reason().empty()) notes.push_back("warning: " + lock.unlocked_reason());
  const std::string checkpoint = resume ? latest_checkpoint(model_dir, &notes) : "";
  check(!resume || !checkpoint.empty(), [&] {
    std::string skipped;
    for (const std::string& note : notes) skipped += "; " + note;
    return labels.resume + ": no checkpoint in " + model_dir + "/checkpoints to resume from" +
           skipped;
  });
  std::vector<fs::path> earlier_run;
  if (resume) {
    // The vocabularies and SentencePiece models read below must be the ones trained with, and
    // the model this config describes must be the one the checkpoint holds. The folder's weights
    // are not read (the checkpoint's are), and a run killed between writing its best weights and
    // the checksums left them differing: the manifest is written anew below.
    io::verify_checksums(model_dir, [](const std::string&) { return std::string(); },
                         {kModelFolderFiles[3]});
    const std::string saved = (fs::path(model_dir) / kModelFolderFiles[0]).string();
    check_resume_settings(load_config(saved), config, saved, labels);
  } else {
    earlier_run = earlier_run_files(
        model_dir, {config.get_string("train.log_file"), saved_log_file(model_dir)},
        options.overwrite, labels);
  }

  // A resumed run keeps the vocabularies and SentencePiece models it started with.
  std::optional<data::Vocab> saved_source, saved_target;
  Config data_config = config;
  if (resume) {
    saved_source = data::Vocab::load((fs::path(model_dir) / "source.vocab").string());
    saved_target = data::Vocab::load((fs::path(model_dir) / "target.vocab").string());
    for (const std::string side : {"source", "target"})
      if (config.get_string("data." + side + "_tokenizer") == "spm")
        data_config.set("data." + side + "_spm_model", model_dir_spm_file(model_dir, side),
                        labels.resume);
  }
  TrainingData data = load_training_data(data_config, saved_source ? &*saved_source : nullptr,
                                         saved_target ? &*saved_target : nullptr);
  const uint64_t seed = static_cast<uint64_t>(config.get_int("train.seed"));
  data::BatchOptions batching;
  batching.batch_size = config.get_int("train.batch_size");
  batching.by_tokens = config.get_string("train.batch_by") == "tokens";
  batching.max_source_length = config.get_int("data.max_source_length");
  batching.max_target_length = config.get_int("data.max_target_length");
  const int64_t corpus_size = static_cast<int64_t>(data.train.size());
  data::Batcher batcher(std::move(data.train), batching, seed);
  check(batcher.num_examples() > 0, [&] {
    return "no training example is left after the length limits (data.max_source_length, "
           "data.max_target_length) and empty lines";
  });

  Rng init_rng(seed);
  Seq2Seq model(model_config_from(config, data.source_vocab.size(), data.target_vocab.size()),
                init_rng);
  std::unique_ptr<Optimizer> optimizer = make_optimizer(config, model.params());
  std::unique_ptr<LrSchedule> schedule = make_lr_schedule(config);
  TrainingProgress state;
  state.rng = Rng(seed ^ 0x7261696eULL).state();
  if (resume) state = load_checkpoint(checkpoint, model, *optimizer, *schedule);
  Rng rng;
  rng.set_state(state.rng);

  const int64_t max_steps = config.get_int("train.max_steps");
  const int64_t max_epochs = config.get_int("train.max_epochs");
  // Only a resumed run can start at its end; it would print a loss no step computed.
  check(state.step < max_steps, [&] {
    return labels.resume + ": nothing to do: " + model_dir + " is already at step " +
           std::to_string(state.step) + " and train.max_steps is " + std::to_string(max_steps) +
           "; raise it (" + labels.set + " train.max_steps=N) to train on";
  });
  check(max_epochs == 0 || state.epoch < max_epochs, [&] {
    return labels.resume + ": nothing to do: " + model_dir + " is already at the end of epoch " +
           std::to_string(state.epoch) + " and train.max_epochs is " + std::to_string(max_epochs) +
           "; raise it (" + labels.set + " train.max_epochs=N) to train on";
  });
  const int64_t valid_every = config.get_int("train.valid_every");
  const int64_t checkpoint_every = config.get_int("train.checkpoint_every");
  const int64_t keep = config.get_int("train.keep_checkpoints");
  const int64_t patience = config.get_int("train.early_stopping_patience");
  const double clip = config.get_float("train.clip_norm");
  const bool has_dev = !data.dev.empty();
  // These act on validations, which need a dev set: without one they would silently do nothing.
  for (const auto& [key, used] :
       {std::pair{"train.lr_schedule: plateau",
                  config.get_string("train.lr_schedule") == "plateau"},
        {"train.early_stopping_patience", patience > 0},
        {"train.valid_metric", config.get_string("train.valid_metric") != "loss"}})
    check(has_dev || !used, [&] {
      return std::string(key) +
             " acts on validations, but there is no dev set: give data.dev_source and "
             "data.dev_target (or data.dev_tsv), or leave it out";
    });

  if (stop_requested()) {  // while the data was read: the folder is as it was
    TrainSummary stopped;
    stopped.model_dir = model_dir;
    stopped.interrupted = true;
    stopped.steps = state.step;
    stopped.checkpoint = checkpoint;
    return stopped;
  }
  // Every check has passed: the folder may change now.
  const std::string removed = remove_earlier_run(model_dir, earlier_run, labels);
  if (resume) save_model_dir_config(model_dir, config);  // this run's train.* and decode.*
  Progress progress(log_path, resume, max_steps, config.get_int("train.log_every"));
  if (!removed.empty())
    progress.message(labels.overwrite + ": removed the earlier run's " + removed + " from " +
                     model_dir);
  for (const std::string& note : notes) progress.message(note);
  char intro[256];
  std::snprintf(
      intro, sizeof intro,
      "%s: %lld training examples (%lld dropped by length limits or as empty), %lld dev%s; "
      "vocabularies %lld / %lld; %lld parameters",
      resume ? ("resuming at step " + std::to_string(state.step)).c_str() : "training",
      static_cast<long long>(batcher.num_examples()),
      static_cast<long long>(corpus_size - batcher.num_examples()),
      static_cast<long long>(data.dev.size()),
      data.dev_dropped_by_length
          ? (" (" + std::to_string(data.dev_dropped_by_length) + " dropped by length limits)")
                .c_str()
          : "",
      static_cast<long long>(data.source_vocab.size()),
      static_cast<long long>(data.target_vocab.size()),
      static_cast<long long>(model.params().num_values()));
  progress.message(intro);
  if (!precision_ok)
    progress.message(
        "train.precision bf16: this CPU or build has no AVX512_BF16 kernel; "
        "training in fp32");

  Graph g;
  // Cleared after every optimiser step, which changes the weights; a weight used once in a
  // step keeps no packed copy (base training: 20 MiB less at the peak, bench/RESULTS.md).
  PackedWeights packed(/*from_second_use=*/true);
  g.set_packed_weights(&packed);
  TrainSummary summary;
  summary.model_dir = model_dir;
  summary.validated = state.has_best;  // a resumed run's best model may come from before
  summary.best_known = state.has_best_figures;
  summary.best_dev_loss = state.best_dev_loss;
  summary.best_dev_exact_match = state.best_dev_exact_match;
  bool stop = false;
  // on_event's exception: it stops the run as a stop request does, and is rethrown once the
  // checkpoint is written.
  std::exception_ptr event_error;
  auto report = [&](const TrainEvent& event) {
    if (!options.on_event || event_error) return;
    try {
      options.on_event(event);
    } catch (...) {
      event_error = std::current_exception();
      summary.interrupted = stop = true;
    }
  };
  double last_rate = 0.0;  // the validation event's learning rate: the last step's
  // The folder's model appears with the first weights a finished step produced, with its config
  // and vocabularies: a run that fails before leaves no untrained model for translate to load.
  bool folder_written = resume;
  auto save_folder_model = [&] {
    if (folder_written) return save_model_dir_weights(model_dir, model);
    save_model_dir(model_dir,
                   {config, data.source_vocab, data.target_vocab, *data.source_tokenizer,
                    *data.target_tokenizer},
                   model);
    folder_written = true;
  };
  auto save_state = [&] {
    if (!folder_written) save_folder_model();  // a resumed run needs the vocabularies
    state.rng = rng.state();
    save_checkpoint(model_dir, model, *optimizer, *schedule, state, keep);
  };
  // Validates the current weights: keeps them as the folder's model when they are the best so
  // far, feeds the plateau schedule, and decides on early stopping.
  auto run_validation = [&] {
    const Validation v = validate(model, data, config, g);
    const double score = selection_score(v, config.get_string("train.valid_metric"));
    schedule->on_validation(score);
    const bool best = !state.has_best || score < state.best_metric;
    if (best) {
      state.best_metric = score;
      state.has_best = true;
      state.bad_validations = 0;
      state.has_best_figures = true;
      state.best_dev_loss = v.loss;
      state.best_dev_exact_match = v.exact_match;
      save_folder_model();
      summary.best_known = true;
      summary.best_dev_exact_match = v.exact_match;
      summary.best_dev_loss = v.loss;
    } else {
      ++state.bad_validations;
    }
    summary.validated = true;
    progress.on_validation(state.step, v, best);
    report({.kind = TrainEvent::Kind::kValidation,
            .step = state.step,
            .max_steps = max_steps,
            .epoch = state.epoch,
            .learning_rate = last_rate,
            .validation = v,
            .best = best});
    if (patience > 0 && state.bad_validations >= patience) {
      progress.message("early stopping: no improvement in " + std::to_string(patience) +
                       " validations");
      stop = true;
    }
  };
  const int64_t first_step = state.step;
  while (!stop && state.step < max_steps && (max_epochs == 0 || state.epoch < max_epochs)) {
    const std::vector<std::vector<int64_t>> plan = batcher.epoch_plan(state.epoch);
    for (; state.position < static_cast<int64_t>(plan.size());) {
      if (stop_requested()) {
        summary.interrupted = stop = true;
        break;
      }
      const data::Batch batch = batcher.batch(plan[state.position]);
      ++state.position;
      ++state.step;
      const float lr = schedule->rate(state.step);
      optimizer->set_learning_rate(lr);
      LossOptions options;
      options.teacher_forcing = teacher_forcing_at(config, state.step);
      options.label_smoothing = static_cast<float>(config.get_float("train.label_smoothing"));
      options.root = true;  // g.backward(loss) below
      g.reset();
      model.params().zero_grad();
      Var loss = model.loss(g, source_view(batch), target_view(batch), options, rng);
      g.backward(loss);
      const double norm = clip > 0 ? clip_grad_norm(model.params(), clip) : 0.0;
      check(std::isfinite(loss.value().item()) && std::isfinite(norm), [&] {
        return "training diverged at step " + std::to_string(state.step) +
               " (loss or gradient not finite); lower train.learning_rate or set train.clip_norm";
      });
      optimizer->step();
      packed.clear();
      summary.last_loss = loss.value().item();
      progress.on_step(state.step, state.epoch, static_cast<double>(state.position) / plan.size(),
                       summary.last_loss, batch.target_tokens, lr);
      last_rate = lr;
      report({.kind = TrainEvent::Kind::kStep,
              .step = state.step,
              .max_steps = max_steps,
              .epoch = state.epoch,
              .epoch_fraction = static_cast<double>(state.position) / plan.size(),
              .loss = summary.last_loss,
              .tokens = batch.target_tokens,
              .learning_rate = lr});

      if (has_dev && !event_error && state.step % valid_every == 0) run_validation();
      if (state.step % checkpoint_every == 0) save_state();
      if (stop || state.step >= max_steps) break;
    }
    if (state.position >= static_cast<int64_t>(plan.size())) {
      ++state.epoch;
      state.position = 0;
    }
  }
  summary.steps = state.step;
  if (summary.interrupted) {
    // A checkpoint of exactly where the run stopped, and no validation: the resumed run then
    // goes on as if it had never stopped (a validation feeds the schedule and early stopping).
    if (state.step > first_step && state.step % checkpoint_every != 0) save_state();
    if (!has_dev && state.step > first_step) save_folder_model();
    summary.checkpoint = latest_checkpoint(model_dir);
    if (event_error) std::rethrow_exception(event_error);
    return summary;
  }
  // The last steps count too (and a run shorter than train.valid_every still leaves its model).
  if (has_dev && state.step > first_step && state.step % valid_every != 0) run_validation();
  if (state.step % checkpoint_every != 0) save_state();
  // Without a dev set the folder's model is the last one.
  if (!has_dev) save_folder_model();
  if (event_error) std::rethrow_exception(event_error);  // from the last validation's event
  return summary;
}

}  // namespace tandem
