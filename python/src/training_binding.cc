// tandem._tandem.train: the library's train() with the GIL released, its progress events passed
// to a Python callable, and Python's signal handlers (Ctrl+C's KeyboardInterrupt) run after
// every step: one that raises stops training after that step with a checkpoint, as SIGINT stops
// `tandem train`, and its exception is raised once train() has returned.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "api/training.h"
#include "bindings.h"

namespace nb = nanobind;

namespace tandem::python {
namespace {

// What a KeyboardInterrupt that stopped training says: where the run stands and how to go on.
std::string interrupt_message(const TrainSummary& s) {
  const std::string at = "training stopped at step " + std::to_string(s.steps);
  if (!s.interrupted)
    return "training was asked to stop but finished first (step " + std::to_string(s.steps) +
           "); the model is in " + s.model_dir;
  if (s.checkpoint.empty())
    return at + ", before its first step: there is no checkpoint to resume from";
  return at + "; checkpoint: " + s.checkpoint +
         "; to resume, call tandem.train again with the same config and resume=True";
}

TrainSummary train_from_python(const std::string& config_path, const std::string& config_text,
                               const std::vector<std::string>& overrides, bool resume,
                               bool overwrite, nb::object on_progress) {
  std::atomic<bool> stop = false;
  std::optional<nb::python_error> interrupt;  // what a signal handler raised
  TrainRequest request;
  request.config_path = config_path;
  request.config_text = config_text;
  request.overrides = overrides;
  request.options.resume = resume;
  request.options.overwrite = overwrite;
  request.options.stop = &stop;
  // Errors name tandem.train's arguments, not the command's flags.
  request.options.labels = {
      .resume = "resume=True", .overwrite = "overwrite=True", .set = "overrides"};
  // On the training thread, between steps: the GIL is held only here.
  request.options.on_event = [&](const TrainEvent& event) {
    nb::gil_scoped_acquire gil;
    if (interrupt) return;  // stopping: the interrupt is what the caller will see
    if (PyErr_CheckSignals() != 0) {
      interrupt.emplace();  // takes the raised exception
      stop = true;
      return;
    }
    if (on_progress.is_none()) return;
    try {
      on_progress(nb::cast(event, nb::rv_policy::copy));
    } catch (nb::python_error& e) {
      // Ctrl+C while the callback ran (or the callback's own KeyboardInterrupt): a stop like
      // any other, whose message can then name the checkpoint.
      if (e.matches(PyExc_KeyboardInterrupt)) {
        interrupt.emplace(std::move(e));
        stop = true;
        return;
      }
      throw;  // ends training with a checkpoint, and comes out of train() again
    }
  };
  TrainSummary summary;
  {
    nb::gil_scoped_release release;
    summary = train(request);
  }
  if (interrupt) {
    if (interrupt->matches(PyExc_KeyboardInterrupt))
      interrupt->value().attr("args") = nb::make_tuple(interrupt_message(summary));
    throw nb::python_error(std::move(*interrupt));
  }
  return summary;
}

}  // namespace

void bind_training(nb::module_& m) {
  nb::class_<Validation>(m, "Validation", "The dev set's figures at a validation.")
      .def_ro("loss", &Validation::loss, "Mean cross-entropy per target token.")
      .def_ro("perplexity", &Validation::perplexity, "exp(loss).")
      .def_ro("exact_match", &Validation::exact_match,
              "The fraction of greedy outputs equal to their reference (0 to 1).")
      .def_ro("metric", &Validation::metric,
              "train.valid_metric when it is neither loss nor exact ('bleu', ...), else ''.")
      .def_ro("metric_value", &Validation::metric_value, "That metric's score (0 to 100).")
      .def("__repr__", [](const Validation& v) {
        return nb::str("Validation(loss={!r}, exact_match={!r})").format(v.loss, v.exact_match);
      });

  nb::class_<TrainEvent>(m, "TrainEvent",
                         "What tandem.train passes to on_progress after every update ('step') "
                         "and every validation ('validation').")
      .def_prop_ro(
          "kind",
          [](const TrainEvent& e) {
            return e.kind == TrainEvent::Kind::kStep ? "step" : "validation";
          },
          "'step' or 'validation'.")
      .def_ro("step", &TrainEvent::step, "Updates done so far.")
      .def_ro("max_steps", &TrainEvent::max_steps, "train.max_steps.")
      .def_ro("epoch", &TrainEvent::epoch, "The epoch, from 1.")
      .def_ro("epoch_fraction", &TrainEvent::epoch_fraction, "How far into the epoch (0 to 1).")
      .def_ro("loss", &TrainEvent::loss, "step: the batch's mean loss per target token.")
      .def_ro("tokens", &TrainEvent::tokens, "step: the batch's target tokens.")
      .def_ro("learning_rate", &TrainEvent::learning_rate, "The learning rate of the update.")
      .def_prop_ro(
          "validation",
          [](const TrainEvent& e) -> std::optional<Validation> {
            if (e.kind != TrainEvent::Kind::kValidation) return std::nullopt;
            return e.validation;
          },
          "validation: the dev set's figures; None for a step.")
      .def_ro("best", &TrainEvent::best, "validation: the model was saved as the best so far.")
      .def("__repr__", [](const TrainEvent& e) {
        return nb::str("TrainEvent(kind={!r}, step={!r}, loss={!r})")
            .format(e.kind == TrainEvent::Kind::kStep ? "step" : "validation", e.step, e.loss);
      });

  nb::class_<TrainSummary>(m, "TrainSummary", "What tandem.train returns.")
      .def_ro("steps", &TrainSummary::steps, "Updates done, over all runs of the folder.")
      .def_ro("last_loss", &TrainSummary::last_loss, "The last batch's mean loss per token.")
      .def_ro("validated", &TrainSummary::validated, "Whether there was a validation.")
      .def_prop_ro(
          "best_dev_loss",
          [](const TrainSummary& s) {
            return s.validated && s.best_known ? std::optional(s.best_dev_loss) : std::nullopt;
          },
          "The best model's dev loss; None without a validation (or when a resumed run's best "
          "model came from a checkpoint that does not record it).")
      .def_prop_ro(
          "best_dev_exact_match",
          [](const TrainSummary& s) {
            return s.validated && s.best_known ? std::optional(s.best_dev_exact_match)
                                               : std::nullopt;
          },
          "The best model's dev exact match (0 to 1); None as for best_dev_loss.")
      .def_ro("model_dir", &TrainSummary::model_dir, "The model folder.")
      .def_ro("interrupted", &TrainSummary::interrupted, "Whether training was stopped early.")
      .def_ro("checkpoint", &TrainSummary::checkpoint,
              "The checkpoint to resume from after a stop ('' when there is none).")
      .def("__repr__", [](const TrainSummary& s) {
        return nb::str("TrainSummary(steps={!r}, last_loss={!r}, model_dir={!r})")
            .format(s.steps, s.last_loss, s.model_dir);
      });

  m.def("train", &train_from_python, nb::arg("config_path"), nb::arg("config_text"),
        nb::arg("overrides"), nb::arg("resume"), nb::arg("overwrite"),
        nb::arg("on_progress").none());
}

}  // namespace tandem::python
