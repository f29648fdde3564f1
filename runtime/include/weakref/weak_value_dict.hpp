// weakref/weak_value_dict.hpp - weakref::weak_value_dict<K, V>, Python's
// WeakValueDictionary: a cache whose values live only as long as someone
// else owns them.
//
//   weakref::weak_value_dict<std::string, Cheese> stock;
//   stock.insert_or_assign("Red Leicester", cheese);
//   if (auto c = stock.get("Red Leicester")) ...   // std::shared_ptr<V>, null if gone
//
// Keys: ordinary values (Hash, KeyEqual: std::hash<K>, operator== by
// default), held strongly.
//
// Order: iteration and items() follow insertion order of keys, and
// popitem() takes the last live one, as in a Python dict. Assigning to a key
// that is present with a live value replaces the value in place: the key
// keeps its iteration position and its original key object (Python keeps
// the dict's key; only observable when equal keys are distinguishable). A
// key that was erased, or whose value died, is new when set again and goes
// to the end.
//
// Expiry (V1): an entry disappears when its value's last std::shared_ptr
// owner goes; size(), contains(), get(), pop and iteration never show it
// (size() may lag only while a death is in progress on another thread).
// V2: the death of an old value never removes a newer value stored under the
// same key (CPython bpo-28427): each stored value is its own entry.
// V3: get(), at(), pop(), popitem(), setdefault(), copies and iteration
// return strong owners, so what they return is never dead, also while values
// die on other threads.
//
// Callback order: the removal runs when the value dies, before any user
// callback or finalizer of the value, so those never see the entry.
//
// Iterator invalidation (I1): none (see weak_set.hpp); an iterator pins the
// value it yields. Replacing the value of a present key during iteration:
// an iterator that has not reached the key yet yields the new value there;
// one standing on the key (or past it) does not see the key again.
//
// Thread-safety (T1): all member functions may be used concurrently from
// several threads, with deaths of values on any thread; each dict has its
// own lock. The key's hash is taken outside the lock; KeyEqual and K's copy
// (construction and assignment) run under the dict's lock and must not use
// the same dict; K's destructor runs outside it.
//
// I2: removal callbacks hold only a weak_ptr to the dict's state; a dict
// destroyed first unregisters them.
//
// Exception guarantees: insert_or_assign and setdefault are strong
// (std::bad_alloc or what K's hash, KeyEqual or K's copy throw); get,
// contains, erase, pop throw only what K's hash or KeyEqual throw; at()
// throws std::out_of_range when absent or dead.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "weakref/detail/block.hpp"
#include "weakref/detail/table.hpp"
#include "weakref/enable_weakref.hpp"
#include "weakref/exceptions.hpp"

namespace weakref {

template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>>
class weak_value_dict {
  struct core;
  // The key comes first (a base), so that the entry's hash can be taken from
  // it while the table_entry part is constructed.
  struct key_holder {
    template <class KK>
    explicit key_holder(KK&& k) : key(std::forward<KK>(k)) {}
    // Written only while the entry is private to put() (under the lock,
    // before it is published); const for everyone else.
    K key;
  };
  struct entry final : key_holder, detail::table_entry {
    template <class KK>
    entry(detail::weak_block* b, V* p, std::weak_ptr<core> o, KK&& k)
        : key_holder(std::forward<KK>(k)), table_entry(b, Hash{}(this->key)), ptr(p), owner(std::move(o)) {}
    void fire() noexcept override {
      if (std::shared_ptr<core> c = owner.lock()) c->on_death(this);
    }
    V* const ptr;
    const std::weak_ptr<core> owner;
  };
  struct pin_t {
    const K* key = nullptr;
    std::shared_ptr<V> value;
  };

