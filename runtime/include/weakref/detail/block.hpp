// weakref/detail/block.hpp - the per-object weak block and callback nodes
// (internal).
//
// Layout
//   An object that derives from enable_weakref<T> holds an atomic pointer to
//   a weak_block, created lazily (lock-free CAS) by the first weak reference.
//   The block holds a std::weak_ptr<const void> to the object (every upgrade goes
//   through std::weak_ptr::lock, so it is atomic), the hash cache of the
//   shared callback-less record, and an intrusive list (newest first) of
//   callback nodes: refs with callbacks, finalizers, weak-container entries.
//
// Lifetime
//   A block is reference-counted: the object holds one count until it dies,
//   every callback-less ref handle one, every callback node one.
//   A node is reference-counted by its handles (and, while it fires, by the
//   dispatcher). When its count drops to zero it unlinks itself from the
//   block's list under the block's lock, so a ref destroyed before its
//   referent never fires (CB4).
//
// Death
//   ~weakref_base runs after the last std::shared_ptr owner is gone (the use
//   count is already zero, so every ref already locks to null: CB3). Under
//   the block's lock it marks the block dead, pins every node that still has
//   a handle and detaches the list: the set of callbacks is now fixed (CB5).
//   It then releases the lock and fires the pinned nodes on the current
//   thread (CB8): first the weak-container removals (so no callback sees the
//   dead element in a container), then the user callbacks and finalizers,
//   newest first (CB2). No lock is held while user code runs, so
//   callbacks may create refs, drop objects and use containers (CB7).
#pragma once

#include <atomic>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "weakref/detail/mutex.hpp"

namespace weakref {

namespace detail {

struct weak_block;

/// A weak-reference record: what Python calls the weakref object. Carries the
/// reference count of its handles and the cached hash (R5).
struct record {
  explicit record(std::uint32_t initial, weak_block* b) noexcept : refs(initial), blk(b) {}
  record(const record&) = delete;
  record& operator=(const record&) = delete;

  void acquire() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  /// Acquire unless the count already reached zero (the record is going away).
  bool try_acquire() noexcept {
    std::uint32_t c = refs.load(std::memory_order_relaxed);
    while (c != 0) {
      if (refs.compare_exchange_weak(c, c + 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
    }
    return false;
  }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) last_release();
  }

  bool cached_hash(std::size_t& out) const noexcept {
    if (hash_state.load(std::memory_order_acquire) != 2) return false;
    out = hash_value;
    return true;
  }
  /// Store `h` as the hash unless another thread got there first; return the
  /// stored hash either way.
  std::size_t store_hash(std::size_t h) noexcept {
    std::uint8_t expected = 0;
    if (hash_state.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
      hash_value = h;
      hash_state.store(2, std::memory_order_release);
      return h;
    }
    while (hash_state.load(std::memory_order_acquire) != 2) std::this_thread::yield();
    return hash_value;
  }

  std::atomic<std::uint32_t> refs;
  std::atomic<std::uint8_t> hash_state{0};  // 0 none, 1 being written, 2 ready
  std::size_t hash_value = 0;
  weak_block* const blk;
  bool is_node = false;  // a cb_node (a record with a death callback)

 protected:
  virtual ~record() = default;
  virtual void last_release() noexcept = 0;
};

struct cb_node;

struct weak_block final : record {
  explicit weak_block(std::weak_ptr<const void> w) noexcept : record(1, this), wp(std::move(w)) {}
  ~weak_block() override = default;

  std::weak_ptr<const void> wp;  // written once before the block is published
  mutex mu;
  cb_node* head = nullptr;  // newest first; guarded by mu
  record* proxy_rec = nullptr;  // the shared callback-less proxy record; guarded by mu
  bool dead = false;        // guarded by mu

 protected:
  // A node or proxy record drops its block count under `mu` and unlocks
  // afterwards; when that was not the last count, the last one can be dropped
  // here, on another thread, while that thread is still inside unlock().
  // Taking `mu` once waits for it to leave before the mutex is freed.
  void last_release() noexcept override {
    { std::lock_guard<mutex> g(mu); }
    delete this;
  }
};

/// A record with a death callback. Subclasses implement fire().
struct cb_node : record {
  /// `initial`: handle count (1 for a ref, 2 for a self-owning finalizer).
  cb_node(weak_block* b, std::uint32_t initial) noexcept : record(initial, b) { is_node = true; }

