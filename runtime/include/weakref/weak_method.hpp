// weakref/weak_method.hpp - weakref::weak_method<T, M>, Python's WeakMethod.
//
//   weakref::weak_method wm(obj, &Foo::on_event);   // T = Foo, M = void (Foo::*)(int)
//   weakref::weak_method wc(obj, &Foo::on_event,    // with a death callback
//                           [](auto& dead_method) { ... });
//   wm(42);          // calls obj->on_event(42) if alive: returns
//                    //   std::optional<R> (bool for void R): empty/false if dead
//   wm.call(42);     // same, but throws weakref::reference_error if dead
//   wm.lock();       // the object (null once dead); wm.method() the pointer
//
// A bound member function (object + method) that does not keep the object
// alive: it dies with the object (Python's WeakMethod exists because
// ref(obj.method) would die at once; in C++ the member pointer is stored
// directly, and a method cannot die before its object).
//
// Records: like CPython's WeakMethod (a ref subclass with a callback), every
// constructed weak_method is a record of its own, never shared with other
// refs; copies of a weak_method are handles to the same record (Python: the
// same WeakMethod object). id() is the record's identity.
//
// Expiry: dead once the object's last owner goes; lock() returns null then.
//
// Callback order: an optional callback `cb(weak_method&)` runs exactly once
// when the object dies, with the dead weak_method, in the same newest-first
// order as ref callbacks (ref.hpp); a weak_method whose every handle is gone
// before the object dies never calls back. Exceptions from it go to the
// unraisable hook.
//
// Equality (Python's WeakMethod.__eq__): while both objects are alive, equal
// when the objects compare equal (T's operator==, identity if T has none) and
// the methods are the same; once either is dead, only handles of the same
// record are equal.
//
// Hash: the object's hash, as for ref<T> (Python: WeakMethod.__hash__ is
// ref.__hash__): cached in the record at first use and kept after death;
// taking it first after death throws type_error; a T with operator== but no
// std::hash<T> is not hashable (compile-time error). std::hash<weak_method>
// uses it.
//
// Iterator invalidation: not applicable.
// Thread-safety: as ref<T>; the object is pinned for the duration of a call.
// Exception guarantees: construction as ref<T> with a callback (may throw
// std::bad_alloc, with no effect); operator() never throws on a dead object;
// call() throws reference_error; both propagate what the method throws.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "weakref/exceptions.hpp"
#include "weakref/ref.hpp"

namespace weakref {

template <class T, class M>
class weak_method {
  static_assert(std::is_member_function_pointer_v<M>,
                "weakref::weak_method<T, M>: M must be a pointer to a member function of T");

  // The record's callback: rebuilds the (dead) weak_method and calls the
  // user's callback with it.
  template <class F>
  struct trampoline {
    M method;
    F user;
    void operator()(ref<T>& dead) {
      weak_method self(dead, method);
      std::invoke(user, self);
    }
  };
  struct no_callback {
    M method;
    void operator()(ref<T>&) const noexcept {}
  };

 public:
  /// WeakMethod(obj.method).
  template <class U>
    requires std::is_convertible_v<U*, T*>
  weak_method(const std::shared_ptr<U>& sp, M fn) : ref_(sp, no_callback{fn}), method_(fn) {}

  /// WeakMethod(obj.method, callback): `cb(weak_method&)` runs once when
  /// the object dies.
  template <class U, class F>
    requires std::is_convertible_v<U*, T*> && (!std::is_same_v<std::remove_cvref_t<F>, std::nullptr_t>)
  weak_method(const std::shared_ptr<U>& sp, M fn, F&& cb)
      : ref_(make_ref(sp, fn, std::forward<F>(cb))), method_(fn) {}

  template <class U>
    requires std::is_convertible_v<U*, T*>
  weak_method(const std::shared_ptr<U>& sp, M fn, std::nullptr_t) : weak_method(sp, fn) {}

  std::shared_ptr<T> lock() const noexcept { return ref_.lock(); }
  bool expired() const noexcept { return ref_.expired(); }
  M method() const noexcept { return method_; }
  /// Identity of the record (Python: id(wm)).
  const void* id() const noexcept { return ref_.id(); }
  /// The underlying weak reference to the object (same record).
  const ref<T>& weak() const noexcept { return ref_; }

  /// Call if alive: std::optional<R> (bool for void), empty/false if dead.
  template <class... A>
    requires std::is_invocable_v<M, T&, A...>
  auto operator()(A&&... a) const {
    using R = std::invoke_result_t<M, T&, A...>;
    std::shared_ptr<T> sp = ref_.lock();
    if constexpr (std::is_void_v<R>) {
      if (!sp) return false;
      std::invoke(method_, *sp, std::forward<A>(a)...);
      return true;
    } else {
      using O = std::optional<std::remove_cvref_t<R>>;
      if (!sp) return O{};
      return O{std::invoke(method_, *sp, std::forward<A>(a)...)};
    }
  }

  /// Call, throwing reference_error if dead.
  template <class... A>
    requires std::is_invocable_v<M, T&, A...>
  decltype(auto) call(A&&... a) const {
    std::shared_ptr<T> sp = ref_.lock();
    if (!sp) throw reference_error("weak_method: the object no longer exists");
    return std::invoke(method_, *sp, std::forward<A>(a)...);
  }

  /// The object's hash (see the header comment).
  std::size_t hash() const { return ref_.hash(); }

  friend bool operator==(const weak_method& a, const weak_method& b) {
    std::shared_ptr<T> pa = a.ref_.lock();
    std::shared_ptr<T> pb = b.ref_.lock();
    if (pa && pb) return detail::referent_equal<T>(*pa, *pb) && a.method_ == b.method_;
    return a.ref_.id() == b.ref_.id();
  }

 private:
  // The dead weak_method handed to a callback.
  weak_method(const ref<T>& r, M fn) noexcept : ref_(r), method_(fn) {}

  template <class U, class F>
  static ref<T> make_ref(const std::shared_ptr<U>& sp, M fn, F&& cb) {
    static_assert(std::is_invocable_v<std::decay_t<F>&, weak_method&>,
                  "weakref::weak_method callback has the wrong arity: it is called with exactly one "
                  "argument, the dead weakref::weak_method& (write [](auto& dead_method) { ... })");
    return ref<T>(sp, trampoline<std::decay_t<F>>{fn, std::forward<F>(cb)});
  }

  ref<T> ref_;
  M method_;
};

template <class U, class M>
weak_method(std::shared_ptr<U>, M) -> weak_method<U, M>;
template <class U, class M, class F>
weak_method(std::shared_ptr<U>, M, F) -> weak_method<U, M>;

}  // namespace weakref

template <class T, class M>
struct std::hash<weakref::weak_method<T, M>> {
  std::size_t operator()(const weakref::weak_method<T, M>& m) const { return m.hash(); }
};
