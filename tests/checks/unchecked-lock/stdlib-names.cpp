// weakref-unchecked-lock's defaults match the standard library's own names:
// libstdc++'s std::__weak_ptr / std::__shared_ptr (named directly, or
// through a typedef), as code with a non-default lock policy uses them.
// libc++'s std::__1:: names are in libcxx.cpp.
#include <memory>

struct Widget {
  void f();
};

using SingleThreadedWeak = std::__weak_ptr<Widget, __gnu_cxx::_S_single>;

void base_classes(const std::__weak_ptr<Widget> &w) {
  w.lock()->f(); // expected-warning{{the result of lock() may be null}}
  std::__shared_ptr<Widget> p = w.lock();
  p->f(); // expected-warning{{'p' may be null}}
  if (auto q = w.lock())
    q->f();
}

void through_typedef(const SingleThreadedWeak &w) {
  auto p = w.lock();
  p->f(); // expected-warning{{'p' may be null}}
  auto q = w.lock();
  if (!q)
    return;
  q->f();
}
