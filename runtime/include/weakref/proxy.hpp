// weakref/proxy.hpp - weakref::proxy<T>, Python's weakref.proxy.
//
//   weakref::proxy<Foo> p(obj);
//   p->method();        // obj pinned (a strong owner held) for the call
//   p(args...);         // forwards a call if Foo is callable
//   p[i]; p[i] = v;     // subscripts, if Foo has operator[]
//   p + 1; 1 + p; -p; p += 2; p == q; p < 3;   // operators of Foo
//   if (p) ...          // Foo's truth value (true if Foo has none)
//   static_cast<int>(p) // Foo's explicit conversions (Python: int(p), bytes(p))
//   for (auto& x : p)   // Foo's begin()/end() (also rbegin()/rend())
//   auto strong = p.pin();
//
// Expiry: dead when the referent's last owner goes. Any use of a dead proxy
// (->, call, subscript, operators, conversions, truth value, begin/end, pin,
// apply) throws weakref::reference_error (P2), like Python's ReferenceError;
// alive() is a hint and the only query that does not throw.
//
// Pinning (P1): every forwarded operation holds a std::shared_ptr to the
// referent for its duration: operator-> returns a temporary that pins until
// the end of the full-expression; a subscript that yields an lvalue returns
// `proxy::item`, a reference wrapper that pins while it lives (so `p[i] = v`
// and `int x = p[i]` work and cannot dangle); iterators returned by
// begin()/end() pin the referent while they live, so iterating a proxy is
// safe even if another thread drops the last owner mid-loop. Operators
// return by value (a result that is a reference into the referent is
// copied), except that `x OP p` returning x itself (`std::cout << p`)
// returns that reference, and the compound assignments return the proxy
// itself when the referent's operator returns the referent.
//
// Hashing (P3): proxies are not hashable: std::hash<proxy<T>> is disabled
// and there is no hash() member (Python: TypeError, even if T is hashable).
//
// Callbacks: proxy<T>(sp, cb) registers `cb(ref<T>&)` exactly like ref<T>
// (same order and guarantees); the proxy keeps that record alive.
// Callback-less proxies to one object share one record of their own (as
// CPython reuses its basic proxy), distinct from the refs' shared record;
// weak().id() is the record's identity.
//
// Iterator invalidation: a proxy's iterators are the referent's iterators
// (wrapped); they are invalidated exactly when the referent's are.
//
// Thread-safety: as for ref<T>; what the forwarded operations do
// concurrently is up to T.
// Exception guarantees: construction as for ref<T>; forwarded operations
// throw reference_error when dead, else whatever the forwarded operation
// throws (the proxy itself is unchanged).
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

#include "weakref/exceptions.hpp"
#include "weakref/ref.hpp"

namespace weakref {

template <class T>
class proxy;

namespace detail {
template <class P>
struct is_proxy : std::false_type {};
template <class T>
struct is_proxy<proxy<T>> : std::true_type {};
template <class P>
concept pinned_item = requires { typename std::remove_cvref_t<P>::is_pinned_item; };
/// An operand forwarded as is: neither a proxy nor a proxy's element
/// reference (those are unwrapped or have operators of their own).
template <class P>
concept not_proxy = !is_proxy<std::remove_cvref_t<P>>::value && !pinned_item<P>;

/// Decay-copy a result that refers into the referent (the pin ends with the
/// operation); pass values through.
template <class R>
using by_value_t = std::remove_cvref_t<R>;

/// An iterator of the referent, pinning it while it lives.
template <class T, class It>
class pinning_iterator {
 public:
  using iterator_type = It;
  using value_type = typename std::iterator_traits<It>::value_type;
  using difference_type = typename std::iterator_traits<It>::difference_type;
  using reference = typename std::iterator_traits<It>::reference;
  using pointer = typename std::iterator_traits<It>::pointer;
  using iterator_category = std::conditional_t<
      std::is_base_of_v<std::forward_iterator_tag, typename std::iterator_traits<It>::iterator_category>,
      std::forward_iterator_tag, std::input_iterator_tag>;

  pinning_iterator() = default;
  pinning_iterator(std::shared_ptr<T> owner, It it) : owner_(std::move(owner)), it_(std::move(it)) {}

