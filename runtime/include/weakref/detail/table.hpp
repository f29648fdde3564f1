// weakref/detail/table.hpp - machinery shared by the weak containers
// (internal).
//
// A container is a handle to a std::shared_ptr<core>. Each entry is a
// callback node registered on the weakly held object's block; its callback
// holds only a std::weak_ptr to the core (I2: the removal machinery never
// keeps the container alive; a container destroyed first drops its entries,
// which unlink themselves, so no callback is left behind).
//
// Entries sit in an intrusive insertion-ordered list (for iteration) and a
// hash index (hash -> chain of entries with that hash). Removing an entry
// (erase, replacement, death) takes it out of the index at once; taking it
// out of the list is deferred while iterators exist (guards > 0), so no
// operation ever invalidates an iterator (I1). Entries are freed, and values
// destroyed, only after the container lock is released (graveyard), so user
// destructors never run under the lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <ranges>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weakref/detail/block.hpp"

namespace weakref::detail {

struct table_entry : cb_node {
  explicit table_entry(weak_block* b, std::size_t h) noexcept : cb_node(b, 1), hash(h) {}
  bool internal() const noexcept override { return true; }
  table_entry* lprev = nullptr;  // insertion-ordered list; guarded by core mu
  table_entry* lnext = nullptr;
  table_entry* hnext = nullptr;  // chain of entries with the same hash; guarded by core mu
  table_entry* gnext = nullptr;  // pending-unlink or graveyard chain
  const std::size_t hash;
  bool erased = false;  // guarded by core mu
};

/// Container handles to release once the lock is gone. Declare before the lock_guard.
struct graveyard {
  graveyard() = default;
  graveyard(const graveyard&) = delete;
  graveyard& operator=(const graveyard&) = delete;
  void add(table_entry* e) noexcept {
    e->gnext = head;
    head = e;
  }
  ~graveyard() {
    while (head) {
      table_entry* e = head;
      head = e->gnext;
      e->gnext = nullptr;
      e->release();
    }
  }
  table_entry* head = nullptr;
};

struct hash_index {
  table_entry* chain(std::size_t h) const noexcept {
    auto it = map.find(h);
    return it == map.end() ? nullptr : it->second;
  }
  void insert(table_entry* e) {  // may throw std::bad_alloc, then no effect
    auto [it, fresh] = map.try_emplace(e->hash, e);
    if (!fresh) {
      e->hnext = it->second;
      it->second = e;
    }
    ++gen;
  }
  /// Put `e` where `old` is in its chain (same hash); `old` leaves the index.
  void replace(table_entry* old, table_entry* e) noexcept {
    auto it = map.find(old->hash);
    if (it == map.end()) return;
    table_entry** pp = &it->second;
    while (*pp && *pp != old) pp = &(*pp)->hnext;
    if (!*pp) return;
    e->hnext = old->hnext;
    *pp = e;
    old->hnext = nullptr;
    ++gen;
  }
  void remove(table_entry* e) noexcept {
    auto it = map.find(e->hash);
    if (it == map.end()) return;
    table_entry** pp = &it->second;
    while (*pp && *pp != e) pp = &(*pp)->hnext;
    if (*pp) *pp = e->hnext;
    e->hnext = nullptr;
    if (!it->second) map.erase(it);
  }
  std::unordered_map<std::size_t, table_entry*> map;
  /// Bumped by every entry put into the index (insert, replace): a lookup
  /// that compared candidates outside the lock (user code) and found none
  /// is still valid if gen did not move; one that found a match is valid
  /// while the match is not erased. Removals of other entries do not
  /// invalidate a lookup (as in CPython's dict, which restarts a lookup only
  /// when the compared entry or the table changed).
  std::uint64_t gen = 0;
};

struct table_core {
  table_core() = default;
  table_core(const table_core&) = delete;
  table_core& operator=(const table_core&) = delete;

