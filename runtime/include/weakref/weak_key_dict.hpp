// weakref/weak_key_dict.hpp - weakref::weak_key_dict<K, V>, Python's
// WeakKeyDictionary: a side table keyed by objects it does not keep alive.
//
//   weakref::weak_key_dict<Widget, Extra> extra;
//   extra.insert_or_assign(w, Extra{...});
//   if (auto e = extra.get(w)) ...            // std::optional<V> (a copy)
//   for (auto [key, value] : extra) ...       // shared_ptr<K>, V&
//   for (auto& v : extra.values()) ...        // live views: keys(), values(), items()
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
// locking if several threads write the same value). The iterator is a C++20
// input iterator (not forward: no multipass under deaths); *it yields an
// item_ref, a std::pair<shared_ptr<K>, V&> by value that owns the key, so
// `auto [k, v] = *d.begin();` is safe; std::views::keys/values apply.
//
// Thread-safety (T1): all member functions may be used concurrently from
// several threads, with deaths of keys on any thread; each dict has its own
// lock. K's hash runs before the lock is taken and K's operator== with it
// released (the lookup starts over if the dict changed meanwhile), so they
// may drop keys of this dict or use it. V's copy/move/assignment run under
// the dict's lock and must not use the same dict nor drop its keys' last
// owners; V's destructor never runs under it. update(), |=, copies and ==
// are not atomic (each entry on its own).
//
// I2: removal callbacks hold only a weak_ptr to the dict's state; a dict
// destroyed first unregisters them.
//
// Exception guarantees: insert_or_assign and setdefault are strong
// (std::bad_alloc, or what K's hash/== or V's move throw; type_error for a
// null key); at() throws std::out_of_range (Python: KeyError) if absent;
// get/contains/erase/pop throw only what K's hash/== throw.
//
// Costs: assigning to a present key allocates nothing.
#pragma once

#include <concepts>
#include <cstddef>
#include <initializer_list>
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
#include "weakref/ref.hpp"

namespace weakref {

template <class K, class V>
class weak_key_dict : public detail::mapping_merge_ops<weak_key_dict<K, V>> {
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
  };
  using pins = detail::referent_pins<entry, K>;
  using lock = std::unique_lock<detail::mutex>;

 public:
  using key_type = std::shared_ptr<K>;
  using mapped_type = V;
  using value_type = std::pair<std::shared_ptr<K>, V>;
  using size_type = std::size_t;

  /// An input iterator. operator* yields item_ref<shared_ptr<K>, V&> (a
  /// std::pair) by value: it owns the key, so `auto [k, v] = *d.begin();`
  /// stays valid after the iterator is gone; v refers to the stored value
  /// until the entry is removed.
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using value_type = std::pair<std::shared_ptr<K>, V>;
    using reference = item_ref<std::shared_ptr<K>, V&>;
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
    /// The key this iterator pins (valid while the iterator is).
    const std::shared_ptr<K>& key() const noexcept { return cur_.pin().key; }
    V& value() const noexcept { return *cur_.pin().value; }