  reference operator*() const { return *it_; }
  pinning_iterator& operator++() {
    ++it_;
    return *this;
  }
  pinning_iterator operator++(int) {
    pinning_iterator old = *this;
    ++it_;
    return old;
  }
  friend bool operator==(const pinning_iterator& a, const pinning_iterator& b) { return a.it_ == b.it_; }
  const It& base() const noexcept { return it_; }

 private:
  std::shared_ptr<T> owner_;
  It it_{};
};
}  // namespace detail

template <class T>
class proxy {
  template <class P>
  static constexpr bool self = std::is_same_v<std::remove_cvref_t<P>, proxy>;

 public:
  using element_type = T;
  /// What operator-> returns: holds the referent for the full-expression.
  class pinned {
   public:
    T* operator->() const noexcept { return owner_.get(); }
    T& operator*() const noexcept { return *owner_; }

   private:
    friend class proxy;
    explicit pinned(std::shared_ptr<T> o) noexcept : owner_(std::move(o)) {}
    std::shared_ptr<T> owner_;
  };

  /// What a subscript yielding an lvalue returns: a reference to the element
  /// that pins the referent while it lives.
  template <class E>
  class item {
   public:
    using is_pinned_item = void;
    operator E&() const noexcept { return *elem_; }  // NOLINT: implicit on purpose (int x = p[i])
    E& get() const noexcept { return *elem_; }
    template <class V>
      requires std::is_assignable_v<E&, V&&>
    const item& operator=(V&& v) const {
      *elem_ = std::forward<V>(v);
      return *this;
    }
    const item& operator=(const item& o) const {
      *elem_ = *o.elem_;
      return *this;
    }
    item(const item&) = default;
    template <class I, detail::not_proxy V>
      requires std::is_same_v<I, item> && requires(const E& e, const V& v) { e == v; }
    friend bool operator==(const I& a, const V& v) {
      return static_cast<bool>(*a.elem_ == v);
    }

   private:
    friend class proxy;
    item(std::shared_ptr<T> o, E* e) noexcept : owner_(std::move(o)), elem_(e) {}
    std::shared_ptr<T> owner_;
    E* elem_;
  };

  /// weakref.proxy(obj): callback-less proxies to one object share one
  /// record (not the one of the callback-less refs). Throws type_error if
  /// `sp` is null.
  template <class U>
    requires std::is_convertible_v<U*, T*>
  explicit proxy(const std::shared_ptr<U>& sp) : ref_(shared_record(sp)) {}

  /// weakref.proxy(obj, None).
  template <class U>
    requires std::is_convertible_v<U*, T*>
  proxy(const std::shared_ptr<U>& sp, std::nullptr_t) : proxy(sp) {}

  /// weakref.proxy(obj, callback): a record of its own, `cb(ref<T>&)`.
  template <class U, class F>
    requires std::is_convertible_v<U*, T*> && (!std::is_same_v<std::remove_cvref_t<F>, std::nullptr_t>)
  proxy(const std::shared_ptr<U>& sp, F&& cb) : ref_(sp, std::forward<F>(cb)) {}

  /// Forward member access; throws reference_error if dead.
  pinned operator->() const { return pinned(pin()); }

  /// A strong owner; throws reference_error if dead.
  std::shared_ptr<T> pin() const {
    std::shared_ptr<T> sp = ref_.lock();
    if (!sp) throw reference_error("weakly-referenced object no longer exists");
    return sp;
  }

  /// Forward a call: `p(args...)` is `(*obj)(args...)` with obj pinned.
  template <class... A>
    requires std::is_invocable_v<T&, A...>
  decltype(auto) operator()(A&&... a) const {
    std::shared_ptr<T> sp = pin();
    return std::invoke(*sp, std::forward<A>(a)...);
  }

  /// Apply `f(T&)` with the referent pinned.
  template <class F>
  decltype(auto) apply(F&& f) const {
    std::shared_ptr<T> sp = pin();
    return std::invoke(std::forward<F>(f), *sp);
  }

  /// Forward a subscript: an lvalue element comes back as a pinning
  /// `item` (assignable), any other result by value.
  template <class I>
    requires requires(T& t, I&& i) { t[std::forward<I>(i)]; }
  auto operator[](I&& i) const {
    std::shared_ptr<T> sp = pin();
    using R = decltype((*sp)[std::forward<I>(i)]);
    if constexpr (std::is_lvalue_reference_v<R>) {
      auto* e = std::addressof((*sp)[std::forward<I>(i)]);
      return item<std::remove_reference_t<R>>(std::move(sp), e);
    } else {
      return detail::by_value_t<R>((*sp)[std::forward<I>(i)]);
    }
  }

