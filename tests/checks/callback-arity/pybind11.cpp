// weakref-callback-arity on pybind11 (stand-in header): py::weakref calls
// its callback with exactly one argument, the weakref.
#include <arity/pybind11.hpp>

void no_param();                                     // expected-note{{'no_param' is defined here}}
void two_params(py::handle, py::handle);             // expected-note{{'two_params' is defined here}}
void one_param(py::handle);
void defaulted(py::handle, int = 0);
void only_args(py::args);
void handle_and_args(py::handle, py::args);
void handle_and_kwargs(py::handle, py::kwargs);
struct Cache {
  void on_death(py::handle);                         // expected-note{{'Cache::on_death' is defined here}}
  void clear();
};
struct Functor {
  void operator()() const;                           // expected-note{{'Functor::operator()' is defined here}}
};
struct GoodFunctor {
  void operator()(py::handle) const;
};

void positives(py::object o) {
  py::weakref a(o, py::cpp_function([] {})); // expected-warning{{the callback of py::weakref is called with 1 argument, the weak reference, but the lambda takes 0; give it exactly one required parameter}}
  // expected-note@-1:37{{the lambda is defined here}}
  py::weakref b(o, py::cpp_function([](py::handle, py::handle) {})); // expected-warning{{but the lambda takes 2}} expected-note{{the lambda is defined here}}
  py::weakref c(o, py::cpp_function(no_param)); // expected-warning{{but 'no_param' takes 0}}
  py::weakref d(o, py::cpp_function(&two_params)); // expected-warning{{but 'two_params' takes 2}}
  py::weakref e(o, py::cpp_function(&Cache::on_death)); // expected-warning{{but 'Cache::on_death' takes 2}}
  py::weakref f(o, py::cpp_function(Functor{})); // expected-warning{{but 'Functor::operator()' takes 0}}

  // Stored in a local variable first: the cpp_function, or the lambda.
  py::cpp_function cb([](py::handle, int) {}); // expected-note{{the lambda is defined here}}
  py::weakref g(o, cb); // expected-warning{{but the lambda takes 2}}
  auto lambda = [] {}; // expected-note{{the lambda is defined here}}
  py::weakref h(o, py::cpp_function(lambda)); // expected-warning{{but the lambda takes 0}}
  auto w = py::weakref(o, py::cpp_function([](py::handle, py::handle, py::args) {})); // expected-warning{{but the lambda takes at least 2}} expected-note{{the lambda is defined here}}
}

void negatives(py::object o, py::cpp_function unknown, bool flip) {
  py::weakref a(o, py::cpp_function([](py::handle) {}));
  py::weakref b(o, py::cpp_function([](py::handle wr, int extra = 0) {}));
  py::weakref c(o, py::cpp_function(one_param));
  py::weakref d(o, py::cpp_function(&defaulted));
  py::weakref e(o, py::cpp_function(only_args));
  py::weakref f(o, py::cpp_function(handle_and_args));
  py::weakref g(o, py::cpp_function(handle_and_kwargs));
  py::weakref h(o, py::cpp_function(&Cache::clear)); // the weakref binds to self
  py::weakref i(o, py::cpp_function(GoodFunctor{}));
  py::weakref j(o, py::cpp_function([](auto...) {})); // generic: silent
  py::weakref k(o, py::cpp_function([](auto, auto) {})); // generic: silent
  py::weakref l(o, unknown);
  py::weakref m(o);
  // A variable assigned twice is not followed.
  py::cpp_function cb([] {});
  if (flip)
    cb = py::cpp_function([](py::handle) {});
  py::weakref n(o, cb);
}
