// The extension module tandem._tandem: tandem::Error as tandem.Error (a ValueError with the
// library's message) and the bindings of translation, training and evaluation.
// python/tandem/__init__.py is the public face: it checks arguments and documents them.
#include <nanobind/nanobind.h>

#include "api/version.h"
#include "bindings.h"
#include "tensor/error.h"

namespace nb = nanobind;

NB_MODULE(_tandem, m) {
  m.doc() = "tandem's C++ library; use it through the package tandem";
  m.attr("__version__") = tandem::version();  // what `tandem --version` prints
  // Every library error is bad input of some kind (a file, a setting, an argument): a
  // ValueError, whose message is the one the tandem command prints after "error: ".
  nb::exception<tandem::Error> error(m, "Error", PyExc_ValueError);
  error.attr("__doc__") =
      "An error of tandem's: bad input (a file, a setting, an argument), with a message that "
      "names it. A ValueError.";
  error.attr("__module__") = "tandem";
  tandem::python::bind_translator(m);
  tandem::python::bind_training(m);
  tandem::python::bind_metrics(m);
}
