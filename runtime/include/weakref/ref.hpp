// weakref/ref.hpp - weakref::ref<T>, Python's weakref.ref.
//
//   auto obj = std::make_shared<Foo>();           // Foo : enable_weakref<Foo>
//   weakref::ref<Foo> r(obj);                      // no callback
//   weakref::ref<Foo> w(obj, [](weakref::ref<Foo>& dead) { ... });
//   if (auto p = r()) p->use();                    // r() == r.lock()
//
// Expiry: a ref is dead from the moment the referent's last std::shared_ptr
// owner is gone; r()/lock() then return null forever. expired() is only a
// hint (another thread may drop the last owner right after it returns
// false); use `if (auto p = r())`. Upgrading is atomic (R6): there is no API
// returning a raw pointer to a possibly dead referent.
//
// Records (R3): callback-less refs to one object share one record (like
// CPython reuses the basic ref); a ref with a callback is its own record.
// Copies of a ref are handles to the same record. id() exposes the record.
//
// Callback order: when the referent dies, the callbacks of all refs that
// still exist run exactly once each, newest first (finalizers are in the
// same order; weak-container removals run before all of them), on the thread that dropped
// the last owner, after every ref to the object is already dead. The set is
// fixed at death: destroying a ref inside another callback does not cancel
// its callback. A ref destroyed before its referent dies never calls its
// callback. A callback receives the (dead) ref: `cb(ref<T>&)`; any other
// arity is a compile-time error. An exception from a callback goes to the
// unraisable hook and the remaining callbacks still run.
//
// Equality (R4): while both referents are alive, refs compare equal when the
// referents do (T's operator==, identity if T has none); when either is
// dead, only refs of the same record are equal. There is no ordering (R7).
//
// Hash (R5): the referent's std::hash (its address if T has none), cached in
// the record the first time it is taken and kept after death; taking it for
// the first time after death throws type_error. std::hash<ref<T>> uses it.
//
// Introspection (Python's getweakrefcount, getweakrefs, __callback__):
// weakref::getweakrefcount(sp), weakref::getweakrefs(sp) (below) and
// r.callback<F>() / r.callback_type(); all are snapshots.
//
// Iterator invalidation: not applicable (a ref has no iterators).
//
// Thread-safety: like std::shared_ptr - const member functions of one ref,
// and any member function of distinct refs (also to the same object), may be
// called concurrently; assigning to one ref object while another thread uses
// that same object needs external synchronization.
//
// Exception guarantees: construction may throw std::bad_alloc (or what
// copying the callback throws) with no effect, and type_error for a null
// owner; lock(), expired(), copy, move and destruction never throw; hash()
// throws type_error as above; operator== may throw what T's operator== throws.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "weakref/detail/block.hpp"
#include "weakref/enable_weakref.hpp"
#include "weakref/exceptions.hpp"
#include "weakref/unraisable.hpp"

namespace weakref {

template <class T>
class ref;
template <class T, class M>
class weak_method;
template <class T>
class proxy;

namespace detail {
struct adopt_record_t {
  explicit adopt_record_t() = default;
};
inline constexpr adopt_record_t adopt_record{};

template <class T, class F>
struct ref_cb_node final : cb_node {
  template <class G>
  ref_cb_node(weak_block* b, G&& g, const void* addr) : cb_node(b, 1), cb(std::forward<G>(g)), address(addr) {}
  void fire() noexcept override;
  const std::type_info& callback_type() const noexcept override {
    std::lock_guard<mutex> g(cb_mu);
    return fired ? typeid(void) : typeid(F);
  }
  /// A copy of the callback while it has not started to run.
  std::optional<F> copy_callback() const {
    std::lock_guard<mutex> g(cb_mu);
    if (fired) return std::nullopt;
    return cb;
  }
  std::optional<F> cb;     // read under cb_mu until `fired`; then only by fire()
  mutable mutex cb_mu;
  bool fired = false;      // guarded by cb_mu
  const void* address;
};

}  // namespace detail

template <class T>
class ref {
  template <class U>
  static constexpr bool compatible = std::is_convertible_v<U*, T*>;

 public:
  using element_type = T;

  /// A dead ref with no record (what a moved-from ref becomes).
  constexpr ref() noexcept = default;

  /// weakref.ref(obj). Throws type_error if `sp` is null.
  template <class U>
    requires compatible<U>
  explicit ref(const std::shared_ptr<U>& sp) {
    static_assert(detail::weakly_referenceable<T>,
                  "cannot create weak reference to this type: T must derive publicly from "
                  "weakref::enable_weakref<T> (Python: cannot create weak reference to 'X' object)");
    if constexpr (detail::weakly_referenceable<T>) {
      if (!sp) throw type_error("cannot create weak reference to a null shared_ptr");
      T* p = sp.get();
      detail::weak_block* b = detail::access::block_for(p, sp);
      b->acquire();
      rec_ = b;
      ptr_ = p;
    }
  }

