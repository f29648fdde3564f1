// weakref/weak_method.hpp - weakref::weak_method<T, M>, Python's WeakMethod.
//
//   weakref::weak_method wm(obj, &Foo::on_event);   // T = Foo, M = void (Foo::*)(int)
//   wm(42);          // calls obj->on_event(42) if alive: returns
//                    //   std::optional<R> (bool for void R): empty/false if dead
//   wm.call(42);     // same, but throws weakref::reference_error if dead
//
// A bound member function (object + method) that does not keep the object
// alive: it dies with the object (Python's WeakMethod exists because
// ref(obj.method) would die at once; in C++ the member pointer is stored
// directly).
//
// Expiry: dead once the object's last owner goes; lock() returns null then.
// Callbacks: none (use ref<T> for a death callback).
// Equality: as Python's WeakMethod: both alive - same object and same method;
// otherwise same record only.
// Iterator invalidation: not applicable.
// Thread-safety: as ref<T>; the object is pinned for the duration of a call.
// Exception guarantees: construction as ref<T>; operator() never throws on
// a dead object; call() throws reference_error; both propagate what the
// method throws.
#pragma once

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

 public:
  template <class U>
    requires std::is_convertible_v<U*, T*>
  weak_method(const std::shared_ptr<U>& sp, M fn) : ref_(sp), method_(fn) {}

  std::shared_ptr<T> lock() const noexcept { return ref_.lock(); }
  bool expired() const noexcept { return ref_.expired(); }
  M method() const noexcept { return method_; }

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

  friend bool operator==(const weak_method& a, const weak_method& b) {
    if (a.ref_.id() == b.ref_.id() && a.method_ == b.method_) return true;
    auto pa = a.ref_.lock();
    auto pb = b.ref_.lock();
    return pa && pb && pa.get() == pb.get() && a.method_ == b.method_;
  }

 private:
  ref<T> ref_;
  M method_;
};

template <class U, class M>
weak_method(std::shared_ptr<U>, M) -> weak_method<U, M>;

}  // namespace weakref
