// weakref-unchecked-lock on the weakref runtime: ref::lock() and ref::operator()
// (Python: "callers must check the result against None").
#include <weakref/weakref.hpp>

struct Node : weakref::enable_weakref<Node> {
  void visit();
  int depth = 0;
};

void positives(const weakref::ref<Node> &r) {
  r()->visit(); // expected-warning{{the result of lock() may be null}}
  auto n = r.lock();
  n->depth = 1; // expected-warning{{'n' may be null}}
}

void negatives(const weakref::ref<Node> &r) {
  if (auto n = r())
    n->visit();
  if (auto n = r.lock(); n != nullptr)
    n->visit();
  auto n = r();
  if (!n)
    return;
  n->depth += 1;
}
