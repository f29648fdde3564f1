// weakref/finalize.hpp - weakref::finalize, Python's weakref.finalize.
//
//   auto box = std::make_shared<LockBox>(10);     // LockBox : enable_weakref<LockBox>
//   weakref::finalize fin(box, [](int n) { std::puts("unlocked"); }, 10);
//   fin.alive();      // true
//   fin.peek();       // optional<tuple<shared_ptr<LockBox>, shared_ptr<const F>,
//                     //                shared_ptr<const tuple<Args...>>>>
//   fin();            // run now (at most once); later calls do nothing
//   fin.detach();     // kill without running: the peek() tuple if it was
//                     //   alive (Python's (obj, func, args, kwargs)), else nullopt
//   fin.atexit(false);
//   weakref::finalizer any = fin;   // type-erased handle (storable as a member)
//
// `finalize<T, F, Args...>` is deduced from the constructor arguments. The
// function is called as f(args...) with the stored (decayed) copies; a
// function that cannot be called that way is a compile-time error with a
// readable message. The function must not own the referent (directly or
// through an argument): then the referent can never die and the finalizer
// never fires (F8 - the analyzer's weakref-finalizer-captures-referent check
// diagnoses it).
//
// Expiry / lifetime (F5): a finalizer keeps itself alive until it fires or
// is detached; destroying every `finalize` handle does not cancel it. After
// it fires (or is detached) the function and arguments are released (a peek()
// result taken earlier keeps its own copies alive). Copies of a `finalize`
// are handles to the same finalizer.
//
// Callback order: at the referent's death the function runs exactly once,
// after the referent is dead, in the same newest-first order as ref
// callbacks (F4, F6). At normal program exit (std::atexit, registered when
// the first finalizer is created) every live finalizer whose atexit() flag
// is set (the default) runs, newest first (a finalizer created by one of
// them runs next, as in CPython); exceptions there are reported and the rest
// still run; after that pass nothing runs anymore (F7), not even
// finalizers whose referent dies during static destruction.
//
// Iterator invalidation: not applicable.
//
// Exceptions: from operator() they propagate to the caller; at death or exit
// they go to the unraisable hook.
//
// Thread-safety: every member function may be called concurrently with any
// other and with the referent's death on another thread; exactly one of
// operator(), detach() and the death/exit run wins. Creating finalizers takes
// one of 16 sharded registry locks (for the exit pass), never a global one.
//
// Exception guarantees: construction may throw std::bad_alloc or what
// copying f/args throws, with no effect; alive/atexit/detach never throw.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "weakref/detail/block.hpp"
#include "weakref/enable_weakref.hpp"
#include "weakref/exceptions.hpp"
#include "weakref/unraisable.hpp"

namespace weakref {
namespace detail {

struct fin_node_base;

/// invoke_result_t that is void (instead of a hard error) when not invocable,
/// so that the static_assert below is the message the user sees.
template <class F, class... A>
struct safe_result {
  using type = void;
};
template <class F, class... A>
  requires std::is_invocable_v<F&, A&...>
struct safe_result<F, A...> {
  using type = std::invoke_result_t<F&, A&...>;
};

struct fin_registry {
  static constexpr unsigned shards = 16;
  struct shard {
    mutex mu;
    fin_node_base* head = nullptr;
  };
  shard s[shards];
  std::atomic<std::uint64_t> seq{0};
  std::atomic<bool> shutdown{false};
};

inline void run_finalizers_at_exit() noexcept;

inline fin_registry& registry() noexcept {
  // Never destroyed: objects may die during static destruction.
  static fin_registry* r = [] {
    auto* p = new fin_registry;
    std::atexit(&run_finalizers_at_exit);
    return p;
  }();
  return *r;
}

struct fin_node_base : cb_node {
  fin_node_base(weak_block* b, const std::type_info& t, const void* addr) noexcept
      : cb_node(b, 2 /* the handle + self-ownership until it fires */), type(&t), address(addr) {}

