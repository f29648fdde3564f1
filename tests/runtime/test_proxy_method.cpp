// Behaviours P1-P3, weak_method and the exception types.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "test_types.hpp"

using wt::Obj;
using weakref::proxy;

namespace {
template <class P> concept has_hash_member = requires(P p) { p.hash(); };
struct Pinned : weakref::enable_weakref<Pinned> {
  ~Pinned() { *destroyed = true; }
  bool* destroyed = nullptr;
  std::shared_ptr<Pinned>* last_owner = nullptr;
  int drop_owner_and_report() {
    last_owner->reset();     // the only outside owner is gone now...
    return *destroyed ? -1 : 1;  // ...but the proxy pins us for the call
  }
};
struct Callable : weakref::enable_weakref<Callable> {
  int operator()(int a, int b) const { return a * b; }
};
}  // namespace

TEST(Proxy, P1_ForwardsMemberAccessAndCallsPinningTheReferent) {
  auto o = std::make_shared<Obj>(5);
  proxy<Obj> p(o);
  EXPECT_EQ(p->get(), 5);
  EXPECT_EQ(p->add(2), 7);
  p->id = 9;
  EXPECT_EQ(o->id, 9);
  EXPECT_EQ(p.apply([](Obj& x) { return x.id * 2; }), 18);

  auto c = std::make_shared<Callable>();
  proxy<Callable> pc(c);
  EXPECT_EQ(pc(6, 7), 42);

  bool destroyed = false;
  auto pin_me = std::make_shared<Pinned>();
  pin_me->destroyed = &destroyed;
  pin_me->last_owner = &pin_me;
  proxy<Pinned> pp(pin_me);
  EXPECT_EQ(pp->drop_owner_and_report(), 1);  // alive during the whole call
  EXPECT_TRUE(destroyed);                      // and dead right after it
  EXPECT_FALSE(pp.alive());
}

TEST(Proxy, P2_AnyUseOfADeadProxyThrowsReferenceError) {
  auto o = std::make_shared<Obj>(1);
  proxy<Obj> p(o);
  auto c = std::make_shared<Callable>();
  proxy<Callable> pc(c);
  int calls = 0;
  proxy<Obj> with_cb(o, [&](weakref::ref<Obj>&) { ++calls; });
  o.reset();
  c.reset();
  EXPECT_EQ(calls, 1);
  EXPECT_THROW(p->get(), weakref::reference_error);
  EXPECT_THROW(p.pin(), weakref::reference_error);
  EXPECT_THROW(p.apply([](Obj&) { return 0; }), weakref::reference_error);
  EXPECT_THROW(pc(1, 2), weakref::reference_error);
  try {
    p->get();
  } catch (const weakref::reference_error& e) {
    EXPECT_STREQ(e.what(), "weakly-referenced object no longer exists");
  }
  static_assert(std::is_base_of_v<std::exception, weakref::reference_error>);
  static_assert(std::is_base_of_v<std::exception, weakref::type_error>);
}

TEST(Proxy, P3_ProxiesAreNotHashable) {
  static_assert(!std::is_default_constructible_v<std::hash<proxy<Obj>>>);
  static_assert(!std::is_invocable_v<std::hash<proxy<Obj>>, const proxy<Obj>&>);
  static_assert(!has_hash_member<proxy<Obj>>);
  // while a ref is hashable
  static_assert(std::is_default_constructible_v<std::hash<weakref::ref<Obj>>>);
  SUCCEED();
}

TEST(WeakMethod, DiesWithTheObjectAndReportsClearly) {
  auto o = std::make_shared<Obj>(10);
  weakref::weak_method wm(o, &Obj::add);
  static_assert(std::is_same_v<decltype(wm), weakref::weak_method<Obj, int (Obj::*)(int) const>>);
  EXPECT_EQ(wm(5), std::optional<int>(15));
  EXPECT_EQ(wm.call(1), 11);
  EXPECT_EQ(o.use_count(), 1);  // does not keep the object alive
  auto wm2 = wm;
  EXPECT_TRUE(wm == wm2);
  o.reset();
  EXPECT_TRUE(wm.expired());
  EXPECT_EQ(wm(5), std::nullopt);
  EXPECT_THROW(wm.call(1), weakref::reference_error);
  EXPECT_TRUE(wm == wm2);
}

