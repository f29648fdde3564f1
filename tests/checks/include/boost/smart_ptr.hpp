// A minimal stand-in for Boost.SmartPtr's declarations, enough for the
// checks to see the same names and shapes as the real library.
#ifndef WEAKCHECK_TEST_BOOST_SMART_PTR_HPP
#define WEAKCHECK_TEST_BOOST_SMART_PTR_HPP
namespace boost {
template <class T> class weak_ptr;
template <class T> class shared_ptr {
public:
  shared_ptr() noexcept {}
  template <class Y> explicit shared_ptr(Y *p) : px(p) {}
  shared_ptr(const shared_ptr &r) noexcept : px(r.px) {}
  template <class Y> shared_ptr(const shared_ptr<Y> &r) noexcept : px(r.px) {}
  ~shared_ptr() {}
  shared_ptr &operator=(const shared_ptr &) noexcept { return *this; }
  T *get() const noexcept { return px; }
  T *operator->() const noexcept { return px; }
  T &operator*() const noexcept { return *px; }
  explicit operator bool() const noexcept { return px != nullptr; }
  T *px = nullptr;
};
template <class T> class weak_ptr {
public:
  weak_ptr() noexcept {}
  template <class Y> weak_ptr(const shared_ptr<Y> &) noexcept {}
  weak_ptr(const weak_ptr &) noexcept {}
  template <class Y> weak_ptr &operator=(const shared_ptr<Y> &) noexcept { return *this; }
  weak_ptr &operator=(const weak_ptr &) noexcept { return *this; }
  shared_ptr<T> lock() const noexcept { return shared_ptr<T>(); }
  bool expired() const noexcept { return true; }
};
template <class T, class... A> shared_ptr<T> make_shared(A &&...) {
  return shared_ptr<T>(new T());
}
} // namespace boost
#endif
