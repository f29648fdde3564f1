// weakref-unchecked-lock under comparisons of values the analysis has no
// value for (scoped enums, floating point): they are unknown conditions,
// never "always equal", so the else-branches are analysed.
#include <memory>

struct Widget {
  void f();
};
enum class State { A, B, C };
enum Plain { kIdle, kBusy };

void scoped_enum_else_if(const std::weak_ptr<Widget> &w, State s) {
  if (s == State::A) {
  } else if (s == State::B) {
    auto c = w.lock();
    c->f(); // expected-warning{{'c' may be null}}
  }
}

void scoped_enum_not_equal(const std::weak_ptr<Widget> &w, State s) {
  if (s != State::C)
    return;
  auto c = w.lock();
  c->f(); // expected-warning{{'c' may be null}}
}

void plain_enum(const std::weak_ptr<Widget> &w, Plain s) {
  if (s == kIdle)
    return;
  w.lock()->f(); // expected-warning{{the result of lock() may be null}}
}

void floating(const std::weak_ptr<Widget> &w, double x, double y) {
  if (x == y)
    return;
  w.lock()->f(); // expected-warning{{the result of lock() may be null}}
}

void switch_on_enum(const std::weak_ptr<Widget> &w, State s) {
  switch (s) {
  case State::A:
    return;
  case State::B: {
    auto c = w.lock();
    if (!c)
      return;
    c->f();
    break;
  }
  default: {
    auto c = w.lock();
    c->f(); // expected-warning{{'c' may be null}}
  }
  }
}

// --- negatives ------------------------------------------------------------

void checked_under_enum(const std::weak_ptr<Widget> &w, State s) {
  if (s == State::A) {
  } else if (s == State::B) {
    if (auto c = w.lock())
      c->f();
  }
}

void same_enum_twice(const std::weak_ptr<Widget> &w, State s) {
  auto c = w.lock();
  bool alive = c != nullptr;
  if (s == State::B && !alive)
    return;
  if (s == State::B)
    c->f(); // s == State::B both times: alive was tested
}
