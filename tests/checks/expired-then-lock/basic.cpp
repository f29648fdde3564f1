// weakref-expired-then-lock on std::weak_ptr: positives first, then
// negatives taken from correct real-world idioms (see
// ../shared/spec/checks.md).
#include <algorithm>
#include <cassert>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

struct Widget {
  void draw();
  int size() const;
};
void use(const std::shared_ptr<Widget> &);
[[noreturn]] void fail(const char *);

void positives(std::weak_ptr<Widget> w, std::weak_ptr<Widget> *wp) {
  if (!w.expired()) {
    auto p = w.lock(); // expected-warning{{'w.lock()' relies on the earlier 'w.expired()' test, but another thread can drop the last owner in between and the result is then null; lock once and test the result instead}}
    p->draw(); // expected-note{{the result is dereferenced here without a null check}}
  }
  // expected-note@-4{{the weak reference is tested here}}

  if (!w.expired()) // expected-note{{tested here}}
    w.lock()->draw(); // expected-warning{{'w.lock()' relies on the earlier 'w.expired()' test}}

  if (w.expired()) // expected-note{{tested here}}
    return;
  std::shared_ptr<Widget> q = w.lock(); // expected-warning{{relies on the earlier 'w.expired()' test}}
  q->draw(); // expected-note{{dereferenced here}}
}

void owner_from_weak(std::weak_ptr<Widget> w) {
  if (!w.expired()) { // expected-note{{tested here}}
    std::shared_ptr<Widget> p(w); // expected-warning{{constructing a strong owner from 'w' relies on the earlier 'w.expired()' test, but another thread can drop the last owner in between and it then throws; lock once and test the result instead}}
    p->draw();
  }
}

void shapes(std::weak_ptr<Widget> w, std::weak_ptr<Widget> *wp, bool flag) {
  if (flag && !w.expired()) // expected-note{{tested here}}
    (*w.lock()).draw(); // expected-warning{{'w.lock()' relies on}}
  if (w.expired() || flag) { // expected-note{{tested here}}
    std::puts("gone");
    return;
  }
  w.lock().get()->draw(); // expected-warning{{'w.lock()' relies on}}
  int n = !w.expired() ? w.lock()->size() : 0; // expected-warning{{'w.lock()' relies on}} expected-note{{tested here}}
  bool big = !w.expired() && w.lock()->size() > 10; // expected-warning{{'w.lock()' relies on}} expected-note{{tested here}}
  if (w.expired()) { // expected-note{{tested here}}
    std::puts("gone");
  } else {
    w.lock()->draw(); // expected-warning{{'w.lock()' relies on}}
  }
  if (!wp->expired()) // expected-note{{tested here}}
    wp->lock()->draw(); // expected-warning{{'wp->lock()' relies on}}
  while (!w.expired()) // expected-note{{tested here}}
    w.lock()->draw(); // expected-warning{{relies on}}
  if (w.expired()) // expected-note{{tested here}}
    throw std::runtime_error("gone");
  w.lock()->draw(); // expected-warning{{relies on}}
  if (w.expired()) // expected-note{{tested here}}
    fail("gone");
  auto r = w.lock(); // expected-warning{{relies on}}
  r->draw(); // expected-note{{dereferenced here}}
  if (r) // tested only after the dereference: still reported
    r->draw();
  (void)n; (void)big;
}

struct Session {
  std::weak_ptr<Widget> view_;
  void refresh() {
    if (!view_.expired()) { // expected-note{{tested here}}
      auto v = view_.lock(); // expected-warning{{'view_.lock()' relies on the earlier 'view_.expired()' test}}
      v->draw(); // expected-note{{dereferenced here}}
    }
  }
};

// ---------------------------------------------------------------------------
// Negatives.

void negatives(std::weak_ptr<Widget> w) {
  // The recommended shape.
  if (auto p = w.lock())
    p->draw();
  // The lock result is checked anyway: racy premise, harmless program.
  if (w.expired())
    return;
  auto p = w.lock();
  if (p)
    p->draw();
}

void checked_anyway(std::weak_ptr<Widget> w) {
  if (!w.expired()) {
    auto q = w.lock();
    if (!q)
      return;
    q->draw();
  }
  if (!w.expired()) {
    std::shared_ptr<Widget> q = w.lock();
    assert(q);
    q->draw();
  }
  if (!w.expired()) {
    auto q = w.lock();
    if (q != nullptr)
      q->draw();
  }
  if (!w.expired())
    if (auto q = w.lock())
      q->draw();
}

void other_idioms(std::weak_ptr<Widget> w, std::weak_ptr<Widget> other,
                  std::vector<std::weak_ptr<Widget>> &observers) {
  // Passed on: the callee decides.
  if (!w.expired())
    use(w.lock());
  // expired() only for cleanup (std::erase_if of dead observers).
  std::erase_if(observers, [](const std::weak_ptr<Widget> &o) { return o.expired(); });
  observers.erase(std::remove_if(observers.begin(), observers.end(),
                                 [](auto &o) { return o.expired(); }),
                  observers.end());
  // A different weak pointer.
  if (!other.expired())
    if (auto q = w.lock())
      q->draw();
  if (!other.expired())
    w.lock()->draw();
  // The test does not guard the lock: it says the referent is dead.
  if (w.expired())
    w.lock();
}

void reassigned(std::weak_ptr<Widget> w, std::weak_ptr<Widget> other,
                std::vector<std::weak_ptr<Widget>> &observers) {
  // Reassigned in between: a new referent, not the one tested.
  if (w.expired())
    return;
  w = other;
  w.lock()->draw();
  // A lambda runs later, not under the test.
  if (!w.expired()) {
    auto later = [w] { w.lock()->draw(); };
    later();
  }
  // Only counted: expired() used as a statistic, lock() elsewhere.
  int dead = 0;
  for (auto &o : observers)
    if (o.expired())
      ++dead;
  (void)dead;
}