  /// Register in the exit registry; call once after link().
  void enroll() noexcept {
    fin_registry& r = registry();
    seq = r.seq.fetch_add(1, std::memory_order_relaxed);
    shard_index = static_cast<unsigned>(seq % fin_registry::shards);
    auto& sh = r.s[shard_index];
    std::lock_guard<mutex> g(sh.mu);
    reg_next = sh.head;
    if (reg_next) reg_next->reg_prev = this;
    sh.head = this;
  }

  /// Exactly one caller gets true: it owns the run/detach.
  bool claim() noexcept {
    if (!alive.exchange(false, std::memory_order_acq_rel)) return false;
    auto& sh = registry().s[shard_index];
    std::lock_guard<mutex> g(sh.mu);
    if (reg_prev) reg_prev->reg_next = reg_next; else sh.head = reg_next;
    if (reg_next) reg_next->reg_prev = reg_prev;
    reg_prev = reg_next = nullptr;
    return true;
  }

  /// After a successful claim: run (unless shut down) reporting exceptions,
  /// drop the payload, drop self-ownership.
  void run_reporting() noexcept {
    if (!registry().shutdown.load(std::memory_order_acquire)) {
      try {
        invoke_payload();
      } catch (...) {
        report_unraisable(std::current_exception(), "finalize", *type, address);
      }
    }
    drop_payload();
    release();  // self-ownership
  }

  void fire() noexcept override {
    if (claim()) run_reporting();
  }

  virtual void invoke_payload() = 0;
  virtual void drop_payload() noexcept = 0;

  /// Explicit call through a type-erased handle: runs at most once, result
  /// discarded, exceptions propagate. True if it ran.
  bool call_erased() {
    if (!claim()) return false;
    struct self_release {
      fin_node_base* n;
      ~self_release() {
        n->drop_payload();
        n->release();
      }
    } guard{this};
    if (registry().shutdown.load(std::memory_order_acquire)) return false;
    invoke_payload();
    return true;
  }

  std::atomic<bool> alive{true};
  std::atomic<bool> at_exit{true};
  std::uint64_t seq = 0;
  unsigned shard_index = 0;
  fin_node_base* reg_prev = nullptr;  // guarded by the shard lock
  fin_node_base* reg_next = nullptr;
  const std::type_info* type;
  const void* address;
};

inline void run_finalizers_at_exit() noexcept {
  fin_registry& r = registry();
  try {
    for (;;) {
      std::vector<fin_node_base*> pending;
      const std::uint64_t generation = r.seq.load(std::memory_order_acquire);
      for (auto& sh : r.s) {
        std::lock_guard<mutex> g(sh.mu);
        for (fin_node_base* n = sh.head; n; n = n->reg_next)
          if (n->at_exit.load(std::memory_order_acquire) && n->try_acquire()) pending.push_back(n);
      }
      if (pending.empty()) break;
      std::sort(pending.begin(), pending.end(),
                [](const fin_node_base* a, const fin_node_base* b) { return a->seq > b->seq; });
      // CPython's _exitfunc: a finalizer created by one that runs here
      // ("dirty" registry) is the newest, so it runs next - re-select then.
      bool ran = false;
      std::size_t i = 0;
      while (i < pending.size()) {
        fin_node_base* n = pending[i++];
        if (n->claim()) {
          ran = true;
          n->run_reporting();
        }
        n->release();
        if (r.seq.load(std::memory_order_acquire) != generation) break;
      }
      for (; i < pending.size(); ++i) pending[i]->release();
      if (!ran) break;
    }
  } catch (...) {
  }
  r.shutdown.store(true, std::memory_order_release);
}

template <class T, class F, class... Args>
struct fin_node final : fin_node_base {
  struct payload {
    F f;
    std::tuple<Args...> args;
  };
  using result = typename safe_result<F, Args...>::type;

