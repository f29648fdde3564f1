// A minimal, self-contained stand-in for Boost's shared_ptr, weak_ptr and
// enable_shared_from_this, for the weakref-destructor-resurrection and
// weakref-*-shared-from-this* tests. Do not include together with
// boost/smart_ptr.hpp.
#ifndef WEAKCHECK_TEST_RESURRECTION_BOOST_H
#define WEAKCHECK_TEST_RESURRECTION_BOOST_H
namespace boost {
template <class T> class shared_ptr {
public:
  shared_ptr() noexcept {}
  template <class Y> explicit shared_ptr(Y *p) : px(p) {}
  shared_ptr(const shared_ptr &r) noexcept : px(r.px) {}
  ~shared_ptr() {}
  T *get() const noexcept { return px; }
  T *operator->() const noexcept { return px; }
  T *px = nullptr;
};
template <class T> class weak_ptr {
public:
  weak_ptr() noexcept {}
  weak_ptr(const shared_ptr<T> &) noexcept {}
  shared_ptr<T> lock() const noexcept { return shared_ptr<T>(); }
};
template <class T> class enable_shared_from_this {
protected:
  enable_shared_from_this() noexcept {}
  ~enable_shared_from_this() {}

public:
  shared_ptr<T> shared_from_this() { return shared_ptr<T>(); }
  weak_ptr<T> weak_from_this() noexcept { return weak_ptr<T>(); }
};
} // namespace boost
#endif
