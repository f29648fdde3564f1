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

#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
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

}  // namespace weakref::detail
