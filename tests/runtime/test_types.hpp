// Shared test types for the weakref runtime tests.
#pragma once

#include <weakref/weakref.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace wt {

inline constexpr unsigned kAlive = 0xA11FE;
inline constexpr unsigned kDead = 0xDEAD;

/// Identity-keyed object (no operator==, no std::hash). Checks its own
/// liveness so that a use after death shows up even without ASan.
struct Obj : weakref::enable_weakref<Obj> {
  explicit Obj(int i = 0) : id(i) {}
  ~Obj() { magic = kDead; }
  int id;
  volatile unsigned magic = kAlive;
  int get() const { return id; }
  int add(int x) const { return id + x; }
  bool alive() const { return magic == kAlive; }
};

/// Value-keyed object: operator== and std::hash by value.
struct Val : weakref::enable_weakref<Val> {
  explicit Val(int v) : v(v) {}
  int v;
  bool operator==(const Val& o) const { return v == o.v; }
};

/// Records strings in order (thread-safe).
struct Log {
  void add(std::string s) {
    std::lock_guard<std::mutex> g(mu);
    items.push_back(std::move(s));
  }
  std::vector<std::string> get() {
    std::lock_guard<std::mutex> g(mu);
    return items;
  }
  std::mutex mu;
  std::vector<std::string> items;
};

/// Installs a capturing unraisable hook for the scope of the object.
struct CaptureHook {
  CaptureHook() {
    prev = weakref::set_unraisable_hook([this](const weakref::unraisable_info& i) {
      std::lock_guard<std::mutex> g(mu);
      infos.push_back(i);
    });
  }
  ~CaptureHook() { weakref::set_unraisable_hook(prev); }
  std::vector<weakref::unraisable_info> get() {
    std::lock_guard<std::mutex> g(mu);
    return infos;
  }
  std::mutex mu;
  std::vector<weakref::unraisable_info> infos;
  weakref::unraisable_hook prev;
};

}  // namespace wt

template <>
struct std::hash<wt::Val> {
  std::size_t operator()(const wt::Val& x) const noexcept { return std::hash<int>{}(x.v) ^ 0x9e3779b9u; }
};
