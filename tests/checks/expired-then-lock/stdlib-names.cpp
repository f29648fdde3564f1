// weakref-expired-then-lock's defaults match libstdc++'s std::__weak_ptr /
// std::__shared_ptr (libc++'s std::__1:: names are in libcxx.cpp).
#include <memory>

struct Widget {
  void f();
};

void base_classes(const std::__weak_ptr<Widget> &w) {
  if (!w.expired())
    w.lock()->f(); // expected-warning{{relies on the earlier 'w.expired()' test}}
  // expected-note@-2{{tested here}}
}

void checked(const std::__weak_ptr<Widget> &w) {
  if (auto p = w.lock())
    p->f();
}
