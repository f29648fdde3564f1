// weakref/weak_key_dict.hpp - weakref::weak_key_dict<K, V>, Python's
// WeakKeyDictionary: a side table keyed by objects it does not keep alive.
//
//   weakref::weak_key_dict<Widget, Extra> extra;
//   extra.insert_or_assign(w, Extra{...});
//   if (auto e = extra.get(w)) ...            // std::optional<V> (a copy)
//   for (auto [key, value] : extra) ...       // shared_ptr<K>, V&
//
// Keys: compared by value when K has both std::hash<K> and operator==, by
// identity (address) otherwise (K2). The key's hash is computed once, at
// insertion. Assigning through an equal but distinct key keeps the original
// key object; the entry dies with that original.
//
// Order: iteration (keys(), items()) follows insertion order of keys, as a
// Python dict: assigning to a present key replaces the value in place, so
// the key keeps its iteration position (CPython's WeakKeyDictionary does the
// same); a key erased or dead and set again goes to the end.
//
// Expiry (K1): an entry disappears when its key's last std::shared_ptr owner
// goes; size(), contains(), lookups and iteration never show it (size() may
// lag only while a death is in progress on another thread). The value is
// destroyed on the thread that dropped the key, outside any lock. A value
// that owns its key keeps the key alive forever (a strong cycle; no
// collector), as in Python.
//
// Callback order: the removal runs when the key dies, before any user
// callback or finalizer of the key, so those never see the entry.
//
// Iterator invalidation (I1): none (see weak_set.hpp): an iterator pins its
// key, removals are deferred while iterators exist, and reads or writes from
// this or other threads never invalidate an iterator. The V& an iterator or
// at() gives stays valid while that iterator exists / until the entry is
// removed; writes to one value through it are not synchronized (external
// locking if several threads write the same value).
//
// Thread-safety (T1): all member functions may be used concurrently from
// several threads, with deaths of keys on any thread; each dict has its own
// lock. K's hash/== and V's copy/move run under the dict's lock and must not
// use the same dict; V's destructor never runs under it.
//
// I2: removal callbacks hold only a weak_ptr to the dict's state; a dict
// destroyed first unregisters them.
//
// Exception guarantees: insert_or_assign is strong (std::bad_alloc, or what
// K's hash/== or V's move throw); at() throws std::out_of_range if absent.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "weakref/detail/block.hpp"
#include "weakref/detail/table.hpp"
#include "weakref/enable_weakref.hpp"
#include "weakref/exceptions.hpp"

namespace weakref {

template <class K, class V>
class weak_key_dict {
  struct core;
  struct entry final : detail::table_entry {
    template <class W>
    entry(detail::weak_block* b, K* p, std::size_t h, std::weak_ptr<core> o, W&& v)
        : table_entry(b, h), ptr(p), owner(std::move(o)), value(std::forward<W>(v)) {}
    void fire() noexcept override {
      if (std::shared_ptr<core> c = owner.lock()) c->on_death(this);
    }
    K* const ptr;
    const std::weak_ptr<core> owner;
    V value;  // guarded by the core's lock
  };
  struct pin_t {
    std::shared_ptr<K> key;
    V* value = nullptr;
  };