  void append(table_entry* e) noexcept {
    e->lprev = last;
    e->lnext = nullptr;
    if (last) last->lnext = e; else first = e;
    last = e;
    ++live;
  }
  /// Put `e` into the list just before `pos` (which is in the list): it takes
  /// pos's place in iteration order. An iterator already on `pos` does not
  /// visit `e`; one before `pos` does.
  void insert_before(table_entry* e, table_entry* pos) noexcept {
    e->lnext = pos;
    e->lprev = pos->lprev;
    if (pos->lprev) pos->lprev->lnext = e; else first = e;
    pos->lprev = e;
    ++live;
  }
  void unlink(table_entry* e) noexcept {
    if (e->lprev) e->lprev->lnext = e->lnext; else first = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev; else last = e->lprev;
    e->lprev = e->lnext = nullptr;
  }
  /// The caller removed `e` from its index; drop it from the list now, or
  /// when the last iterator goes.
  void retire(table_entry* e, graveyard& gy) noexcept {
    e->erased = true;
    --live;
    if (guards) {
      e->gnext = pending;
      pending = e;
    } else {
      unlink(e);
      gy.add(e);
    }
  }
  /// Retire every live entry (clear()). `retire` unlinks when no iterator
  /// exists, so the successor is taken before.
  void retire_all(graveyard& gy) noexcept {
    for (table_entry* c = first; c;) {
      table_entry* nx = c->lnext;
      if (!c->erased) {
        index.remove(c);
        retire(c, gy);
      }
      c = nx;
    }
  }
  void unguard(graveyard& gy) noexcept {
    if (--guards != 0) return;
    while (pending) {
      table_entry* e = pending;
      pending = e->gnext;
      unlink(e);
      gy.add(e);
    }
  }
  /// Called only when nobody else can reach the core.
  void destroy_all() noexcept {
    for (table_entry* e = first; e;) {
      table_entry* nx = e->lnext;
      e->release();
      e = nx;
    }
    first = last = nullptr;
  }

  mutable mutex mu;
  hash_index index;              // guarded by mu
  table_entry* first = nullptr;  // guarded by mu
  table_entry* last = nullptr;
  std::size_t live = 0;
  std::size_t guards = 0;
  table_entry* pending = nullptr;
};

/// Iteration cursor: holds the core, a guard, the current entry and a pin
/// (strong owner) of what it yields. Core must provide
///   static Pin pin(Entry*)          (under the lock; empty if dead)
///   static bool pinned(const Pin&)
template <class Core, class Entry, class Pin>
class cursor {
 public:
  cursor() noexcept = default;
  explicit cursor(std::shared_ptr<Core> c) : core_(std::move(c)) {
    if (!core_) return;
    {
      std::lock_guard<mutex> g(core_->mu);
      ++core_->guards;
    }
    step(true);
  }
  cursor(const cursor& o) : core_(o.core_), cur_(o.cur_), pin_(o.pin_) {
    if (core_) {
      std::lock_guard<mutex> g(core_->mu);
      ++core_->guards;
    }
  }
  cursor(cursor&& o) noexcept
      : core_(std::move(o.core_)), cur_(std::exchange(o.cur_, nullptr)), pin_(std::move(o.pin_)) {}
  cursor& operator=(cursor o) noexcept {
    swap(o);
    return *this;
  }
  ~cursor() { drop(); }
  void swap(cursor& o) noexcept {
    std::swap(core_, o.core_);
    std::swap(cur_, o.cur_);
    std::swap(pin_, o.pin_);
  }

  void next() { step(false); }
  Entry* entry() const noexcept { return cur_; }
  const Pin& pin() const noexcept { return pin_; }
  bool operator==(const cursor& o) const noexcept { return cur_ == o.cur_; }

 private:
  void drop() noexcept {
    if (!core_) return;
    {
      graveyard gy;
      std::lock_guard<mutex> g(core_->mu);
      core_->unguard(gy);
    }
    core_.reset();
  }
  void step(bool from_begin) {
    Pin found_pin{};
    Entry* found = nullptr;
    {
      graveyard gy;
      std::lock_guard<mutex> g(core_->mu);
      table_entry* e = from_begin ? core_->first : cur_->lnext;
      for (; e; e = e->lnext) {
        if (e->erased) continue;
        Pin p = Core::pin(static_cast<Entry*>(e));
        if (Core::pinned(p)) {
          found_pin = std::move(p);
          found = static_cast<Entry*>(e);
          break;
        }
      }
      if (!found) core_->unguard(gy);
    }
    cur_ = found;
    pin_ = std::move(found_pin);  // the previous pin dies outside the lock
    if (!found) core_.reset();
  }