TEST(WeakMethod, VoidMethodReportsWhetherItRan) {
  struct Counter : weakref::enable_weakref<Counter> {
    int n = 0;
    void bump() { ++n; }
  };
  auto c = std::make_shared<Counter>();
  weakref::weak_method wm(c, &Counter::bump);
  EXPECT_TRUE(wm());
  EXPECT_EQ(c->n, 1);
  c.reset();
  EXPECT_FALSE(wm());
}

namespace {
struct Num : weakref::enable_weakref<Num> {
  explicit Num(int x) : v(x) {}
  int v;
  int operator+(int o) const { return v + o; }
  friend int operator-(int o, const Num& n) { return o - n.v; }
  int operator-() const { return -v; }
  int operator~() const { return ~v; }
  bool operator!() const { return v == 0; }
  Num& operator+=(int o) {
    v += o;
    return *this;
  }
  bool operator==(int o) const { return v == o; }
  bool operator<(int o) const { return v < o; }
  friend std::ostream& operator<<(std::ostream& os, const Num& n) { return os << "Num(" << n.v << ")"; }
};
struct Bag : weakref::enable_weakref<Bag> {
  std::vector<std::string> items{"x", "y", "z"};
  std::string& operator[](std::size_t i) { return items.at(i); }
  std::string operator[](const char* key) const { return std::string("key:") + key; }  // a prvalue
  auto begin() { return items.begin(); }
  auto end() { return items.end(); }
};
}  // namespace

TEST(Proxy, P1_ForwardsOperatorsPinningTheReferent) {
  auto n = std::make_shared<Num>(5);
  proxy<Num> p(n);
  EXPECT_EQ(p + 2, 7);
  EXPECT_EQ(10 - p, 5);
  EXPECT_EQ(-p, -5);
  EXPECT_EQ(~p, ~5);
  EXPECT_FALSE(!p);
  static_assert(std::is_same_v<decltype(p += 1), const proxy<Num>&>, "T& results return the proxy");
  (p += 1) += 2;
  EXPECT_EQ(n->v, 8);
  EXPECT_TRUE(p == 8);
  EXPECT_TRUE(8 == p);   // reversed
  EXPECT_TRUE(p != 9);   // derived
  EXPECT_TRUE(p < 9);
  EXPECT_FALSE(p < 8);
  std::ostringstream os;
  os << p << "!";        // x OP p returning x: the stream itself
  EXPECT_EQ(os.str(), "Num(8)!");

  auto b = std::make_shared<Bag>();
  proxy<Bag> pb(b);
  EXPECT_EQ(pb["k"], "key:k");  // prvalue results come back by value
  pb[1] = "Y";
  EXPECT_EQ(b->items[1], "Y");
  std::string joined;
  for (const std::string& s : pb) joined += s;
  EXPECT_EQ(joined, "xYz");
  {
    auto elem = pb[2];   // a pinning element reference
    b.reset();           // the last outside owner goes...
    EXPECT_TRUE(pb.alive()) << "...but the element reference pins the bag";
    EXPECT_EQ(elem.get(), "z");
    elem = "Z";
  }
  EXPECT_FALSE(pb.alive());

  // Containers of proxies: the proxy's operators (hidden friends, found by
  // ADL for std::vector<proxy<T>>::iterator too) stay out of the way.
  std::vector<proxy<Num>> ps{p, p};
  EXPECT_EQ(ps.end() - ps.begin(), 2);
  EXPECT_TRUE(ps.begin() < ps.end());
  EXPECT_TRUE(ps[1] == 8);

  n.reset();
  EXPECT_THROW((void)(p + 1), weakref::reference_error);
  EXPECT_THROW((void)(1 - p), weakref::reference_error);
  EXPECT_THROW((void)-p, weakref::reference_error);
  EXPECT_THROW((void)(p += 1), weakref::reference_error);
  EXPECT_THROW((void)(p == 1), weakref::reference_error);
  EXPECT_THROW((void)(p < 1), weakref::reference_error);
  EXPECT_THROW((void)pb[0], weakref::reference_error);
  EXPECT_THROW(os << p, weakref::reference_error);
}