  /// weakref.ref(obj, None).
  template <class U>
    requires compatible<U>
  ref(const std::shared_ptr<U>& sp, std::nullptr_t) : ref(sp) {}

  /// weakref.ref(obj, callback): `cb(ref<T>&)` runs once when obj dies,
  /// unless every handle of this ref is gone by then.
  template <class U, class F>
    requires compatible<U> && (!std::is_same_v<std::remove_cvref_t<F>, std::nullptr_t>)
  ref(const std::shared_ptr<U>& sp, F&& cb) {
    static_assert(detail::weakly_referenceable<T>,
                  "cannot create weak reference to this type: T must derive publicly from "
                  "weakref::enable_weakref<T> (Python: cannot create weak reference to 'X' object)");
    static_assert(std::is_invocable_v<std::decay_t<F>&, ref<T>&>,
                  "weakref::ref callback has the wrong arity: it is called with exactly one argument, "
                  "the dead weakref::ref<T>& (write [](weakref::ref<T>& r) { ... })");
    if constexpr (detail::weakly_referenceable<T> && std::is_invocable_v<std::decay_t<F>&, ref<T>&>) {
      if (!sp) throw type_error("cannot create weak reference to a null shared_ptr");
      T* p = sp.get();
      detail::weak_block* b = detail::access::block_for(p, sp);
      auto* n = new detail::ref_cb_node<T, std::decay_t<F>>(b, std::forward<F>(cb), static_cast<const void*>(p));
      n->link();
      rec_ = n;
      ptr_ = p;
    }
  }

  ref(const ref& o) noexcept : rec_(o.rec_), ptr_(o.ptr_) {
    if (rec_) rec_->acquire();
  }
  ref(ref&& o) noexcept : rec_(std::exchange(o.rec_, nullptr)), ptr_(std::exchange(o.ptr_, nullptr)) {}
  ref& operator=(const ref& o) noexcept {
    ref(o).swap(*this);
    return *this;
  }
  ref& operator=(ref&& o) noexcept {
    ref(std::move(o)).swap(*this);
    return *this;
  }
  ~ref() {
    if (rec_) rec_->release();
  }
  void swap(ref& o) noexcept {
    std::swap(rec_, o.rec_);
    std::swap(ptr_, o.ptr_);
  }

  /// A strong owner of the referent, or null once it is dead. Atomic.
  std::shared_ptr<T> lock() const noexcept {
    if (!rec_) return {};
    return detail::upgrade(rec_->blk, ptr_);
  }
  std::shared_ptr<T> operator()() const noexcept { return lock(); }

  /// A hint: true once the referent is dead. Use lock() to act on it.
  bool expired() const noexcept { return !rec_ || rec_->blk->wp.expired(); }

  /// True if this ref has its own record with a callback.
  bool has_callback() const noexcept { return rec_ && rec_->is_node; }

  /// Identity of the record (Python: id(r)); null for a default ref.
  const void* id() const noexcept { return rec_; }

  /// Python's `r.__callback__`: a copy of the callback while it has not
  /// started to run, if this ref has one of exactly type F (the decayed type
  /// it was constructed with); std::nullopt for a callback-less ref, another
  /// type, or once the referent has died (CPython clears __callback__ before
  /// calling it). The callback cannot be replaced (Python: AttributeError).
  template <class F>
    requires std::copy_constructible<F>
  std::optional<F> callback() const {
    if (!has_callback()) return std::nullopt;
    auto* n = dynamic_cast<const detail::ref_cb_node<T, F>*>(static_cast<const detail::cb_node*>(rec_));
    if (!n) return std::nullopt;
    return n->copy_callback();
  }
  /// The type of the pending callback: typeid(void) when there is none (no
  /// callback, or it already ran), else the decayed callable type.
  const std::type_info& callback_type() const noexcept {
    if (!has_callback()) return typeid(void);
    return static_cast<const detail::cb_node*>(rec_)->callback_type();
  }

  /// R5: the referent's hash, cached at first use; type_error if first taken
  /// after death.
  std::size_t hash() const {
    static_assert(detail::has_std_hash<T> || !std::equality_comparable<T>,
                  "weakref::ref<T> is not hashable: T has operator== but no std::hash<T>, so equal refs "
                  "would hash differently (Python: TypeError: unhashable type); specialize std::hash<T> "
                  "consistently with operator==, or hash the ref's id() instead");
    std::size_t h;
    if (rec_ && rec_->cached_hash(h)) return h;
    std::shared_ptr<T> sp = lock();
    if (!sp) throw type_error("weak object has gone away");
    return rec_->store_hash(detail::referent_hash<T>(*sp));
  }