  std::shared_ptr<Core> core_;
  Entry* cur_ = nullptr;
  Pin pin_{};
};

/// A few owners (or entry pins) taken under a container lock and released
/// by the caller after unlocking; the first four need no allocation.
template <class P>
class pin_list {
 public:
  void push(P p) {
    if (n_ < kInline) inl_[n_++] = std::move(p);
    else more_.push_back(std::move(p));
  }
  std::size_t size() const noexcept { return n_ + more_.size(); }
  bool empty() const noexcept { return size() == 0; }
  P& operator[](std::size_t i) noexcept { return i < kInline ? inl_[i] : more_[i - kInline]; }
  void clear() noexcept {
    for (std::size_t i = 0; i < n_; ++i) inl_[i] = P{};
    n_ = 0;
    more_.clear();
  }

 private:
  static constexpr std::size_t kInline = 4;
  std::array<P, kInline> inl_{};
  std::size_t n_ = 0;
  std::vector<P> more_;
};

/// A counted handle to a table entry (keeps it allocated while the lock is
/// released; its key stays readable).
class entry_pin {
 public:
  entry_pin() noexcept = default;
  explicit entry_pin(table_entry* e) noexcept : e_(e) { e_->acquire(); }
  entry_pin(entry_pin&& o) noexcept : e_(std::exchange(o.e_, nullptr)) {}
  entry_pin& operator=(entry_pin&& o) noexcept {
    entry_pin(std::move(o)).swap(*this);
    return *this;
  }
  ~entry_pin() {
    if (e_) e_->release();
  }
  void swap(entry_pin& o) noexcept { std::swap(e_, o.e_); }
  table_entry* get() const noexcept { return e_; }

 private:
  table_entry* e_ = nullptr;
};

template <class Entry, class T>
struct referent_pin {
  Entry* e = nullptr;
  entry_pin hold;  // keeps the entry allocated while unlocked
  std::shared_ptr<T> sp;
};
template <class Entry, class T>
using referent_pins = pin_list<referent_pin<Entry, T>>;

/// Lookup in a table keyed by referents (weak_set, weak_key_dict), with `g`
/// holding the table's lock. The same object (same weak block) matches under
/// the lock. Value equality (T's operator==, user code that may drop owners
/// of elements of this very table, or use it) runs with the lock released:
/// the candidates are pinned into `pins`, compared unlocked, and the lookup
/// starts over if its result went stale meanwhile (the match was removed,
/// or, when nothing matched, an entry was added). On a normal return `g`
/// holds the lock and the result is current; if operator== throws, `g` is
/// unlocked. `pins` must outlive `g` (the owners are released unlocked).
template <class T, class Entry>
Entry* find_referent(const table_core& c, std::unique_lock<mutex>& g, const T* p, const weak_block* b,
                     std::size_t h, referent_pins<Entry, T>& pins) {
  for (;;) {
    bool others = false;
    for (table_entry* x = c.index.chain(h); x; x = x->hnext) {
      if (x->blk == b) return static_cast<Entry*>(x);
      others = true;
    }
    if constexpr (!value_keyed<T>) {
      return nullptr;
    } else {
      if (!others) return nullptr;
      const std::uint64_t gen = c.index.gen;
      for (table_entry* x = c.index.chain(h); x; x = x->hnext) {
        auto* e = static_cast<Entry*>(x);
        if (auto sp = upgrade(e->blk, e->ptr)) pins.push({e, entry_pin(e), std::move(sp)});
      }
      if (pins.empty()) return nullptr;
      g.unlock();
      Entry* match = nullptr;
      for (std::size_t i = 0; i < pins.size(); ++i)
        if (referent_equal<T>(*pins[i].sp, *p)) {
          match = pins[i].e;
          break;
        }
      g.lock();
      if (match ? !match->erased : c.index.gen == gen) return match;
      g.unlock();
      pins.clear();
      g.lock();
    }
  }
}

/// A live view of a weak dict (Python's keys(), values(), items()):
/// iterating it iterates the dict (`It`, made from the shared state `Core`);
/// Part 0 yields it.key(), 1 it.value(), 2 *it. It shares the dict's state,
/// so it stays valid after the dict handle is gone.
template <class Core, class It, int Part, class Value, class Ref>
class dict_view {
 public:
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using difference_type = std::ptrdiff_t;
    using value_type = Value;
    using reference = Ref;
    iterator() = default;
    reference operator*() const noexcept {
      if constexpr (Part == 0) return it_.key();
      else if constexpr (Part == 1) return it_.value();
      else return *it_;
    }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) {
      iterator t = *this;
      ++it_;
      return t;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.it_ == b.it_; }

