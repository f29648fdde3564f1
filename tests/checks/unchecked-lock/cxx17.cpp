// weakref-unchecked-lock in C++17 and C++14, where copies and moves around a
// lock() result are spelt out in the AST.
// weakcheck-args: -std=c++14
#include <memory>
#include <utility>

struct Base {
  virtual ~Base() = default;
  void f();
};
struct Derived : Base {};

void positives(const std::weak_ptr<Derived> &w) {
  std::shared_ptr<Base> b = w.lock(); // converting construction keeps the facts
  b->f(); // expected-warning{{'b' may be null}}
  auto p = w.lock();
  auto q = std::move(p);
  q->f(); // expected-warning{{'q' may be null}}
  auto s = w.lock();
  std::shared_ptr<Derived> r;
  r.swap(s);
  r->f(); // expected-warning{{'r' may be null}}
  auto t = w.lock();
  std::shared_ptr<Derived> u;
  std::swap(u, t);
  u->f(); // expected-warning{{'u' may be null}}
}

void negatives(const std::weak_ptr<Derived> &w) {
  std::shared_ptr<Derived> p;
  if (!(p = w.lock()))
    return;
  p->f();
  auto q = w.lock();
  if (q.get() != nullptr)
    q->f();
  auto r = w.lock();
  if (!r)
    r = std::make_shared<Derived>();
  r->f(); // non-null on both paths
}

void reset_makes_it_null(const std::weak_ptr<Derived> &w) {
  auto p = w.lock();
  if (!p)
    return;
  p.reset();
  // Null for certain, but not a lock() result any more: this is
  // use-after-reset, not this check's business.
  p = nullptr;
}