  fin_node(weak_block* b, T* obj, std::shared_ptr<payload> p) noexcept
      : fin_node_base(b, typeid(T), obj), ptr(obj), data(std::move(p)) {}

  std::shared_ptr<payload> take() noexcept {
    std::lock_guard<mutex> g(mu);
    return std::move(data);
  }
  std::shared_ptr<payload> get() const noexcept {
    std::lock_guard<mutex> g(mu);
    return data;
  }
  static result call(payload& p) {
    return std::apply([&](Args&... a) -> result { return std::invoke(p.f, a...); }, p.args);
  }
  void invoke_payload() override {
    std::shared_ptr<payload> p = get();
    if (p) call(*p);
  }
  void drop_payload() noexcept override {
    // Released outside the node lock: destroying f/args may run user code.
    std::shared_ptr<payload> p = take();
  }

  T* ptr;
  mutable mutex mu;
  std::shared_ptr<payload> data;  // guarded by mu
};

}  // namespace detail

template <class T, class F, class... Args>
class finalize {
  static_assert(detail::weakly_referenceable<T>,
                "cannot create weak reference to this type: T must derive publicly from "
                "weakref::enable_weakref<T> (Python: cannot create weak reference to 'X' object)");
  static_assert(std::is_invocable_v<F&, Args&...>,
                "weakref::finalize: the function cannot be called with the stored arguments "
                "(it is called as f(args...) with exactly the arguments given after it)");
  using node = detail::fin_node<T, F, Args...>;

 public:
  using result_type = typename detail::safe_result<F, Args...>::type;
  /// What operator() returns: bool (ran or not) for void functions,
  /// std::optional<R> otherwise.
  using call_result = std::conditional_t<std::is_void_v<result_type>, bool,
                                         std::optional<std::remove_cvref_t<result_type>>>;
  using peek_type = std::tuple<std::shared_ptr<T>, std::shared_ptr<const F>, std::shared_ptr<const std::tuple<Args...>>>;

  template <class U, class G, class... A>
    requires std::is_convertible_v<U*, T*>
  finalize(const std::shared_ptr<U>& sp, G&& f, A&&... args) {
    if (!sp) throw type_error("cannot create weak reference to a null shared_ptr");
    (void)detail::registry();  // created (and std::atexit registered) before anything can fail later
    T* p = sp.get();
    auto data = std::make_shared<typename node::payload>(
        typename node::payload{F(std::forward<G>(f)), std::tuple<Args...>(std::forward<A>(args)...)});
    detail::weak_block* b = detail::access::block_for(p, sp);
    node_ = new node(b, p, std::move(data));
    node_->link();
    node_->enroll();
  }

  finalize(const finalize& o) noexcept : node_(o.node_) { node_->acquire(); }
  finalize& operator=(const finalize& o) noexcept {
    if (node_ != o.node_) {
      o.node_->acquire();
      node_->release();
      node_ = o.node_;
    }
    return *this;
  }
  ~finalize() { node_->release(); }

  /// F2: run now if alive, at most once; returns the result (or whether it ran).
  call_result operator()() {
    if (!node_->claim()) return call_result{};
    std::shared_ptr<typename node::payload> p = node_->take();
    struct self_release {
      node* n;
      ~self_release() { n->release(); }
    } guard{node_};
    if (detail::registry().shutdown.load(std::memory_order_acquire) || !p) return call_result{};
    if constexpr (std::is_void_v<result_type>) {
      node::call(*p);
      return true;
    } else {
      return call_result{node::call(*p)};
    }
  }

