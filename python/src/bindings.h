// The parts of the extension module tandem._tandem, one area of the library each.
#pragma once

#include <nanobind/nanobind.h>

namespace tandem::python {

void bind_translator(nanobind::module_& m);  // Translator, TranslationResult, ScoreResult
void bind_training(nanobind::module_& m);    // train, TrainEvent, Validation, TrainSummary
void bind_metrics(nanobind::module_& m);     // evaluate, MetricResult

}  // namespace tandem::python