  struct core : detail::table_core {
    ~core() { destroy_all(); }
    static pin_t pin(entry* e) noexcept { return pin_t{&e->key, detail::upgrade(e->blk, e->ptr)}; }
    static bool pinned(const pin_t& p) noexcept { return static_cast<bool>(p.value); }
    /// Liveness without taking ownership (safe under the lock).
    static bool alive(const entry* e) noexcept { return !e->blk->wp.expired(); }
    void on_death(entry* e) noexcept {
      detail::graveyard gy;
      std::lock_guard<detail::mutex> g(mu);
      if (!e->erased) remove(e, gy);
    }
    /// The index entry for `k` (hash `h`), whatever its value's state.
    entry* find(const K& k, std::size_t h) const {
      for (detail::table_entry* c = index.chain(h); c; c = c->hnext) {
        auto* e = static_cast<entry*>(c);
        if (KeyEqual{}(e->key, k)) return e;
      }
      return nullptr;
    }
    void remove(entry* e, detail::graveyard& gy) noexcept {
      index.remove(e);
      retire(e, gy);
    }
    detail::hash_index index;  // at most one entry per key; erased entries are never in it
  };

 public:
  using key_type = K;
  using mapped_type = std::shared_ptr<V>;
  using size_type = std::size_t;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<K, std::shared_ptr<V>>;
    using reference = std::pair<const K&, const std::shared_ptr<V>&>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    reference operator*() const noexcept { return reference(*cur_.pin().key, cur_.pin().value); }
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
    const K& key() const noexcept { return *cur_.pin().key; }
    const std::shared_ptr<V>& value() const noexcept { return cur_.pin().value; }

   private:
    friend class weak_value_dict;
    explicit iterator(std::shared_ptr<core> c) : cur_(std::move(c)) {}
    detail::cursor<core, entry, pin_t> cur_;
  };
  using const_iterator = iterator;

  // (checked here, not in the class body, so that a weak_value_dict of T can be a member of T)
  weak_value_dict() : core_(std::make_shared<core>()) {
    static_assert(detail::weakly_referenceable<V>,
                  "cannot create weak reference to this value type: V must derive publicly from "
                  "weakref::enable_weakref<V> (Python: cannot create weak reference to 'X' object)");
  }
  /// Copies the live entries (V3).
  weak_value_dict(const weak_value_dict& o) : weak_value_dict() {
    for (auto& [k, v] : o.items()) insert_or_assign(k, v);
  }
  weak_value_dict(weak_value_dict&& o) noexcept : core_(std::move(o.core_)) {}
  weak_value_dict& operator=(const weak_value_dict& o) {
    if (this != &o) weak_value_dict(o).swap(*this);
    return *this;
  }
  weak_value_dict& operator=(weak_value_dict&& o) noexcept {
    weak_value_dict(std::move(o)).swap(*this);
    return *this;
  }
  ~weak_value_dict() = default;
  void swap(weak_value_dict& o) noexcept { core_.swap(o.core_); }

  /// d[k] = v. True if the key was new (or its old value dead).
  template <class KK>
  bool insert_or_assign(KK&& k, const std::shared_ptr<V>& v) {
    std::shared_ptr<V> unused;
    return put(std::forward<KK>(k), v, false, unused);
  }

  /// The value for `k`, or null if absent or dead. Never a dead object.
  std::shared_ptr<V> get(const K& k) const {
    if (!core_) return {};
    const std::size_t h = Hash{}(k);
    std::shared_ptr<V> out;
    std::lock_guard<detail::mutex> g(core_->mu);
    if (entry* e = core_->find(k, h)) out = detail::upgrade(e->blk, e->ptr);
    return out;
  }
  /// Like get(), but std::out_of_range if absent or dead (Python: KeyError).
  std::shared_ptr<V> at(const K& k) const {
    std::shared_ptr<V> v = get(k);
    if (!v) throw std::out_of_range("weak_value_dict::at: key not present");
    return v;
  }
  bool contains(const K& k) const { return static_cast<bool>(get(k)); }

  /// Python's setdefault, atomically: the live value for `k`, or insert `v`
  /// and return it.
  std::shared_ptr<V> setdefault(const K& k, const std::shared_ptr<V>& v) {
    std::shared_ptr<V> existing;
    if (!put(k, v, true, existing)) return existing;
    return v;
  }

  size_type erase(const K& k) {
    if (!core_) return 0;
    const std::size_t h = Hash{}(k);
    detail::graveyard gy;
    std::lock_guard<detail::mutex> g(core_->mu);
    entry* e = core_->find(k, h);
    if (!e) return 0;
    bool live = core::alive(e);
    core_->remove(e, gy);
    return live ? 1 : 0;
  }