  /// F3: kill without running. Python's detach() returns
  /// (obj, func, args, kwargs) if it was alive, else None; here the
  /// (object, function, arguments) of peek() - the finalizer's own copies,
  /// now owned by the result - or std::nullopt if it was not alive. Exactly
  /// one of racing detach()/operator()/death calls wins; a detach() that
  /// wins while the object is dying on another thread still returns the
  /// function and arguments, with a null object. Contextually converts to
  /// bool: `if (fin.detach())` asks whether this call detached it.
  std::optional<peek_type> detach() noexcept {
    if (!node_->claim()) return std::nullopt;
    std::shared_ptr<typename node::payload> p = node_->take();
    std::shared_ptr<T> obj = detail::upgrade(node_->blk, node_->ptr);
    node_->release();  // self-ownership (may destroy the node; p keeps the payload)
    if (!p) return std::nullopt;
    std::shared_ptr<const F> f(p, &p->f);
    std::shared_ptr<const std::tuple<Args...>> a(p, &p->args);
    return peek_type{std::move(obj), std::move(f), std::move(a)};
  }

  /// F1: (object, function, arguments) while both finalizer and object are alive.
  std::optional<peek_type> peek() const noexcept {
    if (!node_->alive.load(std::memory_order_acquire)) return std::nullopt;
    std::shared_ptr<typename node::payload> p = node_->get();
    if (!p) return std::nullopt;
    std::shared_ptr<T> obj = detail::upgrade(node_->blk, node_->ptr);
    if (!obj) return std::nullopt;
    std::shared_ptr<const F> f(p, &p->f);
    std::shared_ptr<const std::tuple<Args...>> a(p, &p->args);
    return peek_type{std::move(obj), std::move(f), std::move(a)};
  }

  bool alive() const noexcept { return node_->alive.load(std::memory_order_acquire); }
  bool atexit() const noexcept { return node_->at_exit.load(std::memory_order_acquire); }
  void atexit(bool on) noexcept { node_->at_exit.store(on, std::memory_order_release); }

  friend bool operator==(const finalize& a, const finalize& b) noexcept { return a.node_ == b.node_; }

 private:
  friend class finalizer;
  node* node_;
};

/// A type-erased handle to any finalize<T, F, Args...>, for storing
/// finalizers of different (or unnameable lambda) types, e.g. as a member:
///
///   class Resource : public weakref::enable_weakref<Resource> { ... };
///   weakref::finalizer f = weakref::finalize(res, close_handle, fd);
///
/// Same semantics and thread-safety as finalize; operator() returns whether
/// the function ran (its result is discarded). A default-constructed
/// finalizer is empty: alive() is false and the other operations do nothing.
class finalizer {
 public:
  finalizer() noexcept = default;
  template <class T, class F, class... Args>
  finalizer(const finalize<T, F, Args...>& f) noexcept : node_(f.node_) {  // NOLINT: implicit on purpose
    node_->acquire();
  }
  finalizer(const finalizer& o) noexcept : node_(o.node_) {
    if (node_) node_->acquire();
  }
  finalizer(finalizer&& o) noexcept : node_(std::exchange(o.node_, nullptr)) {}
  finalizer& operator=(finalizer o) noexcept {
    std::swap(node_, o.node_);
    return *this;
  }
  ~finalizer() {
    if (node_) node_->release();
  }

  bool operator()() { return node_ && node_->call_erased(); }
  bool detach() noexcept {
    if (!node_ || !node_->claim()) return false;
    node_->drop_payload();
    node_->release();
    return true;
  }
  bool alive() const noexcept { return node_ && node_->alive.load(std::memory_order_acquire); }
  bool atexit() const noexcept { return node_ && node_->at_exit.load(std::memory_order_acquire); }
  void atexit(bool on) noexcept {
    if (node_) node_->at_exit.store(on, std::memory_order_release);
  }
  explicit operator bool() const noexcept { return node_ != nullptr; }
  friend bool operator==(const finalizer& a, const finalizer& b) noexcept { return a.node_ == b.node_; }

 private:
  detail::fin_node_base* node_ = nullptr;
};

template <class U, class G, class... A>
finalize(std::shared_ptr<U>, G, A...) -> finalize<U, std::decay_t<G>, std::decay_t<A>...>;

}  // namespace weakref
