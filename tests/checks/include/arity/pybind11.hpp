// The shared pybind11 stand-in (cycle/pybind11.hpp) plus py::args and
// py::kwargs, for weakref-callback-arity.
#ifndef WEAKCHECK_TEST_ARITY_PYBIND11_HPP
#define WEAKCHECK_TEST_ARITY_PYBIND11_HPP
#include <cycle/pybind11.hpp>
namespace pybind11 {
class tuple : public object {};
class dict : public object {};
class args : public tuple {};
class kwargs : public dict {};
} // namespace pybind11
#endif
