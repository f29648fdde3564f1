// weakref-expired-then-lock with the user's own weak handle: is_valid() as
// the liveness test, acquire() as the lock, app::Owner as the owner type.
// weakcheck-config: {CheckOptions: {weakref-expired-then-lock.WeakReferences: '::app::Handle', weakref-expired-then-lock.StrongOwners: '::app::Owner', weakref-expired-then-lock.AliveMethods: 'is_valid', weakref-expired-then-lock.ExpiredMethods: 'is_dead', weakref-expired-then-lock.LockMethods: 'acquire', weakref-expired-then-lock.ThrowingLockMethods: 'acquire_or_throw'}}
#include <memory>

namespace app {
struct Texture {
  void bind();
};
struct Owner {
  Texture *operator->() const;
  explicit operator bool() const;
};
struct Handle {
  bool is_valid() const;
  bool is_dead() const;
  Owner acquire() const;
  Owner acquire_or_throw() const;
};
} // namespace app

void positives(const app::Handle &h) {
  if (h.is_valid()) // expected-note{{the weak reference is tested here}}
    h.acquire()->bind(); // expected-warning{{'h.acquire()' relies on the earlier 'h.is_valid()' test}}
  if (h.is_dead()) // expected-note{{tested here}}
    return;
  auto o = h.acquire_or_throw(); // expected-warning{{'h.acquire_or_throw()' relies on the earlier 'h.is_dead()' test, but another thread can drop the last owner in between and it then throws}}
  o->bind();
}

void negatives(const app::Handle &h, std::weak_ptr<app::Texture> w) {
  if (auto o = h.acquire())
    o->bind();
  // std::weak_ptr is not configured.
  if (!w.expired())
    w.lock()->bind();
}
