// weakref-unchecked-lock when the dereference happens in a callee: a helper
// that receives the lock() result and dereferences it without a null check
// (checks/summaries/, through call chains), reported at the call with a
// note at the dereference naming the chain.
#include <memory>

struct Session {
  void send(int);
  int id = 0;
};

void notify(const std::shared_ptr<Session> &s, int v) {
  s->send(v); // expected-note{{dereferenced here}}
  // expected-note@-1{{dereferenced here, through 'notify'}}
}
void notify_twice(std::shared_ptr<Session> s) { notify(s, 1); }
int id_of(Session *s) { return s->id; } // expected-note{{dereferenced here}}
void checked_notify(const std::shared_ptr<Session> &s) {
  if (s)
    s->send(0);
}
void maybe_notify(const std::shared_ptr<Session> &s, bool flag) {
  if (flag)
    s->send(0); // only on one path: not a summary fact
}

// --- positives ------------------------------------------------------------

void direct(const std::weak_ptr<Session> &w) {
  auto s = w.lock();
  notify(s, 2); // expected-warning{{'s' may be null: it holds a lock() result and is passed to 'notify', which dereferences it}}
  s->send(3);   // not again on this path
}

void through_chain(const std::weak_ptr<Session> &w) {
  notify_twice(w.lock()); // expected-warning{{the result of lock() may be null and is passed to 'notify_twice'}}
}

int raw_pointer(const std::weak_ptr<Session> &w) {
  auto s = w.lock();
  return id_of(s.get()); // expected-warning{{'s' may be null}}
}

// --- negatives ------------------------------------------------------------

void tested_first(const std::weak_ptr<Session> &w) {
  auto s = w.lock();
  if (!s)
    return;
  notify(s, 4);
  notify_twice(s);
}

void callee_checks(const std::weak_ptr<Session> &w, bool flag) {
  auto s = w.lock();
  checked_notify(s);
  maybe_notify(s, flag);
}

void not_from_lock(const std::shared_ptr<Session> &s) { notify(s, 5); }
