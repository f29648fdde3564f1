// weakref/proxy.hpp - weakref::proxy<T>, Python's weakref.proxy.
//
//   weakref::proxy<Foo> p(obj);
//   p->method();        // obj pinned (a strong owner held) for the call
//   p(args...);         // forwards a call if Foo is callable
//   auto strong = p.pin();
//
// Expiry: dead when the referent's last owner goes. Any use of a dead proxy
// (->, call, pin) throws weakref::reference_error (P2); alive() is a hint.
//
// Pinning (P1): operator-> returns a temporary that holds a std::shared_ptr
// until the end of the full-expression, so the referent cannot die in the
// middle of a forwarded member call, even if another thread drops the last
// owner.
//
// Hashing (P3): proxies are not hashable: std::hash<proxy<T>> is disabled
// and there is no hash() member.
//
// Callbacks: proxy<T>(sp, cb) registers `cb(ref<T>&)` exactly like ref<T>
// (same order and guarantees); the proxy keeps that record alive.
//
// Iterator invalidation: not applicable.
//
// Thread-safety: as for ref<T>.
// Exception guarantees: construction as for ref<T>; forwarded operations
// throw reference_error when dead, else whatever the forwarded operation
// throws.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "weakref/exceptions.hpp"
#include "weakref/ref.hpp"

namespace weakref {

template <class T>
class proxy {
 public:
  /// What operator-> returns: holds the referent for the full-expression.
  class pinned {
   public:
    T* operator->() const noexcept { return owner_.get(); }
    T& operator*() const noexcept { return *owner_; }

   private:
    friend class proxy;
    explicit pinned(std::shared_ptr<T> o) noexcept : owner_(std::move(o)) {}
    std::shared_ptr<T> owner_;
  };

  template <class U>
    requires std::is_convertible_v<U*, T*>
  explicit proxy(const std::shared_ptr<U>& sp) : ref_(sp) {}

  template <class U, class F>
    requires std::is_convertible_v<U*, T*>
  proxy(const std::shared_ptr<U>& sp, F&& cb) : ref_(sp, std::forward<F>(cb)) {}

  /// Forward member access; throws reference_error if dead.
  pinned operator->() const { return pinned(pin()); }

  /// A strong owner; throws reference_error if dead.
  std::shared_ptr<T> pin() const {
    std::shared_ptr<T> sp = ref_.lock();
    if (!sp) throw reference_error("weakly-referenced object no longer exists");
    return sp;
  }

  /// Forward a call: `p(args...)` is `(*obj)(args...)` with obj pinned.
  template <class... A>
    requires std::is_invocable_v<T&, A...>
  decltype(auto) operator()(A&&... a) const {
    std::shared_ptr<T> sp = pin();
    return std::invoke(*sp, std::forward<A>(a)...);
  }

  /// Apply `f(T&)` with the referent pinned.
  template <class F>
  decltype(auto) apply(F&& f) const {
    std::shared_ptr<T> sp = pin();
    return std::invoke(std::forward<F>(f), *sp);
  }

  /// A hint: true while the referent is alive.
  bool alive() const noexcept { return !ref_.expired(); }

  /// The underlying weak reference.
  const ref<T>& weak() const noexcept { return ref_; }

 private:
  ref<T> ref_;
};

}  // namespace weakref

// P3: a proxy is not hashable (the disabled-specialization form).
template <class T>
struct std::hash<weakref::proxy<T>> {
  hash() = delete;
  hash(const hash&) = delete;
  hash& operator=(const hash&) = delete;
};