   private:
    friend class dict_view;
    explicit iterator(It it) : it_(std::move(it)) {}
    It it_;
  };
  explicit dict_view(std::shared_ptr<Core> c) noexcept : core_(std::move(c)) {}
  iterator begin() const { return iterator(It(core_)); }
  iterator end() const noexcept { return iterator(); }
  std::size_t size() const noexcept {
    std::lock_guard<mutex> g(core_->mu);
    return core_->live;
  }
  bool empty() const noexcept { return size() == 0; }

 private:
  std::shared_ptr<Core> core_;
};

/// Key types whose equality and copy are known not to call back into user
/// code: compared and copied under the lock (fast path).
template <class K>
inline constexpr bool trusted_key_v =
    std::is_arithmetic_v<K> || std::is_enum_v<K> || std::is_pointer_v<K> ||
    std::is_same_v<K, std::string> || std::is_same_v<K, std::wstring> || std::is_same_v<K, std::u8string> ||
    std::is_same_v<K, std::u16string> || std::is_same_v<K, std::u32string> || std::is_same_v<K, std::string_view>;
template <class K, class Eq>
inline constexpr bool trusted_eq_v =
    trusted_key_v<K> && (std::is_same_v<Eq, std::equal_to<K>> || std::is_same_v<Eq, std::equal_to<>>);

/// A range of strong owners of T (what the set algebra accepts).
template <class R, class T>
concept owner_range = std::ranges::input_range<R> &&
                      std::convertible_to<std::ranges::range_reference_t<R>, std::shared_ptr<T>>;

/// A range of pair-likes (update() and the dict constructors accept them).
template <class R>
concept pair_range = std::ranges::input_range<R> &&
                     requires { typename std::tuple_size<std::remove_cvref_t<std::ranges::range_reference_t<R>>>::type; };

/// Python's mapping merge operators for a weak dict D (CRTP base): d |= r
/// and d | r are d.update(r) on d or a copy; r | d (__ror__) is a new dict
/// with r's pairs, then d's. D provides update(const R&) for pair ranges.
template <class D>
struct mapping_merge_ops {
  template <pair_range R>
  D& operator|=(const R& r) {
    D& self = static_cast<D&>(*this);
    self.update(r);
    return self;
  }
  template <pair_range R>
  friend D operator|(const D& a, const R& b) {
    D r(a);
    r.update(b);
    return r;
  }
  template <pair_range R>
    requires(!std::is_same_v<R, D>)
  friend D operator|(const R& a, const D& b) {
    D r;
    r.update(a);
    r.update(b);
    return r;
  }
};

}  // namespace weakref::detail

namespace weakref {

/// What dereferencing a weak dict iterator yields: a std::pair (structured
/// bindings, std::get, std::views::keys/values work) that holds a strong
/// owner of the weakly held side, so it stays valid after the iterator is
/// gone (`auto [k, v] = *d.begin();` is fine). Its value_type counterpart is
/// the plain std::pair.
template <class A, class B>
struct item_ref : std::pair<A, B> {
  using std::pair<A, B>::pair;
};

}  // namespace weakref

template <class A, class B>
struct std::tuple_size<weakref::item_ref<A, B>> : std::integral_constant<std::size_t, 2> {};
template <std::size_t I, class A, class B>
struct std::tuple_element<I, weakref::item_ref<A, B>> : std::tuple_element<I, std::pair<A, B>> {};
template <class A, class B, class U1, class U2, template <class> class TQ, template <class> class UQ>
struct std::basic_common_reference<weakref::item_ref<A, B>, std::pair<U1, U2>, TQ, UQ> {
  using type = std::pair<U1, U2>;
};
template <class A, class B, class U1, class U2, template <class> class TQ, template <class> class UQ>
struct std::basic_common_reference<std::pair<U1, U2>, weakref::item_ref<A, B>, TQ, UQ> {
  using type = std::pair<U1, U2>;
};