  struct core : detail::table_core {
    ~core() { destroy_all(); }
    static pin_t pin(entry* e) noexcept { return pin_t{detail::upgrade(e->blk, e->ptr), &e->value}; }
    static bool pinned(const pin_t& p) noexcept { return static_cast<bool>(p.key); }
    void on_death(entry* e) noexcept {
      detail::graveyard gy;
      std::lock_guard<detail::mutex> g(mu);
      if (!e->erased) {
        index.remove(e);
        retire(e, gy);
      }
    }
    template <class Keep>
    entry* find(const K* p, std::size_t h, Keep& keep) const {
      for (detail::table_entry* c = index.chain(h); c; c = c->hnext) {
        auto* e = static_cast<entry*>(c);
        if constexpr (detail::value_keyed<K>) {
          std::shared_ptr<K> sp = detail::upgrade(e->blk, e->ptr);
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
  using key_type = std::shared_ptr<K>;
  using mapped_type = V;
  using size_type = std::size_t;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<std::shared_ptr<K>, V&>;
    using reference = std::pair<const std::shared_ptr<K>&, V&>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    reference operator*() const noexcept { return reference(cur_.pin().key, *cur_.pin().value); }
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
    /// The key this iterator pins.
    const std::shared_ptr<K>& key() const noexcept { return cur_.pin().key; }
    V& value() const noexcept { return *cur_.pin().value; }

   private:
    friend class weak_key_dict;
    explicit iterator(std::shared_ptr<core> c) : cur_(std::move(c)) {}
    detail::cursor<core, entry, pin_t> cur_;
  };
  using const_iterator = iterator;

  // (checked here, not in the class body, so that a weak_key_dict of T can be a member of T)
  weak_key_dict() : core_(std::make_shared<core>()) {
    static_assert(detail::weakly_referenceable<K>,
                  "cannot create weak reference to this key type: K must derive publicly from "
                  "weakref::enable_weakref<K> (Python: cannot create weak reference to 'X' object)");
  }
  /// Copies the live entries.
  weak_key_dict(const weak_key_dict& o) : weak_key_dict() {
    for (auto&& [k, v] : o.items()) insert_or_assign(k, v);
  }
  weak_key_dict(weak_key_dict&& o) noexcept : core_(std::move(o.core_)) {}
  weak_key_dict& operator=(const weak_key_dict& o) {
    if (this != &o) weak_key_dict(o).swap(*this);
    return *this;
  }
  weak_key_dict& operator=(weak_key_dict&& o) noexcept {
    weak_key_dict(std::move(o)).swap(*this);
    return *this;
  }
  ~weak_key_dict() = default;
  void swap(weak_key_dict& o) noexcept { core_.swap(o.core_); }

  /// d[k] = v. True if a new entry was made, false if an existing value was
  /// replaced (the original key object is kept).
  template <class W = V>
  bool insert_or_assign(const std::shared_ptr<K>& k, W&& v) {
    if (!k) throw type_error("cannot create weak reference to a null shared_ptr");
    if (!core_) core_ = std::make_shared<core>();
    K* p = k.get();
    const std::size_t h = detail::referent_hash<K>(*p);
    auto* e = new entry(detail::access::block_for(p, k), p, h, core_, std::forward<W>(v));
    e->link();
    detail::graveyard gy;  // also takes the replaced value, destroyed outside the lock
    detail::pins_for<K> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    try {
      if (entry* old = core_->find(p, h, keep)) {
        using std::swap;
        swap(old->value, e->value);
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

  /// A copy of the value for `k`, or nullopt.
  std::optional<V> get(const std::shared_ptr<K>& k) const {
    if (!k || !core_) return std::nullopt;
    const std::size_t h = detail::referent_hash<K>(*k);
    detail::pins_for<K> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    if (entry* e = core_->find(k.get(), h, keep)) return std::optional<V>(e->value);
    return std::nullopt;
  }
  /// Python's d.get(k, default).
  V get_or(const std::shared_ptr<K>& k, V dflt) const {
    std::optional<V> v = get(k);
    return v ? std::move(*v) : std::move(dflt);
  }

  /// Reference to the value for `k`; std::out_of_range if absent. Valid until
  /// the entry is removed (see the header comment about synchronization).
  V& at(const std::shared_ptr<K>& k) {
    if (k && core_) {
      const std::size_t h = detail::referent_hash<K>(*k);
      detail::pins_for<K> keep;
      std::lock_guard<detail::mutex> g(core_->mu);
      if (entry* e = core_->find(k.get(), h, keep)) return e->value;
    }
    throw std::out_of_range("weak_key_dict::at: key not present");
  }

  bool contains(const std::shared_ptr<K>& k) const {
    if (!k || !core_) return false;
    const std::size_t h = detail::referent_hash<K>(*k);
    detail::pins_for<K> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    return core_->find(k.get(), h, keep) != nullptr;
  }

  size_type erase(const std::shared_ptr<K>& k) {
    if (!k || !core_) return 0;
    const std::size_t h = detail::referent_hash<K>(*k);
    detail::graveyard gy;
    detail::pins_for<K> keep;
    std::lock_guard<detail::mutex> g(core_->mu);
    entry* e = core_->find(k.get(), h, keep);
    if (!e) return 0;
    core_->index.remove(e);
    core_->retire(e, gy);
    return 1;
  }

  /// Remove `k` and return its value (nullopt if absent).
  std::optional<V> pop(const std::shared_ptr<K>& k) {
    if (!k || !core_) return std::nullopt;
    const std::size_t h = detail::referent_hash<K>(*k);
    detail::graveyard gy;
    detail::pins_for<K> keep;
    std::optional<V> out;
    std::lock_guard<detail::mutex> g(core_->mu);
    entry* e = core_->find(k.get(), h, keep);
    if (!e) return out;
    out.emplace(std::move(e->value));
    core_->index.remove(e);
    core_->retire(e, gy);
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
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      core_->index.remove(c);
      core_->retire(c, gy);
    }
  }

  /// Live keys, pinned (Python: keyrefs() / list(d)).
  std::vector<std::shared_ptr<K>> keys() const {
    std::vector<std::shared_ptr<K>> out;
    if (!core_) return out;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->first; c; c = c->lnext)
      if (!c->erased)
        if (auto sp = detail::upgrade(c->blk, static_cast<entry*>(c)->ptr)) out.push_back(std::move(sp));
    return out;
  }
  /// Live (key, value copy) pairs.
  std::vector<std::pair<std::shared_ptr<K>, V>> items() const {
    std::vector<std::pair<std::shared_ptr<K>, V>> out;
    if (!core_) return out;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      auto* e = static_cast<entry*>(c);
      if (auto sp = detail::upgrade(e->blk, e->ptr)) out.emplace_back(std::move(sp), e->value);
    }
    return out;
  }

  iterator begin() const { return iterator(core_); }
  iterator end() const noexcept { return iterator(); }

 private:
  std::shared_ptr<core> core_;
};

}  // namespace weakref
