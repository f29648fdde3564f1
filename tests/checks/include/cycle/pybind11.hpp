// A minimal stand-in for the pybind11 names weakref-finalizer-captures-referent
// sees: handle, object, cpp_function, weakref.
#ifndef WEAKCHECK_TEST_CYCLE_PYBIND11_HPP
#define WEAKCHECK_TEST_CYCLE_PYBIND11_HPP
#include <utility>
namespace pybind11 {
class handle {
public:
  handle() = default;
  handle(const handle &) = default;
  const handle &inc_ref() const { return *this; }
  const handle &dec_ref() const { return *this; }
  void *m_ptr = nullptr;
};
class object : public handle {
public:
  object() = default;
  object(const object &o) : handle(o) {}
  object(object &&o) noexcept : handle(o) {}
  ~object() {}
  object &operator=(const object &) { return *this; }
  object attr(const char *) const { return {}; }
};
class none : public object {};
class cpp_function : public object {
public:
  cpp_function() = default;
  template <class F> cpp_function(F &&) {}
};
class weakref : public object {
public:
  explicit weakref(handle obj, handle callback = {}) {}
};
} // namespace pybind11
namespace py = pybind11;
#endif
