// weakref/weak_set.hpp - weakref::weak_set<T>, Python's WeakSet.
//
//   weakref::weak_set<Widget> live;
//   live.insert(w);                     // does not keep w alive
//   for (const std::shared_ptr<Widget>& x : live) ...
//
// Membership: by value when T has both std::hash<T> and operator==, by
// identity (address) otherwise. Inserting an element equal to a present one
// keeps the present one and its place in iteration order (K2).
//
// Expiry (S1): an element disappears when its last std::shared_ptr owner
// goes: contains(), pop(), iteration and the set algebra never show dead
// elements. The removal runs first thing in the element's death, before any
// user callback; only another thread looking at size() in the instant
// between the last owner's release and that removal can count a dead element
// (CPython's len() counts it during all of the callbacks).
//
// Callback order: an element's removal runs when it dies, before any user
// callback or finalizer of that element, so those never see it here.
//
// Iterator invalidation (I1): none. Nothing - insert, erase, clear, deaths,
// reads, other threads - invalidates an iterator. An iterator holds a strong
// owner of the element it points at (it cannot die under you). While any
// iterator exists, removals are deferred: removed elements are skipped but
// their slots are reclaimed when the last iterator is gone. Elements
// inserted during iteration may or may not be visited (they are appended,
// so a live iterator reaches them). An iterator stays usable after the set
// itself is destroyed (it keeps the shared state alive). Iteration order is
// insertion order.
//
// Thread-safety (T1): every member function may be called concurrently from
// several threads on the same set, including iteration and element deaths;
// each set has its own lock (no global lock). Copying an iterator object
// itself, like any value, is not synchronized. T's std::hash and operator==
// run under the set's lock and must not use the same set.
//
// I2: a removal callback holds only a weak_ptr to the set's state; a set
// destroyed before its elements unregisters all its callbacks.
//
// Exception guarantees: insert offers the strong guarantee (std::bad_alloc,
// or what T's hash/== throw); erase, contains, size, pop, clear never throw
// except what T's hash/== throw; copy may throw std::bad_alloc.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <mutex>
#include <vector>

#include "weakref/detail/block.hpp"
#include "weakref/detail/table.hpp"
#include "weakref/enable_weakref.hpp"
#include "weakref/exceptions.hpp"

namespace weakref {

template <class T>
class weak_set {
  struct core;
  struct entry final : detail::table_entry {
    entry(detail::weak_block* b, T* p, std::size_t h, std::weak_ptr<core> o) noexcept
        : table_entry(b, h), ptr(p), owner(std::move(o)) {}
    void fire() noexcept override {
      if (std::shared_ptr<core> c = owner.lock()) c->on_death(this);
    }
    T* const ptr;
    const std::weak_ptr<core> owner;
  };

  struct core : detail::table_core {
    ~core() { destroy_all(); }
    static std::shared_ptr<T> pin(entry* e) noexcept { return detail::upgrade(e->blk, e->ptr); }
    static bool pinned(const std::shared_ptr<T>& p) noexcept { return static_cast<bool>(p); }

    void on_death(entry* e) noexcept {
      detail::graveyard gy;
      std::lock_guard<detail::mutex> g(mu);
      if (!e->erased) {
        index.remove(e);
        retire(e, gy);
      }
    }
    /// Under mu. Candidates locked for comparison go into `keep` (released
    /// by the caller after unlocking).
    template <class Keep>
    entry* find(const T* p, std::size_t h, Keep& keep) const {
      for (detail::table_entry* c = index.chain(h); c; c = c->hnext) {
        auto* e = static_cast<entry*>(c);
        if constexpr (detail::value_keyed<T>) {
          std::shared_ptr<T> sp = pin(e);
          if (!sp) continue;
          bool eq = e->ptr == p || static_cast<bool>(*sp == *p);
          keep.push_back(std::move(sp));
          if (eq) return e;
        } else {
          if (e->ptr == p) return e;
        }
      }
      return nullptr;
    }
    detail::hash_index index;
  };

 public:
  using value_type = std::shared_ptr<T>;
  using size_type = std::size_t;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::shared_ptr<T>;
    using difference_type = std::ptrdiff_t;
    using reference = const std::shared_ptr<T>&;
    using pointer = const std::shared_ptr<T>*;
    iterator() = default;
    reference operator*() const noexcept { return cur_.pin(); }
    pointer operator->() const noexcept { return &cur_.pin(); }
    iterator& operator++() {
      cur_.next();
      return *this;
    }
    iterator operator++(int) {
      iterator t = *this;
      cur_.next();
      return t;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.cur_ == b.cur_; }

   private:
    friend class weak_set;
    explicit iterator(std::shared_ptr<core> c) : cur_(std::move(c)) {}
    detail::cursor<core, entry, std::shared_ptr<T>> cur_;
  };
  using const_iterator = iterator;

  // (checked here, not in the class body, so that a weak_set of T can be a member of T)
  weak_set() : core_(std::make_shared<core>()) {
    static_assert(detail::weakly_referenceable<T>,
                  "cannot create weak reference to this type: T must derive publicly from "
                  "weakref::enable_weakref<T> (Python: cannot create weak reference to 'X' object)");
  }
  weak_set(std::initializer_list<std::shared_ptr<T>> il) : weak_set() {
    for (const auto& sp : il) insert(sp);
  }
  template <std::input_iterator It>
  weak_set(It first, It last) : weak_set() {
    for (; first != last; ++first) insert(*first);
  }
  /// Copies the live elements (V3: never a dead one).
  weak_set(const weak_set& o) : weak_set() {
    for (const auto& sp : o.snapshot()) insert(sp);
  }
  weak_set(weak_set&& o) noexcept : core_(std::move(o.core_)) {}
  weak_set& operator=(const weak_set& o) {
    if (this != &o) weak_set(o).swap(*this);
    return *this;
  }
  weak_set& operator=(weak_set&& o) noexcept {
    weak_set(std::move(o)).swap(*this);
    return *this;
  }
  ~weak_set() = default;
  void swap(weak_set& o) noexcept { core_.swap(o.core_); }

