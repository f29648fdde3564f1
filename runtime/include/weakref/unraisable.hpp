// weakref/unraisable.hpp - where exceptions from death callbacks and
// finalizers go (Python: sys.unraisablehook).
//
// A callback runs inside the destructor of the object that died, or at
// program exit; an exception cannot propagate from there. The runtime catches
// it and calls the unraisable hook with an `unraisable_info`, then goes on
// with the remaining callbacks (CB6).
//
// Default hook: writes exactly one line to stderr,
//   Exception ignored in: weakref callback <ref to 'Foo' at 0x...>: what()
//   Exception ignored in: weakref callback <finalize to 'Foo' at 0x...>: what()
// (the address is the referent's; it is already destroyed).
//
// Thread-safety: set_unraisable_hook and the reporting path may be used from
// any thread. A hook may run concurrently on several threads (one per dying
// object); it must be thread-safe itself. A hook may call
// set_unraisable_hook. Exceptions thrown by a hook are swallowed.
//
// Exception guarantees: set_unraisable_hook offers the strong guarantee
// (it may throw std::bad_alloc); reporting never throws.
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#include <cstdlib>
#define WEAKREF_HAVE_CXXABI 1
#endif

namespace weakref {

/// What the unraisable hook receives (Python: UnraisableHookArgs).
struct unraisable_info {
  std::exception_ptr exception;  ///< the exception that was caught
  std::string what;              ///< its what(), or "unknown exception"
  std::string err_msg;           ///< "Exception ignored in"
  std::string object;            ///< "weakref callback <ref to 'Foo' at 0x...>" or "<finalize to ...>"
};

using unraisable_hook = std::function<void(const unraisable_info&)>;

namespace detail {

struct hook_state {
  std::mutex mu;  // only touched when setting the hook or reporting an exception
  std::shared_ptr<const unraisable_hook> hook;
};

inline hook_state& hooks() noexcept {
  // Never destroyed: exceptions may be reported during static destruction.
  static hook_state* s = new hook_state;
  return *s;
}

inline std::string demangle(const char* name) {
#ifdef WEAKREF_HAVE_CXXABI
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status == 0 && d) {
    std::string out(d);
    std::free(d);
    return out;
  }
#endif
  return name;
}

inline std::string describe(std::string_view kind, const std::type_info& type, const void* address) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", address);
  std::string s;
  s.reserve(64);
  s += "weakref callback <";
  s += kind;
  s += " to '";
  s += demangle(type.name());
  s += "' at ";
  s += buf;
  s += ">";
  return s;
}

inline void default_hook(const unraisable_info& info) noexcept {
  std::string line = info.err_msg + ": " + info.object + ": " + info.what + "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

/// Report the current exception (call from inside a catch block). Never throws.
inline void report_unraisable(std::exception_ptr ep, std::string_view kind, const std::type_info& type,
                              const void* address) noexcept {
  try {
    unraisable_info info;
    info.exception = ep;
    info.err_msg = "Exception ignored in";
    info.object = describe(kind, type, address);
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      info.what = e.what();
    } catch (...) {
      info.what = "unknown exception";
    }
    std::shared_ptr<const unraisable_hook> h;
    {
      std::lock_guard<std::mutex> g(hooks().mu);
      h = hooks().hook;
    }
    if (h && *h) {
      try {
        (*h)(info);
      } catch (...) {
      }
    } else {
      default_hook(info);
    }
  } catch (...) {
    std::fputs("Exception ignored in: weakref callback: (could not report)\n", stderr);
  }
}

}  // namespace detail

/// Install `fn` as the unraisable hook and return the previous one (empty
/// if the default was active). Passing an empty function restores the
/// default (one line on stderr).
inline unraisable_hook set_unraisable_hook(unraisable_hook fn) {
  std::shared_ptr<const unraisable_hook> next;
  if (fn) next = std::make_shared<const unraisable_hook>(std::move(fn));
  std::shared_ptr<const unraisable_hook> prev;
  {
    std::lock_guard<std::mutex> g(detail::hooks().mu);
    prev = std::exchange(detail::hooks().hook, std::move(next));
  }
  return prev ? *prev : unraisable_hook{};
}

}  // namespace weakref
