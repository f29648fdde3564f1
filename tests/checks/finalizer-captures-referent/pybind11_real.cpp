// Against the real pybind11 and Python headers (Debian pybind11-dev,
// python3-dev).
// weakcheck-args: -std=c++17 -I/usr/include/python3.11
#include <pybind11/pybind11.h>

namespace py = pybind11;

void watch(py::object o) {
  py::weakref wr(o, py::cpp_function([o](py::handle) {})); // expected-warning{{capture 'o' keeps the death callback's own referent 'o' alive}} expected-note{{registered for 'o'}}
  (void)wr;
}

void keep_alive(py::handle nurse, py::handle patient) {
  patient.inc_ref();
  py::cpp_function disable_lifesupport([patient](py::handle weakref) {
    patient.dec_ref();
    weakref.dec_ref();
  });
  py::weakref wr(nurse, disable_lifesupport);
  wr.release();
}

void note_only(py::object o) {
  py::object name = o.attr("__name__");
  py::weakref wr(o, py::cpp_function([name](py::handle) { py::print(name); }));
  (void)wr;
}