  /// The referent's truth value (explicit conversion to bool, or true if T
  /// has none - Python's default); reference_error if dead.
  explicit operator bool() const {
    std::shared_ptr<T> sp = pin();
    if constexpr (std::is_constructible_v<bool, T&>) return static_cast<bool>(*sp);
    else return true;
  }

  /// The referent's explicit conversions: static_cast<V>(p) is
  /// static_cast<V>(*obj) (Python: int(p), float(p), bytes(p), index(p)).
  template <class V>
    requires(!std::is_same_v<V, bool> && !std::is_reference_v<V> && std::is_constructible_v<V, T&>)
  explicit operator V() const {
    std::shared_ptr<T> sp = pin();
    return static_cast<V>(*sp);
  }

  /// Iteration over the referent (Python: iter(p), reversed(p), x in p): the
  /// iterators pin the referent while they live.
  auto begin() const
    requires requires(T& t) { std::begin(t); }
  {
    std::shared_ptr<T> sp = pin();
    auto it = std::begin(*sp);
    return detail::pinning_iterator<T, decltype(it)>(std::move(sp), std::move(it));
  }
  auto end() const
    requires requires(T& t) { std::end(t); }
  {
    std::shared_ptr<T> sp = pin();
    auto it = std::end(*sp);
    return detail::pinning_iterator<T, decltype(it)>(std::move(sp), std::move(it));
  }
  auto rbegin() const
    requires requires(T& t) { std::rbegin(t); }
  {
    std::shared_ptr<T> sp = pin();
    auto it = std::rbegin(*sp);
    return detail::pinning_iterator<T, decltype(it)>(std::move(sp), std::move(it));
  }
  auto rend() const
    requires requires(T& t) { std::rend(t); }
  {
    std::shared_ptr<T> sp = pin();
    auto it = std::rend(*sp);
    return detail::pinning_iterator<T, decltype(it)>(std::move(sp), std::move(it));
  }

  /// A hint: true while the referent is alive.
  bool alive() const noexcept { return !ref_.expired(); }

  /// The underlying weak reference.
  const ref<T>& weak() const noexcept { return ref_; }

  // ---- operators of the referent (Python: the number and comparison
  // protocols of proxy objects) ------------------------------------------
// The proxy operand is a deduced parameter checked first (`self<P>`), so
// that these hidden friends, which ADL also finds for types merely
// associated with proxy<T> (e.g. std::vector<proxy<T>>::iterator), reject
// such operands before their other constraints are looked at.
#define WEAKREF_PROXY_BINARY(OP)                                                                    \
  template <class P, detail::not_proxy V>                                                           \
    requires self<P> && requires(T& t, V&& v) { t OP std::forward<V>(v); }                          \
  friend auto operator OP(P&& p, V&& v) {                                                           \
    std::shared_ptr<T> sp = p.pin();                                                                \
    return detail::by_value_t<decltype(*sp OP std::forward<V>(v))>(*sp OP std::forward<V>(v));      \
  }                                                                                                 \
  template <detail::not_proxy V, class P>                                                           \
    requires self<P> && requires(T& t, V&& v) { std::forward<V>(v) OP t; }                          \
  friend decltype(auto) operator OP(V&& v, P&& p) {                                                 \
    std::shared_ptr<T> sp = p.pin();                                                                \
    using R = decltype(std::forward<V>(v) OP * sp);                                                 \
    if constexpr (std::is_lvalue_reference_v<V> && std::is_lvalue_reference_v<R> &&                 \
                  std::is_base_of_v<std::remove_cvref_t<R>, std::remove_cvref_t<V>>) {              \
      return std::forward<V>(v) OP * sp; /* the left operand itself, e.g. a stream */               \
    } else {                                                                                        \
      return detail::by_value_t<R>(std::forward<V>(v) OP * sp);                                     \
    }                                                                                               \
  }                                                                                                 \
  template <class P, class Q>                                                                       \
    requires self<P> && detail::is_proxy<std::remove_cvref_t<Q>>::value &&                          \
             requires(T& t, typename std::remove_cvref_t<Q>::element_type& u) { t OP u; }           \
  friend auto operator OP(P&& a, Q&& b) {                                                           \
    std::shared_ptr<T> sa = a.pin();                                                                \
    auto sb = b.pin();                                                                              \
    return detail::by_value_t<decltype(*sa OP * sb)>(*sa OP * sb);                                  \
  }
  WEAKREF_PROXY_BINARY(+)
  WEAKREF_PROXY_BINARY(-)
  WEAKREF_PROXY_BINARY(*)
  WEAKREF_PROXY_BINARY(/)
  WEAKREF_PROXY_BINARY(%)
  WEAKREF_PROXY_BINARY(&)
  WEAKREF_PROXY_BINARY(|)
  WEAKREF_PROXY_BINARY(^)
  WEAKREF_PROXY_BINARY(<<)
  WEAKREF_PROXY_BINARY(>>)
  WEAKREF_PROXY_BINARY(<)
  WEAKREF_PROXY_BINARY(<=)
  WEAKREF_PROXY_BINARY(>)
  WEAKREF_PROXY_BINARY(>=)
#undef WEAKREF_PROXY_BINARY

