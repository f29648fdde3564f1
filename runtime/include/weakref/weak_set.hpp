// weakref/weak_set.hpp - weakref::weak_set<T>, Python's WeakSet.
//
//   weakref::weak_set<Widget> live;
//   live.insert(w);                     // does not keep w alive
//   for (const std::shared_ptr<Widget>& x : live) ...   // or auto, auto&&
//   live |= other_range; auto both = live & other;      // set algebra
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
// insertion order. The iterator is a C++20 input iterator (std::ranges
// algorithms and views accept the set); it is not a forward iterator, since
// deaths between two passes change what a copy visits. *it returns a strong
// owner by value, so `const auto& x = *s.begin();` is safe.
//
// Thread-safety (T1): every member function may be called concurrently from
// several threads on the same set, including iteration and element deaths;
// each set has its own lock (no global lock). Copying an iterator object
// itself, like any value, is not synchronized. No user code runs under the
// set's lock: T's std::hash runs before it is taken, T's operator== with it
// released (the lookup starts over if the set changed meanwhile), so ==
// may drop owners of elements, and callbacks may use the set. Compound
// operations (update, the *_update methods and |= &= -= ^=, copies, set
// algebra) are not atomic: each element is inserted or removed on its own.
//
// I2: a removal callback holds only a weak_ptr to the set's state; a set
// destroyed before its elements unregisters all its callbacks.
//
// Exception guarantees: insert offers the strong guarantee (std::bad_alloc,
// or what T's hash/== throw; type_error for a null owner); erase, contains,
// size, pop, clear never throw except what T's hash/== throw; remove throws
// std::out_of_range (Python: KeyError) when the element is absent; copies and
// the set algebra may throw std::bad_alloc (basic guarantee for the
// in-place forms: elements already processed stay processed).
//
// Costs: inserting an element that is present (the same object, or an equal
// one) allocates nothing; a new element allocates one entry (and the
// object's weak block, the first time it is weakly referenced).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <type_traits>
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
  };
  using pins = detail::referent_pins<entry, T>;
  using lock = std::unique_lock<detail::mutex>;

 public:
  using value_type = std::shared_ptr<T>;
  using size_type = std::size_t;

  /// An input iterator (not forward: deaths and writes between two passes
  /// change what a copy visits, so there is no multipass guarantee).
  /// operator* returns a strong owner by value: it stays valid after the
  /// iterator is gone (`const auto& x = *s.begin();` is fine).
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using value_type = std::shared_ptr<T>;
    using difference_type = std::ptrdiff_t;
    using reference = std::shared_ptr<T>;
    using pointer = const std::shared_ptr<T>*;
    iterator() = default;
    reference operator*() const noexcept { return cur_.pin(); }
    /// Points into the iterator: valid while the iterator is.
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
  template <std::input_iterator It, std::sentinel_for<It> S>
  weak_set(It first, S last) : weak_set() {
    for (; first != last; ++first) insert(*first);
  }
  /// Python's WeakSet(iterable).
  template <detail::owner_range<T> R>
    requires(!std::is_same_v<std::remove_cvref_t<R>, weak_set>)
  explicit weak_set(const R& r) : weak_set() {
    update(r);
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
  friend void swap(weak_set& a, weak_set& b) noexcept { a.swap(b); }
  /// Python's copy().
  weak_set copy() const { return weak_set(*this); }

  /// Add `sp`; false if it (or an equal element) is already present (then
  /// nothing is allocated). Python's add(). type_error if `sp` is null.
  bool insert(const std::shared_ptr<T>& sp) {
    if (!sp) throw type_error("cannot create weak reference to a null shared_ptr");
    ensure();
    T* p = sp.get();
    const std::size_t h = detail::referent_hash<T>(*p);
    detail::weak_block* b = detail::access::block_of(p);  // null until p is first weakly referenced
    detail::graveyard gy;
    pins keep;
    lock g(core_->mu);
    if (detail::find_referent<T, entry>(*core_, g, p, b, h, keep)) return false;
    // Absent: allocate with the lock released, then look again.
    g.unlock();
    keep.clear();
    b = detail::access::block_for(p, sp);
    auto* e = new entry(b, p, h, core_);
    e->link();
    g.lock();
    try {
      if (detail::find_referent<T, entry>(*core_, g, p, b, h, keep)) {
        g.unlock();
        e->release();
        return false;
      }
      core_->index.insert(e);
    } catch (...) {
      if (g.owns_lock()) g.unlock();
      e->release();
      throw;
    }
    core_->append(e);
    return true;
  }
  bool add(const std::shared_ptr<T>& sp) { return insert(sp); }
  /// Python's update(iterable): insert every element of `r`.
  template <detail::owner_range<T> R>
  void update(const R& r) {
    for (auto&& sp : r) insert(sp);
  }
  void update(std::initializer_list<std::shared_ptr<T>> il) {
    for (const auto& sp : il) insert(sp);
  }

  /// Remove `sp` (or the element equal to it); the number removed (0 or 1).
  /// Python's discard().
  size_type erase(const std::shared_ptr<T>& sp) {
    if (!sp || !core_) return 0;
    const std::size_t h = detail::referent_hash<T>(*sp);
    detail::graveyard gy;
    pins keep;
    lock g(core_->mu);
    entry* e = detail::find_referent<T, entry>(*core_, g, sp.get(), detail::access::block_of(sp.get()), h, keep);
    if (!e) return 0;
    core_->index.remove(e);
    core_->retire(e, gy);
    return 1;
  }
  size_type discard(const std::shared_ptr<T>& sp) { return erase(sp); }
  /// Python's remove(): like erase, but throws std::out_of_range (Python:
  /// KeyError) if `sp` is not present.
  void remove(const std::shared_ptr<T>& sp) {
    if (erase(sp) == 0) throw std::out_of_range("weak_set::remove: element not present");
  }

  bool contains(const std::shared_ptr<T>& sp) const {
    if (!sp || !core_) return false;
    const std::size_t h = detail::referent_hash<T>(*sp);
    pins keep;
    lock g(core_->mu);
    return detail::find_referent<T, entry>(*core_, g, sp.get(), detail::access::block_of(sp.get()), h, keep) !=
           nullptr;
  }
  size_type count(const std::shared_ptr<T>& sp) const { return contains(sp) ? 1 : 0; }

  size_type size() const noexcept {
    if (!core_) return 0;
    std::lock_guard<detail::mutex> g(core_->mu);
    return core_->live;
  }
  bool empty() const noexcept { return size() == 0; }

  /// Remove and return some live element (the oldest); null if none (Python
  /// raises KeyError).
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

  /// Remove every element.
  void clear() noexcept {
    if (!core_) return;
    detail::graveyard gy;
    std::lock_guard<detail::mutex> g(core_->mu);
    core_->retire_all(gy);
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

  // S2: set algebra, yielding weak sets. Every operand may be a weak_set or
  // any input range of std::shared_ptr<T> (Python: any iterable). Which
  // object is kept when two distinct elements are equal follows CPython's
  // _weakrefset.py: union, difference, symmetric difference and |= -= keep
  // this set's; intersection (and &=) keeps the other operand's; ^= adds the
  // other operand's. Compound operations are not atomic: each element is
  // inserted or removed on its own.

  /// Python's union(): this set's elements, then the other's.
  template <detail::owner_range<T> R>
  weak_set set_union(const R& o) const {
    weak_set r(*this);
    r.update(o);
    return r;
  }
  /// Python's intersection(): the elements of `o` (its objects, in its
  /// order) that are in this set.
  template <detail::owner_range<T> R>
  weak_set intersection(const R& o) const {
    weak_set r;
    for (auto&& sp : o) {
      std::shared_ptr<T> x = sp;
      if (x && contains(x)) r.insert(x);
    }
    return r;
  }
  template <detail::owner_range<T> R>
  weak_set difference(const R& o) const {
    weak_set r(*this);
    r.difference_update(o);
    return r;
  }
  template <detail::owner_range<T> R>
  weak_set symmetric_difference(const R& o) const {
    weak_set r(*this);
    r.symmetric_difference_update(o);
    return r;
  }

  /// |=: insert every element of `o`.
  template <detail::owner_range<T> R>
  weak_set& operator|=(const R& o) {
    update(o);
    return *this;
  }
  /// -=: remove every element of `o` (s -= s clears).
  template <detail::owner_range<T> R>
  void difference_update(const R& o) {
    if (same(o)) return clear();
    for (auto&& sp : o) {
      std::shared_ptr<T> x = sp;
      if (x) erase(x);
    }
  }
  template <detail::owner_range<T> R>
  weak_set& operator-=(const R& o) {
    difference_update(o);
    return *this;
  }
  /// &=: keep only elements equal to one of `o`; as CPython, the objects
  /// kept are those of `o`.
  template <detail::owner_range<T> R>
  void intersection_update(const R& o) {
    if (same(o)) return;
    weak_set keep = intersection(o);
    clear();
    for (const auto& sp : keep.snapshot()) insert(sp);
  }
  template <detail::owner_range<T> R>
  weak_set& operator&=(const R& o) {
    intersection_update(o);
    return *this;
  }
  /// ^=: elements of `o` (counted once) present here are removed, the others
  /// added (s ^= s clears).
  template <detail::owner_range<T> R>
  void symmetric_difference_update(const R& o) {
    if (same(o)) return clear();
    weak_set other(o);
    for (const auto& sp : other.snapshot())
      if (erase(sp) == 0) insert(sp);
  }
  template <detail::owner_range<T> R>
  weak_set& operator^=(const R& o) {
    symmetric_difference_update(o);
    return *this;
  }

  /// Every element is in `o` (Python's issubset, <=).
  template <detail::owner_range<T> R>
  bool is_subset_of(const R& o) const {
    if constexpr (std::is_same_v<R, weak_set>) {
      for (const auto& sp : snapshot())
        if (!o.contains(sp)) return false;
      return true;
    } else {
      return is_subset_of(weak_set(o));
    }
  }
  template <detail::owner_range<T> R>
  bool is_superset_of(const R& o) const {
    for (auto&& sp : o) {
      std::shared_ptr<T> x = sp;
      if (!x || !contains(x)) return false;
    }
    return true;
  }
  template <detail::owner_range<T> R>
  bool is_disjoint(const R& o) const {
    for (auto&& sp : o) {
      std::shared_ptr<T> x = sp;
      if (x && contains(x)) return false;
    }
    return true;
  }
  // Python spellings.
  template <detail::owner_range<T> R>
  bool issubset(const R& o) const { return is_subset_of(o); }
  template <detail::owner_range<T> R>
  bool issuperset(const R& o) const { return is_superset_of(o); }
  template <detail::owner_range<T> R>
  bool isdisjoint(const R& o) const { return is_disjoint(o); }

  friend weak_set operator|(const weak_set& a, const weak_set& b) { return a.set_union(b); }
  friend weak_set operator&(const weak_set& a, const weak_set& b) { return a.intersection(b); }
  friend weak_set operator-(const weak_set& a, const weak_set& b) { return a.difference(b); }
  friend weak_set operator^(const weak_set& a, const weak_set& b) { return a.symmetric_difference(b); }
  friend bool operator<=(const weak_set& a, const weak_set& b) { return a.is_subset_of(b); }
  friend bool operator>=(const weak_set& a, const weak_set& b) { return b.is_subset_of(a); }
  friend bool operator==(const weak_set& a, const weak_set& b) {
    return &a == &b || (a.size() == b.size() && a.is_subset_of(b) && b.is_subset_of(a));
  }
  friend bool operator<(const weak_set& a, const weak_set& b) { return a <= b && !(b <= a); }
  friend bool operator>(const weak_set& a, const weak_set& b) { return b < a; }

 private:
  void ensure() {
    if (!core_) core_ = std::make_shared<core>();
  }
  template <class R>
  bool same(const R& o) const noexcept {
    if constexpr (std::is_same_v<R, weak_set>) return o.core_ == core_;
    else return false;
  }
  std::shared_ptr<core> core_;
};

}  // namespace weakref