  /// R4.
  /// (Like CPython, refs of one record to a live referent still compare the
  /// referent with itself, so an operator== that is not reflexive shows.)
  friend bool operator==(const ref& a, const ref& b) {
    std::shared_ptr<T> pa = a.lock();
    std::shared_ptr<T> pb = b.lock();
    if (pa && pb) return detail::referent_equal<T>(*pa, *pb);
    return a.rec_ == b.rec_;
  }
  // R7: deliberately no operator< / operator<=>.

 private:
  template <class, class>
  friend struct detail::ref_cb_node;
  // Adopt a new handle to a callback record (used to pass the dead ref to its callback).
  explicit ref(detail::record* r) noexcept : rec_(r), ptr_(nullptr) { rec_->acquire(); }
  template <class U>
  friend std::vector<ref<U>> getweakrefs(const std::shared_ptr<U>&);
  template <class>
  friend class proxy;
  // Take over a count already acquired on `r`.
  ref(detail::adopt_record_t, detail::record* r, T* p) noexcept : rec_(r), ptr_(p) {}

  detail::record* rec_ = nullptr;
  T* ptr_ = nullptr;
};

namespace detail {
template <class T, class F>
void ref_cb_node<T, F>::fire() noexcept {
  {
    // Like CPython, the callback attribute reads as None from here on (also
    // inside the callback itself).
    std::lock_guard<mutex> g(cb_mu);
    fired = true;
  }
  {
    ref<T> self(static_cast<record*>(this));
    try {
      std::invoke(*cb, self);
    } catch (...) {
      report_unraisable(std::current_exception(), "ref", typeid(T), address);
    }
  }
  cb.reset();  // release what the callback captured, like CPython clears it
}
}  // namespace detail

/// How many death callbacks are registered on the object (refs with
/// callbacks, proxies with callbacks, weak methods, live finalizers,
/// weak-container entries): getweakrefcount() without the shared
/// callback-less record. A snapshot.
template <class U>
std::size_t callback_count(const std::shared_ptr<U>& sp) {
  static_assert(detail::weakly_referenceable<U>, "callback_count: U must derive from weakref::enable_weakref<U>");
  if (!sp) return 0;
  detail::weak_block* b = detail::access::block_of(sp.get());
  if (!b) return 0;
  std::lock_guard<detail::mutex> g(b->mu);
  std::size_t n = 0;
  for (detail::cb_node* c = b->head; c; c = c->next) ++n;
  return n;
}

/// Python's weakref.getweakrefcount(obj): the number of weak-reference
/// records to the object - one for all callback-less refs (they share one
/// record), one for all callback-less proxies (likewise, like CPython's
/// basic ref and basic proxy), plus one per ref or proxy with a callback, weak
/// method, live finalizer and weak-container entry. 0 for a null owner or an
/// object never weakly referenced. A snapshot (other threads may change it).
template <class U>
std::size_t getweakrefcount(const std::shared_ptr<U>& sp) {
  static_assert(detail::weakly_referenceable<U>,
                "getweakrefcount: U must derive from weakref::enable_weakref<U> (a type without it has no weak "
                "references; Python returns 0)");
  if (!sp) return 0;
  detail::weak_block* b = detail::access::block_of(sp.get());
  if (!b) return 0;
  std::lock_guard<detail::mutex> g(b->mu);
  return detail::census_locked(b).total();
}

/// Python's weakref.getweakrefs(obj): handles to the object's weak-reference
/// records, in CPython's order - the shared callback-less ref record first
/// (if any handle to it exists), then the shared callback-less proxy record
/// (likewise), then the records with callbacks newest first
/// (refs, proxies, weak methods, finalizers). Weak-container entries are
/// counted by getweakrefcount() but not returned: their records belong to
/// the container. Each element is a ref<U> sharing the record (r.id() is the
/// record's identity, equal to the id() of the ref it came from); holding it
/// keeps that record, not the object, alive - in particular a ref with a
/// callback found this way still calls back.
template <class U>
std::vector<ref<U>> getweakrefs(const std::shared_ptr<U>& sp) {
  static_assert(detail::weakly_referenceable<U>, "getweakrefs: U must derive from weakref::enable_weakref<U>");
  std::vector<ref<U>> out;
  if (!sp) return out;
  detail::weak_block* b = detail::access::block_of(sp.get());
  if (!b) return out;
  std::vector<detail::record*> recs;
  {
    std::lock_guard<detail::mutex> g(b->mu);
    if (detail::census_locked(b).plain) {
      b->acquire();
      recs.push_back(b);
    }
    if (b->proxy_rec && b->proxy_rec->try_acquire()) recs.push_back(b->proxy_rec);
    for (detail::cb_node* c = b->head; c; c = c->next)
      if (!c->internal() && c->try_acquire()) recs.push_back(c);
  }
  out.reserve(recs.size());
  for (detail::record* r : recs) out.push_back(ref<U>(detail::adopt_record, r, sp.get()));
  return out;
}

}  // namespace weakref

template <class T>
struct std::hash<weakref::ref<T>> {
  std::size_t operator()(const weakref::ref<T>& r) const { return r.hash(); }
};
