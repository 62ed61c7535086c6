// tandem._tandem.evaluate: eval::evaluate with the GIL released, and MetricResult, whose str()
// is the line `tandem eval` prints.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "bindings.h"
#include "eval/metrics.h"

namespace nb = nanobind;

namespace tandem::python {
namespace {

std::vector<eval::MetricResult> evaluate(const std::vector<std::string>& hypotheses,
                                         const std::vector<std::vector<std::string>>& references,
                                         const std::vector<std::string>& metrics) {
  // Messages name the arguments: "hypotheses", "references" or "references[k]".
  eval::StreamNames names{.hypotheses = "hypotheses", .references = {}};
  for (size_t k = 0; k < references.size(); ++k)
    names.references.push_back(references.size() == 1 ? "references"
                                                      : "references[" + std::to_string(k) + "]");
  nb::gil_scoped_release release;
  return eval::evaluate(hypotheses, references, metrics, names);
}

std::string line_of(const eval::MetricResult& r) {
  std::string line = eval::format_result(r);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

}  // namespace

void bind_metrics(nb::module_& m) {
  nb::class_<eval::MetricResult>(m, "MetricResult",
                                 "A corpus-level score; str() gives the line `tandem eval` "
                                 "prints for it.")
      .def_ro("name", &eval::MetricResult::name,
              "As sacreBLEU names it: 'BLEU', 'chrF2', 'chrF2++', 'WER', 'PER', 'Exact'.")
      .def_ro("score", &eval::MetricResult::value,
              "The score as a percentage (0 to 100), as `tandem eval` prints it (unrounded).")
      .def_ro("details", &eval::MetricResult::details,
              "What follows the score on the printed line; may be ''.")
      .def_prop_ro(
          "statistics",
          [](const eval::MetricResult& r) {
            nb::dict out;
            for (const auto& [name, value] : r.statistics) out[nb::str(name.c_str())] = value;
            return out;
          },
          "The figures behind the score, by name (BLEU's precisions, bp, ratio and lengths; "
          "chrF's orders and beta; WER's errors and ref_tokens; ...).")
      .def("__str__", &line_of)
      .def("__float__", [](const eval::MetricResult& r) { return r.value; })
      .def("__repr__",
           [](const eval::MetricResult& r) { return "<MetricResult " + line_of(r) + ">"; });

  m.def("evaluate", &evaluate, nb::arg("hypotheses"), nb::arg("references"), nb::arg("metrics"));
}

}  // namespace tandem::python