  // == (and the != C++20 derives from it, both operand orders).
  template <class P, detail::not_proxy V>
    requires self<P> && requires(const T& t, const V& v) { t == v; }
  friend bool operator==(const P& p, const V& v) {
    std::shared_ptr<T> sp = p.pin();
    return static_cast<bool>(*sp == v);
  }
  template <class P, class Q>
    requires self<P> && detail::is_proxy<Q>::value &&
             requires(const T& t, const typename Q::element_type& u) { t == u; }
  friend bool operator==(const P& a, const Q& b) {
    std::shared_ptr<T> sa = a.pin();
    auto sb = b.pin();
    return static_cast<bool>(*sa == *sb);
  }

#define WEAKREF_PROXY_COMPOUND(OP)                                                  \
  template <class V>                                                                \
    requires requires(T& t, V&& v) { t OP std::forward<V>(v); }                     \
  decltype(auto) operator OP(V&& v) const {                                         \
    std::shared_ptr<T> sp = pin();                                                  \
    using R = decltype(*sp OP std::forward<V>(v));                                  \
    if constexpr (std::is_same_v<R, T&>) {                                          \
      *sp OP std::forward<V>(v);                                                    \
      return *this;                                                                 \
    } else {                                                                        \
      return detail::by_value_t<R>(*sp OP std::forward<V>(v));                      \
    }                                                                               \
  }
  WEAKREF_PROXY_COMPOUND(+=)
  WEAKREF_PROXY_COMPOUND(-=)
  WEAKREF_PROXY_COMPOUND(*=)
  WEAKREF_PROXY_COMPOUND(/=)
  WEAKREF_PROXY_COMPOUND(%=)
  WEAKREF_PROXY_COMPOUND(&=)
  WEAKREF_PROXY_COMPOUND(|=)
  WEAKREF_PROXY_COMPOUND(^=)
  WEAKREF_PROXY_COMPOUND(<<=)
  WEAKREF_PROXY_COMPOUND(>>=)
#undef WEAKREF_PROXY_COMPOUND

#define WEAKREF_PROXY_UNARY(OP)                                  \
  template <class P = T>                                         \
    requires requires(P& t) { OP t; }                            \
  auto operator OP() const {                                     \
    std::shared_ptr<T> sp = pin();                               \
    return detail::by_value_t<decltype(OP * sp)>(OP * sp);       \
  }
  WEAKREF_PROXY_UNARY(-)
  WEAKREF_PROXY_UNARY(+)
  WEAKREF_PROXY_UNARY(~)
  WEAKREF_PROXY_UNARY(!)
#undef WEAKREF_PROXY_UNARY

 private:
  template <class U>
  static ref<T> shared_record(const std::shared_ptr<U>& sp) {
    static_assert(detail::weakly_referenceable<T>,
                  "cannot create weak reference to this type: T must derive publicly from "
                  "weakref::enable_weakref<T> (Python: cannot create weak reference to 'X' object)");
    if (!sp) throw type_error("cannot create weak reference to a null shared_ptr");
    T* p = sp.get();
    detail::weak_block* b = detail::access::block_for(p, sp);
    return ref<T>(detail::adopt_record, detail::acquire_proxy_record(b), p);
  }

  ref<T> ref_;
};

}  // namespace weakref

// P3: a proxy is not hashable (the disabled-specialization form).
template <class T>
struct std::hash<weakref::proxy<T>> {
  hash() = delete;
  hash(const hash&) = delete;
  hash& operator=(const hash&) = delete;
};