  /// Add `sp`; false if it (or an equal element) is already present.
  bool insert(const std::shared_ptr<T>& sp) {
    if (!sp) throw type_error("cannot create weak reference to a null shared_ptr");
    ensure();
    T* p = sp.get();
    const std::size_t h = detail::referent_hash<T>(*p);
    auto* e = new entry(detail::access::block_for(p, sp), p, h, core_);
    e->link();
    detail::graveyard gy;
    detail::pins_for<T> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    try {
      if (core_->find(p, h, keep)) {
        gy.add(e);
        return false;
      }
      core_->index.insert(e);
    } catch (...) {
      gy.add(e);
      throw;
    }
    core_->append(e);
    return true;
  }
  /// Python's update().
  template <class Range>
  void update(const Range& r) {
    for (const auto& sp : r) insert(sp);
  }

  /// Remove `sp` (or the element equal to it); the number removed (0 or 1).
  size_type erase(const std::shared_ptr<T>& sp) {
    if (!sp || !core_) return 0;
    const std::size_t h = detail::referent_hash<T>(*sp);
    detail::graveyard gy;
    detail::pins_for<T> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    entry* e = core_->find(sp.get(), h, keep);
    if (!e) return 0;
    core_->index.remove(e);
    core_->retire(e, gy);
    return 1;
  }

  bool contains(const std::shared_ptr<T>& sp) const {
    if (!sp || !core_) return false;
    const std::size_t h = detail::referent_hash<T>(*sp);
    detail::pins_for<T> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    return core_->find(sp.get(), h, keep) != nullptr;
  }

  size_type size() const noexcept {
    if (!core_) return 0;
    std::lock_guard<detail::mutex> g(core_->mu);
    return core_->live;
  }
  bool empty() const noexcept { return size() == 0; }

  /// Remove and return some live element (the oldest); null if none.
  std::shared_ptr<T> pop() {
    if (!core_) return {};
    detail::graveyard gy;
    std::shared_ptr<T> out;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      auto* e = static_cast<entry*>(c);
      out = core::pin(e);
      if (!out) continue;
      core_->index.remove(e);
      core_->retire(e, gy);
      break;
    }
    return out;  // declared before the lock_guard: never released under the lock
  }

  void clear() noexcept {
    if (!core_) return;
    detail::graveyard gy;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      core_->index.remove(c);
      core_->retire(c, gy);
    }
  }

  /// The live elements, pinned, in iteration order.
  std::vector<std::shared_ptr<T>> snapshot() const {
    std::vector<std::shared_ptr<T>> out;
    if (!core_) return out;
    std::lock_guard<detail::mutex> g(core_->mu);
    out.reserve(core_->live);
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      if (auto sp = core::pin(static_cast<entry*>(c))) out.push_back(std::move(sp));
    }
    return out;
  }

  iterator begin() const { return iterator(core_); }
  iterator end() const noexcept { return iterator(); }

  // S2: set algebra, yielding weak sets.
  weak_set set_union(const weak_set& o) const {
    weak_set r(*this);
    r.update(o.snapshot());
    return r;
  }
  weak_set intersection(const weak_set& o) const {
    weak_set r;
    for (const auto& sp : snapshot())
      if (o.contains(sp)) r.insert(sp);
    return r;
  }
  weak_set difference(const weak_set& o) const {
    weak_set r;
    for (const auto& sp : snapshot())
      if (!o.contains(sp)) r.insert(sp);
    return r;
  }
  weak_set symmetric_difference(const weak_set& o) const {
    weak_set r = difference(o);
    for (const auto& sp : o.snapshot())
      if (!contains(sp)) r.insert(sp);
    return r;
  }
  bool is_subset_of(const weak_set& o) const {
    for (const auto& sp : snapshot())
      if (!o.contains(sp)) return false;
    return true;
  }
  bool is_superset_of(const weak_set& o) const { return o.is_subset_of(*this); }
  bool is_disjoint(const weak_set& o) const {
    for (const auto& sp : snapshot())
      if (o.contains(sp)) return false;
    return true;
  }

  friend weak_set operator|(const weak_set& a, const weak_set& b) { return a.set_union(b); }
  friend weak_set operator&(const weak_set& a, const weak_set& b) { return a.intersection(b); }
  friend weak_set operator-(const weak_set& a, const weak_set& b) { return a.difference(b); }
  friend weak_set operator^(const weak_set& a, const weak_set& b) { return a.symmetric_difference(b); }
  friend bool operator<=(const weak_set& a, const weak_set& b) { return a.is_subset_of(b); }
  friend bool operator>=(const weak_set& a, const weak_set& b) { return b.is_subset_of(a); }
  friend bool operator==(const weak_set& a, const weak_set& b) { return a.is_subset_of(b) && b.is_subset_of(a); }
  friend bool operator<(const weak_set& a, const weak_set& b) { return a <= b && !(b <= a); }
  friend bool operator>(const weak_set& a, const weak_set& b) { return b < a; }

 private:
  void ensure() {
    if (!core_) core_ = std::make_shared<core>();
  }
  std::shared_ptr<core> core_;
};

}  // namespace weakref
