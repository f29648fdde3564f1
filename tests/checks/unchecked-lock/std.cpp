// weakref-unchecked-lock on std::weak_ptr: positives first, then negatives
// taken from correct real-world idioms (see ../shared/spec/checks.md).
#include <cassert>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

struct Widget {
  void f();
  bool ready() const;
  int value = 0;
};
void use(Widget &);
void consume(Widget *);

// --- positives ------------------------------------------------------------

void arrow_on_temporary(const std::weak_ptr<Widget> &w) {
  w.lock()->f(); // expected-warning{{the result of lock() may be null}}
}

void star_on_temporary(const std::weak_ptr<Widget> &w) {
  use(*w.lock()); // expected-warning{{the result of lock() may be null}}
}

void local_unchecked(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  p->f(); // expected-warning{{'p' may be null: it holds a lock() result and is dereferenced}}
  p->f(); // reported once: after the first dereference the path assumes it
}

void checked_on_one_branch_only(const std::weak_ptr<Widget> &w, bool flag) {
  std::shared_ptr<Widget> p = w.lock();
  if (flag && !p)
    return;
  p->f(); // expected-warning{{'p' may be null}}
}

void get_then_dereference(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  Widget *raw = p.get();
  raw->f(); // expected-warning{{'raw' may be null}}
}

void get_on_temporary_then_arrow(const std::weak_ptr<Widget> &w) {
  w.lock().get()->f(); // expected-warning{{may be null}}
}

void raw_from_temporary_owner(const std::weak_ptr<Widget> &w) {
  Widget *raw = w.lock().get(); // expected-note{{taken from a temporary owner here}}
  if (raw)
    raw->f(); // expected-warning{{'raw' dangles}}
  raw->f();
}

void assigned_later(const std::weak_ptr<Widget> &w) {
  std::shared_ptr<Widget> p;
  p = w.lock();
  p->value = 1; // expected-warning{{'p' may be null}}
}

void after_expired_test(const std::weak_ptr<Widget> &w) {
  if (w.expired())
    return;
  w.lock()->f(); // expected-warning{{may be null}}
}

void in_loop(const std::vector<std::weak_ptr<Widget>> &ws) {
  for (const auto &w : ws) {
    auto p = w.lock();
    p->f(); // expected-warning{{'p' may be null}}
  }
}

void in_lambda(std::weak_ptr<Widget> w) {
  auto cb = [w] {
    auto self = w.lock();
    self->f(); // expected-warning{{'self' may be null}}
  };
  cb();
}

// --- negatives ------------------------------------------------------------

void if_init(const std::weak_ptr<Widget> &w) {
  if (auto p = w.lock())
    p->f();
}

void early_return(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  if (!p)
    return;
  p->f();
  use(*p);
}

void compare_nullptr(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  if (p == nullptr)
    return;
  p->f();
  auto q = w.lock();
  if (nullptr != q)
    q->f();
}

void asserted(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  assert(p);
  p->f();
}

void throws_on_null(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  if (!p)
    throw std::runtime_error("widget gone");
  p->f();
}

void short_circuit(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  if (p && p->ready())
    p->f();
  if (!p || !p->ready())
    return;
  p->f();
}

int conditional(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  return p ? p->value : 0;
}

void loop_with_continue(const std::vector<std::weak_ptr<Widget>> &ws) {
  for (const auto &w : ws) {
    auto p = w.lock();
    if (!p)
      continue;
    p->f();
  }
}

void while_locked(std::weak_ptr<Widget> w) {
  while (auto p = w.lock()) {
    p->f();
    w.reset();
  }
}

void get_checked(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  Widget *raw = p.get();
  if (raw == nullptr)
    return;
  raw->f();
  if (Widget *r2 = p.get())
    r2->f();
}

void printing_and_comparing_get(const std::weak_ptr<Widget> &w,
                                const Widget *known) {
  std::printf("%p\n", static_cast<void *>(w.lock().get()));
  if (w.lock().get() == known)
    return;
  consume(w.lock().get());
}

void owner_from_elsewhere(const std::shared_ptr<Widget> &param) {
  param->f(); // not from lock(): not this check's business
  auto made = std::make_shared<Widget>();
  made->f();
}

void constructed_from_weak(const std::weak_ptr<Widget> &w) {
  std::shared_ptr<Widget> p(w); // throws bad_weak_ptr when expired
  p->f();
}

void reassigned_from_checked(const std::weak_ptr<Widget> &w,
                             std::shared_ptr<Widget> fallback) {
  auto p = w.lock();
  if (!p)
    p = fallback;
  p->f(); // fallback's state is unknown, not a lock() result: silent
}

void lambda_checked(std::weak_ptr<Widget> w) {
  auto cb = [w] {
    auto self = w.lock();
    if (!self)
      return;
    self->f();
  };
  cb();
}

template <typename T> void generic(const std::weak_ptr<T> &w) {
  if (auto p = w.lock())
    p->f();
}
template void generic(const std::weak_ptr<Widget> &);
