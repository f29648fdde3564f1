// weakref-callback-arity against the real Debian pybind11-dev headers.
// weakcheck-args: -std=c++17 -I/usr/include/python3.11
#include <pybind11/pybind11.h>
namespace py = pybind11;

struct Registry {
  void forget(py::handle wr);
};

void on_death(py::handle wr);
void on_death_twice(py::handle wr, py::handle again); // expected-note{{'on_death_twice' is defined here}}

void positives(py::object obj) {
  py::weakref a(obj, py::cpp_function([]() {})); // expected-warning{{the callback of py::weakref is called with 1 argument, the weak reference, but the lambda takes 0; give it exactly one required parameter}} expected-note{{the lambda is defined here}}
  py::weakref b(obj, py::cpp_function(&on_death_twice)); // expected-warning{{but 'on_death_twice' takes 2}}
  py::cpp_function cb([](py::handle, py::handle) {}); // expected-note{{the lambda is defined here}}
  py::weakref c(obj, cb); // expected-warning{{but the lambda takes 2}}
}

void negatives(py::object obj, py::object patient) {
  py::weakref a(obj, py::cpp_function([](py::handle wr) { wr.dec_ref(); }));
  py::weakref b(obj, py::cpp_function(&on_death));
  py::weakref c(obj, py::cpp_function([](py::args) {}));
  // pybind11's keep_alive idiom: the callback on the nurse releases the patient.
  py::cpp_function disable_lifesupport([patient](py::handle weakref) {
    patient.dec_ref();
    weakref.dec_ref();
  });
  py::weakref d(obj, disable_lifesupport);
  py::weakref e(obj);
  py::weakref f(obj, py::none());
}
