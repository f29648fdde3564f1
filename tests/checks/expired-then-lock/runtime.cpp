// weakref-expired-then-lock on the weakref runtime: ref::expired() then
// lock() or r(), proxy::alive() then pin() or ->; and boost::weak_ptr.
#include <weakref/weakref.hpp>
#include <boost/smart_ptr.hpp>
#include <memory>

struct Node : weakref::enable_weakref<Node> {
  void visit();
};

void positives(const weakref::ref<Node> &r, const weakref::proxy<Node> &px) {
  if (!r.expired()) // expected-note{{the weak reference is tested here}}
    r.lock()->visit(); // expected-warning{{'r.lock()' relies on the earlier 'r.expired()' test, but another thread can drop the last owner in between and the result is then null}}
  if (!r.expired()) { // expected-note{{tested here}}
    auto p = r(); // expected-warning{{'r()' relies on the earlier 'r.expired()' test}}
    p->visit(); // expected-note{{dereferenced here}}
  }
  if (px.alive()) { // expected-note{{tested here}}
    auto p = px.pin(); // expected-warning{{'px.pin()' relies on the earlier 'px.alive()' test, but another thread can drop the last owner in between and it then throws; lock once and test the result instead}}
    p->visit();
  }
  if (!px.alive()) // expected-note{{tested here}}
    return;
  px->visit(); // expected-warning{{'px->visit()' relies on the earlier 'px.alive()' test}}
}

void boost_positive(boost::weak_ptr<Node> w) {
  if (!w.expired()) // expected-note{{tested here}}
    w.lock()->visit(); // expected-warning{{'w.lock()' relies on the earlier 'w.expired()' test}}
}

// ---------------------------------------------------------------------------
// Negatives.

void negatives(const weakref::ref<Node> &r, const weakref::proxy<Node> &px,
               boost::weak_ptr<Node> w) {
  if (auto p = r())
    p->visit();
  if (!r.expired())
    if (auto p = r.lock())
      p->visit();
  // Pinned for the call: the proxy's own check, no earlier test.
  px->visit();
  if (px.alive())
    std::puts("still there");
  if (!w.expired()) {
    auto p = w.lock();
    if (p)
      p->visit();
  }
}
