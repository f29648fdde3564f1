// weakref-finalizer-captures-referent on pybind11 (small fake header): a
// death callback that captures its own referent; the keep-alive pattern that
// captures the *patient* in a callback on the *nurse* is correct.
#include <cycle/pybind11.hpp>

void positives(py::object o) {
  py::weakref wr(o, py::cpp_function([o](py::handle) {})); // expected-warning:39{{capture 'o' keeps the death callback's own referent 'o' alive}} expected-note{{registered for 'o'}}
  py::object alias = o; // expected-note{{'alias' is a strong owner of 'o'}}
  py::weakref wr2(alias, py::cpp_function([alias](py::handle) {})); // expected-warning{{capture 'alias' keeps}} expected-note{{registered for 'o'}}
  py::weakref wr3(o, py::cpp_function([=](py::handle) { (void)o; })); // expected-warning{{implicit capture 'o'}} expected-note{{registered for 'o'}}
  (void)wr; (void)wr2; (void)wr3;
}

void keep_alive(py::handle nurse, py::object patient) {
  // pybind11's keep_alive_impl: the patient lives as long as the nurse.
  py::cpp_function disable_lifesupport([patient](py::handle weakref) {
    patient.dec_ref();
    weakref.dec_ref();
  });
  py::weakref wr(nurse, disable_lifesupport);
  (void)wr;
}

void negatives(py::object o, py::object other) {
  py::weakref wr(o, py::cpp_function([other](py::handle) {}));
  py::weakref wr2(o, py::cpp_function([](py::handle ref) { (void)ref; }));
  py::weakref wr3(o);
  (void)wr; (void)wr2; (void)wr3;
}
