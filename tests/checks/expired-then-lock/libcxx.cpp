// weakref-expired-then-lock with libc++'s names (std::__1::weak_ptr, through
// a stand-in header in tests/checks/include/libcxx/).
// weakcheck-args: -std=c++20 -nostdinc++
#include <libcxx/memory>

struct Widget {
  void f();
};

void tested_then_locked(const std::weak_ptr<Widget> &w) {
  if (w.expired())
    return;
  w.lock()->f(); // expected-warning{{relies on the earlier 'w.expired()' test}}
  // expected-note@-3{{tested here}}
}

void owner_from_weak(const std::__1::weak_ptr<Widget> &w) {
  if (!w.expired()) {
    std::shared_ptr<Widget> p(w); // expected-warning{{constructing a strong owner from 'w'}}
    // expected-note@-2{{tested here}}
    p->f();
  }
}

void checked(const std::weak_ptr<Widget> &w) {
  if (auto p = w.lock())
    p->f();
}