   private:
    friend class weak_key_dict;
    template <class, class, int, class, class>
    friend class detail::dict_view;
    explicit iterator(std::shared_ptr<core> c) : cur_(std::move(c)) {}
    detail::cursor<core, entry, pin_t> cur_;
  };
  using const_iterator = iterator;

  /// Live views (Python's keys(), values(), items()): iterating one
  /// iterates the dict; they share the dict's state.
  using keys_view = detail::dict_view<core, iterator, 0, std::shared_ptr<K>, std::shared_ptr<K>>;
  using values_view = detail::dict_view<core, iterator, 1, V, V&>;
  using items_view = detail::dict_view<core, iterator, 2, std::pair<std::shared_ptr<K>, V>, item_ref<std::shared_ptr<K>, V&>>;

  // (checked here, not in the class body, so that a weak_key_dict of T can be a member of T)
  weak_key_dict() : core_(std::make_shared<core>()) {
    static_assert(detail::weakly_referenceable<K>,
                  "cannot create weak reference to this key type: K must derive publicly from "
                  "weakref::enable_weakref<K> (Python: cannot create weak reference to 'X' object)");
  }
  /// Python's WeakKeyDictionary({k: v, ...}).
  weak_key_dict(std::initializer_list<std::pair<std::shared_ptr<K>, V>> il) : weak_key_dict() { update(il); }
  /// From a map, a range of (key, value) pairs or another weak dict.
  template <detail::pair_range R>
    requires(!std::is_same_v<std::remove_cvref_t<R>, weak_key_dict>)
  explicit weak_key_dict(const R& r) : weak_key_dict() {
    update(r);
  }
  /// Copies the live entries.
  weak_key_dict(const weak_key_dict& o) : weak_key_dict() {
    for (auto&& [k, v] : o.snapshot()) insert_or_assign(k, v);
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
  friend void swap(weak_key_dict& a, weak_key_dict& b) noexcept { a.swap(b); }
  weak_key_dict copy() const { return weak_key_dict(*this); }

  /// d[k] = v. True if a new entry was made, false if an existing value was
  /// replaced (the original key object is kept; nothing is allocated).
  /// type_error if `k` is null.
  template <class W = V>
  bool insert_or_assign(const std::shared_ptr<K>& k, W&& v) {
    return emplace_entry(k, std::forward<W>(v), true, [](entry*, bool) {});
  }
  /// Python's update(): from a map, a range of (key, value) pair-likes or
  /// another weak dict (later pairs win).
  template <detail::pair_range R>
  void update(const R& r) {
    for (auto&& kv : r) {
      auto&& [k, v] = kv;
      insert_or_assign(k, v);
    }
  }
  void update(std::initializer_list<std::pair<std::shared_ptr<K>, V>> il) {
    for (const auto& [k, v] : il) insert_or_assign(k, v);
  }
  // d |= r, d | r and r | d: detail::mapping_merge_ops.

  /// A copy of the value for `k`, or nullopt.
  std::optional<V> get(const std::shared_ptr<K>& k) const {
    if (!k || !core_) return std::nullopt;
    const std::size_t h = detail::referent_hash<K>(*k);
    pins keep;
    lock g(core_->mu);
    if (entry* e = find(g, k, h, keep)) return std::optional<V>(e->value);
    return std::nullopt;
  }
  /// Python's d.get(k, default).
  V get(const std::shared_ptr<K>& k, V dflt) const {
    std::optional<V> v = get(k);
    return v ? std::move(*v) : std::move(dflt);
  }
  V get_or(const std::shared_ptr<K>& k, V dflt) const { return get(k, std::move(dflt)); }

  /// Reference to the value for `k`; std::out_of_range (Python: KeyError)
  /// if absent. Valid until the entry is removed (see the header comment
  /// about synchronization).
  V& at(const std::shared_ptr<K>& k) {
    if (k && core_) {
      const std::size_t h = detail::referent_hash<K>(*k);
      pins keep;
      lock g(core_->mu);
      if (entry* e = find(g, k, h, keep)) return e->value;
    }
    throw std::out_of_range("weak_key_dict::at: key not present");
  }
  const V& at(const std::shared_ptr<K>& k) const { return const_cast<weak_key_dict*>(this)->at(k); }
  /// d[k]: the value for `k`, inserting V{} first if absent (std::map's
  /// operator[]; Python's d[k] raises KeyError instead: use at()).
  V& operator[](const std::shared_ptr<K>& k)
    requires std::default_initializable<V>
  {
    V* out = nullptr;
    emplace_entry(k, V{}, false, [&out](entry* e, bool) { out = &e->value; });
    return *out;
  }

  bool contains(const std::shared_ptr<K>& k) const {
    if (!k || !core_) return false;
    const std::size_t h = detail::referent_hash<K>(*k);
    pins keep;
    lock g(core_->mu);
    return find(g, k, h, keep) != nullptr;
  }
  size_type count(const std::shared_ptr<K>& k) const { return contains(k) ? 1 : 0; }

  /// Python's del d[k] when present; the number removed (0 or 1).
  size_type erase(const std::shared_ptr<K>& k) {
    if (!k || !core_) return 0;
    const std::size_t h = detail::referent_hash<K>(*k);
    detail::graveyard gy;
    pins keep;
    lock g(core_->mu);
    entry* e = find(g, k, h, keep);
    if (!e) return 0;
    core_->index.remove(e);
    core_->retire(e, gy);
    return 1;
  }

  /// Remove `k` and return its value (nullopt if absent; Python: KeyError).
  std::optional<V> pop(const std::shared_ptr<K>& k) {
    if (!k || !core_) return std::nullopt;
    const std::size_t h = detail::referent_hash<K>(*k);
    detail::graveyard gy;
    pins keep;
    std::optional<V> out;
    lock g(core_->mu);
    entry* e = find(g, k, h, keep);
    if (!e) return out;
    out.emplace(std::move(e->value));
    core_->index.remove(e);
    core_->retire(e, gy);
    return out;
  }
  /// Python's pop(k, default).
  V pop(const std::shared_ptr<K>& k, V dflt) {
    std::optional<V> v = pop(k);
    return v ? std::move(*v) : std::move(dflt);
  }

  /// Remove and return the newest live (key, value), last in iteration
  /// order (Python's dict popitem is LIFO); nullopt if empty (KeyError).
  std::optional<std::pair<std::shared_ptr<K>, V>> popitem() {
    std::optional<std::pair<std::shared_ptr<K>, V>> out;  // released outside the lock
    if (!core_) return out;
    detail::graveyard gy;
    std::lock_guard<detail::mutex> g(core_->mu);
    for (detail::table_entry* c = core_->last; c; c = c->lprev) {
      if (c->erased) continue;
      auto* e = static_cast<entry*>(c);
      std::shared_ptr<K> key = detail::upgrade(e->blk, e->ptr);
      if (!key) continue;
      out.emplace(std::move(key), std::move(e->value));
      core_->index.remove(e);
      core_->retire(e, gy);
      break;
    }
    return out;
  }

  /// Python's setdefault(k, default): the value for `k` (a copy), after
  /// inserting `dflt` if `k` was absent. Atomic.
  V setdefault(const std::shared_ptr<K>& k, V dflt = V{}) {
    std::optional<V> out;
    emplace_entry(k, std::move(dflt), false, [&out](entry* e, bool) { out.emplace(e->value); });
    return std::move(*out);
  }

  size_type size() const noexcept {
    if (!core_) return 0;
    std::lock_guard<detail::mutex> g(core_->mu);
    return core_->live;
  }
  bool empty() const noexcept { return size() == 0; }

  /// Remove every entry.
  void clear() noexcept {
    if (!core_) return;
    detail::graveyard gy;
    std::lock_guard<detail::mutex> g(core_->mu);
    core_->retire_all(gy);
  }

  /// Live views (Python's keys(), values(), items()).
  keys_view keys() const { return keys_view(ensured()); }
  values_view values() const { return values_view(ensured()); }
  items_view items() const { return items_view(ensured()); }
  /// Python's keyrefs(): weak references to the live keys.
  std::vector<ref<K>> keyrefs() const {
    std::vector<ref<K>> out;
    for (const auto& k : keys()) out.emplace_back(k);
    return out;
  }
  /// Live (key, value copy) pairs, in iteration order (Python:
  /// list(d.items())).
  std::vector<std::pair<std::shared_ptr<K>, V>> snapshot() const {
    std::vector<std::pair<std::shared_ptr<K>, V>> out;
    if (!core_) return out;
    std::lock_guard<detail::mutex> g(core_->mu);
    out.reserve(core_->live);
    for (detail::table_entry* c = core_->first; c; c = c->lnext) {
      if (c->erased) continue;
      auto* e = static_cast<entry*>(c);
      if (auto sp = detail::upgrade(e->blk, e->ptr)) out.emplace_back(std::move(sp), e->value);
    }
    return out;
  }

  iterator begin() const { return iterator(core_); }
  iterator end() const noexcept { return iterator(); }

  /// Python's Mapping ==: the same live keys with equal values.
  friend bool operator==(const weak_key_dict& a, const weak_key_dict& b)
    requires std::equality_comparable<V>
  {
    if (&a == &b) return true;
    auto items = a.snapshot();
    if (items.size() != b.size()) return false;
    for (const auto& [k, v] : items) {
      std::optional<V> w = b.get(k);
      if (!w || !(*w == v)) return false;
    }
    return true;
  }

 private:
  // Find the entry for `k` or make one holding `v`; with `assign`, a present
  // entry gets `v`. `f(entry*, inserted)` runs under the lock. Returns
  // whether an entry was made. A present key allocates nothing.
  template <class W, class F>
  bool emplace_entry(const std::shared_ptr<K>& k, W&& v, bool assign, F&& f) {
    if (!k) throw type_error("cannot create weak reference to a null shared_ptr");
    ensure();
    K* p = k.get();
    const std::size_t h = detail::referent_hash<K>(*p);
    detail::weak_block* b = detail::access::block_of(p);  // null until p is first weakly referenced
    detail::graveyard gy;        // the entry not needed after a race, released unlocked
    std::optional<V> displaced;  // a replaced value, destroyed unlocked
    pins keep;
    lock g(core_->mu);
    if (entry* old = detail::find_referent<K, entry>(*core_, g, p, b, h, keep)) {
      if (assign) {
        displaced.emplace(std::move(old->value));
        old->value = std::forward<W>(v);
      }
      f(old, false);
      return false;
    }
    g.unlock();
    keep.clear();
    b = detail::access::block_for(p, k);
    auto* e = new entry(b, p, h, core_, std::forward<W>(v));
    e->link();
    g.lock();
    try {
      if (entry* old = detail::find_referent<K, entry>(*core_, g, p, b, h, keep)) {  // a race
        if (assign) {
          using std::swap;
          swap(old->value, e->value);
        }
        f(old, false);
        gy.add(e);
        return false;
      }
      core_->index.insert(e);
    } catch (...) {
      if (g.owns_lock()) g.unlock();
      e->release();
      throw;
    }
    core_->append(e);
    f(e, true);
    return true;
  }
  entry* find(lock& g, const std::shared_ptr<K>& k, std::size_t h, pins& keep) const {
    return detail::find_referent<K, entry>(*core_, g, k.get(), detail::access::block_of(k.get()), h, keep);
  }
  void ensure() {
    if (!core_) core_ = std::make_shared<core>();
  }
  std::shared_ptr<core> ensured() const {
    if (!core_) const_cast<weak_key_dict*>(this)->ensure();
    return core_;
  }
  std::shared_ptr<core> core_;
};

}  // namespace weakref
