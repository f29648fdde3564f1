// weakref-unchecked-lock with libc++'s names (std::__1::weak_ptr, through
// a stand-in header in tests/checks/include/libcxx/).
// weakcheck-args: -std=c++20 -nostdinc++
#include <libcxx/memory>

struct Widget {
  void f();
};

void unchecked(const std::weak_ptr<Widget> &w) {
  w.lock()->f(); // expected-warning{{the result of lock() may be null}}
  auto p = w.lock();
  p->f(); // expected-warning{{'p' may be null}}
}

void checked(const std::__1::weak_ptr<Widget> &w) {
  if (auto p = w.lock())
    p->f();
  auto q = w.lock();
  if (q == nullptr)
    return;
  q->f();
}