  /// Called exactly once by the dispatcher with a pin held; never throws.
  virtual void fire() noexcept = 0;

  /// Weak-container entries return true: their removal runs before any user
  /// callback of the dying object, so that no callback sees the dead element
  /// in a container (not even in size()).
  virtual bool internal() const noexcept { return false; }

  /// The type of the stored callback while it has not run (typeid(void)
  /// otherwise, and for nodes that are not ref callbacks).
  virtual const std::type_info& callback_type() const noexcept { return typeid(void); }

  /// Put this node at the head of its block's list (newest first). The caller
  /// holds a strong owner of the referent, so the block is not dead yet.
  /// Every node is linked right after construction; last_release relies on it.
  void link() noexcept {
    blk->acquire();
    std::lock_guard<mutex> g(blk->mu);
    assert(!blk->dead && "a weak reference can only be made from a live strong owner");
    next = blk->head;
    if (next) next->prev = this;
    blk->head = this;
    linked = true;
  }

  cb_node* prev = nullptr;  // guarded by blk->mu
  cb_node* next = nullptr;  // guarded by blk->mu
  cb_node* fire_next = nullptr;  // dispatcher's private chain
  bool linked = false;      // guarded by blk->mu

 protected:
  ~cb_node() override = default;
  void last_release() noexcept override {
    weak_block* b = blk;
    bool last_block_count;
    {
      std::lock_guard<mutex> g(b->mu);
      if (linked) {
        if (prev) prev->next = next; else b->head = next;
        if (next) next->prev = prev;
        linked = false;
      }
      // The count taken by link(), dropped under the lock together with the
      // unlinking, so that weak_count() (block count minus linked nodes) is
      // exact under the lock.
      last_block_count = b->refs.fetch_sub(1, std::memory_order_acq_rel) == 1;
    }
    delete this;
    if (last_block_count) delete b;
  }
};

/// The record shared by the callback-less proxies of one object (CPython
/// keeps one basic proxy beside the basic ref). Holds one count on the
/// block; unregisters itself when its last handle goes.
struct proxy_record final : record {
  explicit proxy_record(weak_block* b) noexcept : record(1, b) {}

 protected:
  ~proxy_record() override = default;
  void last_release() noexcept override {
    weak_block* b = blk;
    bool last_block_count;
    {
      std::lock_guard<mutex> g(b->mu);
      if (b->proxy_rec == this) b->proxy_rec = nullptr;
      last_block_count = b->refs.fetch_sub(1, std::memory_order_acq_rel) == 1;
    }
    delete this;
    if (last_block_count) delete b;
  }
};

/// A new handle (count taken) to the object's shared proxy record, created
/// if needed. The caller holds a strong owner, so the block is alive.
inline record* acquire_proxy_record(weak_block* b) {
  std::lock_guard<mutex> g(b->mu);
  // A record whose count reached zero is being destroyed: it waits for this
  // lock to unregister, so it is still valid memory here.
  if (b->proxy_rec && b->proxy_rec->try_acquire()) return b->proxy_rec;
  auto* r = new proxy_record(b);
  b->acquire();
  b->proxy_rec = r;
  return r;
}

/// Run at the referent's death. See the header comment.
inline void dispatch(weak_block* b) noexcept {
  cb_node* chain = nullptr;
  cb_node** tail = &chain;
  {
    std::lock_guard<mutex> g(b->mu);
    b->dead = true;
    for (cb_node* n = b->head; n;) {
      cb_node* nx = n->next;
      n->linked = false;
      n->prev = n->next = nullptr;
      if (n->try_acquire()) {  // a node whose count hit zero is being destroyed: CB4
        *tail = n;
        tail = &n->fire_next;
      }
      n = nx;
    }
    b->head = nullptr;
  }
  for (cb_node* n = chain; n; n = n->fire_next)
    if (n->internal()) n->fire();  // container removals first
  while (chain) {
    cb_node* n = chain;
    chain = n->fire_next;
    n->fire_next = nullptr;
    if (!n->internal()) n->fire();  // user callbacks and finalizers, newest first
    n->release();
  }
}

}  // namespace detail

namespace detail {
struct access;
}

/// Non-template base of every enable_weakref<T>: holds the weak block.
class weakref_base {
 protected:
  weakref_base() noexcept = default;
  // Copying an object does not copy its weak references.
  weakref_base(const weakref_base&) noexcept {}
  weakref_base& operator=(const weakref_base&) noexcept { return *this; }
  ~weakref_base() {
    if (detail::weak_block* b = block_.load(std::memory_order_acquire)) {
      detail::dispatch(b);
      b->release();
    }
  }