  /// Remove `k` and return its value (null if absent or dead).
  std::shared_ptr<V> pop(const K& k) {
    if (!core_) return {};
    const std::size_t h = Hash{}(k);
    detail::graveyard gy;
    std::shared_ptr<V> out;
    std::lock_guard<detail::mutex> g(core_->mu);
    entry* e = core_->find(k, h);
    if (!e) return out;
    out = detail::upgrade(e->blk, e->ptr);
    core_->remove(e, gy);
    return out;
  }

  /// Remove and return the newest live (key, value), last in iteration
  /// order (Python: popitem() is LIFO); nullopt if none (Python: KeyError).
  std::optional<std::pair<K, std::shared_ptr<V>>> popitem() {
    std::optional<std::pair<K, std::shared_ptr<V>>> out;
    if (!core_) return out;
    detail::graveyard gy;
    std::shared_ptr<V> v;  // never released under the lock
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->last; c; c = c->lprev) {
      if (c->erased) continue;
      auto* e = static_cast<entry*>(c);
      v = detail::upgrade(e->blk, e->ptr);
      if (!v) continue;
      out.emplace(e->key, std::move(v));
      core_->remove(e, gy);
      break;
    }
    return out;
  }

  size_type size() const noexcept {
    if (!core_) return 0;
    std::lock_guard<detail::mutex> g(core_->mu);
    return core_->live;
  }
  bool empty() const noexcept { return size() == 0; }

  void clear() noexcept {
    if (!core_) return;
    detail::graveyard gy;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->first; c; c = c->lnext)
      if (!c->erased) core_->remove(static_cast<entry*>(c), gy);
  }

  /// Live (key, value) pairs (Python: list(d.items())).
  std::vector<std::pair<K, std::shared_ptr<V>>> items() const {
    std::vector<std::pair<K, std::shared_ptr<V>>> out;
    if (!core_) return out;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      auto* e = static_cast<entry*>(c);
      if (auto v = detail::upgrade(e->blk, e->ptr)) out.emplace_back(e->key, std::move(v));
    }
    return out;
  }

  iterator begin() const { return iterator(core_); }
  iterator end() const noexcept { return iterator(); }

 private:
  // Store v under k. With keep_live, a live existing value stays and is
  // returned through `existing` (result false). Returns true if v was stored
  // under a key that was absent or whose value was dead.
  //
  // As in a Python dict, assigning to a present key (live value) keeps the
  // key's place in iteration order and its original key object: the new
  // entry takes the old one's place in the list and in the index. A key
  // whose value is dead counts as absent: the new entry goes to the end.
  template <class KK>
  bool put(KK&& k, const std::shared_ptr<V>& v, bool keep_live, std::shared_ptr<V>& existing) {
    if (!v) throw type_error("cannot create weak reference to a null shared_ptr");
    if (!core_) core_ = std::make_shared<core>();
    V* p = v.get();
    auto* e = new entry(detail::access::block_for(p, v), p, core_, std::forward<KK>(k));  // hashes the key
    e->link();
    detail::graveyard gy;  // also takes the replaced entry (and its key), released outside the lock
    std::shared_ptr<V> found;  // never released under the lock
    std::lock_guard<detail::mutex> g(core_->mu);
    entry* old = nullptr;
    try {
      old = core_->find(e->key, e->hash);
      if (old) {
        if (keep_live) {
          found = detail::upgrade(old->blk, old->ptr);
          if (found) {
            gy.add(e);
            existing = found;
            return false;
          }
        } else if (core::alive(old)) {
          if constexpr (std::is_copy_assignable_v<K>) e->key = old->key;  // keep the original key object
          // Nothing below throws.
          core_->index.replace(old, e);
          core_->insert_before(e, old);
          core_->retire(old, gy);
          return false;
        }
      }
      core_->index.insert(e);  // may throw std::bad_alloc: nothing changed yet
    } catch (...) {
      gy.add(e);
      throw;
    }
    if (old) core_->remove(old, gy);  // dead (its death is in progress on another thread)
    core_->append(e);
    return true;
  }

  std::shared_ptr<core> core_;
};

}  // namespace weakref