 private:
  friend struct detail::access;
  mutable std::atomic<detail::weak_block*> block_{nullptr};
};

namespace detail {

struct access {
  static weak_block* block_of(const weakref_base* base) noexcept {
    return base->block_.load(std::memory_order_acquire);
  }
  /// The block of the object `sp` points to, created on first use.
  template <class U>
  static weak_block* block_for(const weakref_base* base, const std::shared_ptr<U>& sp) {
    weak_block* b = base->block_.load(std::memory_order_acquire);
    if (b) return b;
    auto* fresh = new weak_block(std::weak_ptr<const void>(sp));  // one atomic increment
    if (base->block_.compare_exchange_strong(b, fresh, std::memory_order_acq_rel, std::memory_order_acquire))
      return fresh;
    delete fresh;
    return b;
  }
};

template <class T>
concept weakly_referenceable = std::is_convertible_v<std::remove_cv_t<T>*, const weakref_base*>;

template <class T>
concept has_std_hash = requires(const T& t) {
  { std::hash<T>{}(t) } -> std::convertible_to<std::size_t>;
};

/// Containers compare by value when T has both std::hash and operator==,
/// by identity otherwise.
template <class T>
concept value_keyed = has_std_hash<T> && std::equality_comparable<T>;

template <class T>
std::size_t referent_hash(const T& obj) {
  if constexpr (has_std_hash<T>) return std::hash<T>{}(obj);
  else return std::hash<const void*>{}(static_cast<const void*>(std::addressof(obj)));
}

template <class T>
bool referent_equal(const T& a, const T& b) {
  if constexpr (std::equality_comparable<T>) return static_cast<bool>(a == b);
  else return std::addressof(a) == std::addressof(b);
}

/// Owners taken while comparing candidates under a container lock; released
/// by the caller after unlocking. Identity-keyed lookups take none.
struct no_pins {
  template <class P>
  void push_back(P&&) noexcept {}
};
template <class T>
using pins_for = std::conditional_t<value_keyed<T>, std::vector<std::shared_ptr<T>>, no_pins>;

/// Under b->mu: which weak-reference records of the object exist (Python's
/// getweakrefcount is their sum). The block's count is one for the live
/// object, one per linked node, one for the proxy record and one per
/// callback-less ref handle; nodes and the proxy record drop theirs under
/// the lock, so the difference is exact here.
struct weak_census {
  bool plain = false;  // the shared callback-less ref record has a handle
  bool proxy = false;  // the shared callback-less proxy record has a handle
  std::size_t nodes = 0;
  std::size_t total() const noexcept { return (plain ? 1 : 0) + (proxy ? 1 : 0) + nodes; }
};
inline weak_census census_locked(const weak_block* b) noexcept {
  weak_census c;
  for (const cb_node* n = b->head; n; n = n->next) ++c.nodes;
  const std::size_t total = b->refs.load(std::memory_order_acquire);
  const std::size_t others = (b->dead ? 0 : 1) + c.nodes + (b->proxy_rec ? 1 : 0);
  c.plain = total > others;
  c.proxy = b->proxy_rec && b->proxy_rec->refs.load(std::memory_order_acquire) > 0;
  return c;
}

/// Upgrade through a block: an owner sharing the referent's control block,
/// pointing at `p`; null if the referent is dead.
template <class T>
std::shared_ptr<T> upgrade(const weak_block* b, T* p) noexcept {
  std::shared_ptr<const void> s = b->wp.lock();
  if (!s) return {};
  return std::shared_ptr<T>(std::move(s), p);
}

}  // namespace detail
}  // namespace weakref
