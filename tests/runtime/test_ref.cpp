// Behaviours R1, R3-R7 and CB1-CB8 of docs/runtime.md / spec runtime.md.
#include <gtest/gtest.h>

#include <atomic>
#include <compare>
#include <optional>
#include <regex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "test_types.hpp"

using wt::Obj;
using wt::Val;
using weakref::ref;

namespace {
template <class R> concept has_get = requires(R r) { r.get(); };
template <class R> concept has_arrow = requires(R r) { r.operator->(); };
template <class R> concept has_deref = requires(R r) { *r; };
template <class R> concept has_less = requires(R a, R b) { a < b; };
template <class R> concept has_less_eq = requires(R a, R b) { a <= b; };
template <class R> concept has_greater = requires(R a, R b) { a > b; };
template <class R> concept has_spaceship = requires(R a, R b) { a <=> b; };
}  // namespace

TEST(Ref, R1_LockReturnsObjectWhileAliveAndNullAfter) {
  auto o = std::make_shared<Obj>(7);
  ref<Obj> r(o);
  ASSERT_NE(r(), nullptr);
  EXPECT_EQ(r().get(), o.get());
  EXPECT_EQ(r.lock()->id, 7);
  EXPECT_FALSE(r.expired());
  auto extra = o;  // a second owner keeps it alive
  o.reset();
  EXPECT_NE(r(), nullptr);
  extra.reset();
  EXPECT_EQ(r(), nullptr);
  EXPECT_EQ(r.lock(), nullptr);
  EXPECT_TRUE(r.expired());
}

TEST(Ref, R1_NullOwnerIsATypeError) {
  std::shared_ptr<Obj> none;
  EXPECT_THROW(ref<Obj>{none}, weakref::type_error);
}

TEST(Ref, R1_RefToBaseOfDerivedObject) {
  struct D : Obj {
    using Obj::Obj;
  };
  auto d = std::make_shared<D>(3);
  ref<Obj> r(d);
  EXPECT_EQ(r()->id, 3);
  d.reset();
  EXPECT_EQ(r(), nullptr);
}

TEST(Ref, R3_CallbacklessRefsShareARecordCallbackRefsAreDistinct) {
  auto o = std::make_shared<Obj>();
  ref<Obj> a(o), b(o);
  EXPECT_EQ(a.id(), b.id());
  EXPECT_FALSE(a.has_callback());
  ref<Obj> c(o, [](ref<Obj>&) {}), d(o, [](ref<Obj>&) {});
  EXPECT_TRUE(c.has_callback());
  EXPECT_NE(c.id(), d.id());
  EXPECT_NE(c.id(), a.id());
  ref<Obj> c2 = c;  // a copy is a handle to the same record
  EXPECT_EQ(c2.id(), c.id());
  o.reset();
  EXPECT_TRUE(a == b);   // same record: equal after death
  EXPECT_FALSE(c == d);  // distinct records: unequal after death
  EXPECT_TRUE(c == c2);
}

TEST(Ref, R4_EqualityFollowsReferentWhileAliveRecordAfterDeath) {
  auto v1 = std::make_shared<Val>(1), v1b = std::make_shared<Val>(1), v2 = std::make_shared<Val>(2);
  ref<Val> r1(v1), r1b(v1b), r2(v2);
  EXPECT_TRUE(r1 == r1b);  // operator== of T
  EXPECT_FALSE(r1 == r2);
  auto o1 = std::make_shared<Obj>(1), o2 = std::make_shared<Obj>(1);
  ref<Obj> q1(o1), q2(o2), q1b(o1);
  EXPECT_FALSE(q1 == q2);  // no operator==: identity
  EXPECT_TRUE(q1 == q1b);
  v1b.reset();  // one dead: only the same record is equal
  EXPECT_FALSE(r1 == r1b);
  ref<Val> r1copy = r1;
  v1.reset();
  EXPECT_TRUE(r1 == r1copy);
  EXPECT_FALSE(r1 == r1b);
}

TEST(Ref, R5_HashIsReferentHashCachedAndKeptAfterDeath) {
  auto v = std::make_shared<Val>(42);
  ref<Val> r(v);
  const std::size_t expected = std::hash<Val>{}(*v);
  EXPECT_EQ(r.hash(), expected);
  EXPECT_EQ(std::hash<ref<Val>>{}(r), expected);
  ref<Val> same(v);  // same record: shares the cache
  v.reset();
  EXPECT_EQ(r.hash(), expected);
  EXPECT_EQ(same.hash(), expected);

  auto o = std::make_shared<Obj>();
  ref<Obj> ro(o);
  EXPECT_EQ(ro.hash(), std::hash<const void*>{}(static_cast<const void*>(o.get())));

  auto w = std::make_shared<Val>(5);
  ref<Val> never_hashed(w, [](ref<Val>&) {});
  w.reset();
  EXPECT_THROW(never_hashed.hash(), weakref::type_error);
  EXPECT_THROW(ref<Val>{}.hash(), weakref::type_error);

  // usable as a key of std::unordered_set, surviving death
  auto a = std::make_shared<Obj>(1);
  std::unordered_set<ref<Obj>> set;
  set.insert(ref<Obj>(a));
  ref<Obj> ka(a);
  a.reset();
  EXPECT_EQ(set.count(ka), 1u);
}

TEST(Ref, R6_UpgradeIsAtomicNoBorrowedPointerApi) {
  static_assert(std::is_same_v<decltype(std::declval<ref<Obj>&>()()), std::shared_ptr<Obj>>);
  static_assert(std::is_same_v<decltype(std::declval<ref<Obj>&>().lock()), std::shared_ptr<Obj>>);
  static_assert(!has_get<ref<Obj>>);
  static_assert(!has_arrow<ref<Obj>>);
  static_assert(!has_deref<ref<Obj>>);
  // Race the last owner's drop against upgrades: each upgrade is either null
  // or an owner of a fully alive object.
  for (int round = 0; round < 200; ++round) {
    auto o = std::make_shared<Obj>(round);
    ref<Obj> r(o);
    std::atomic<bool> go{false};
    std::atomic<int> bad{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 3; ++t)
      ts.emplace_back([&] {
        while (!go.load()) {
        }
        for (int i = 0; i < 200; ++i)
          if (auto p = r()) {
            if (!p->alive()) ++bad;
          }
      });
    go = true;
    o.reset();
    for (auto& t : ts) t.join();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(r(), nullptr);
  }
}

TEST(Ref, R7_RefsNeverOrder) {
  static_assert(!has_less<ref<Obj>>);
  static_assert(!has_less_eq<ref<Obj>>);
  static_assert(!has_greater<ref<Val>>);
  static_assert(!has_spaceship<ref<Val>>);
  static_assert(!std::totally_ordered<ref<Val>>);
  static_assert(std::equality_comparable<ref<Val>>);
  SUCCEED();
}

TEST(Callbacks, CB1_RunsExactlyOnceWithTheDeadRefItself) {
  auto o = std::make_shared<Obj>();
  int calls = 0;
  const void* seen = nullptr;
  bool dead_inside = false;
  ref<Obj> r(o, [&](ref<Obj>& dead) {
    ++calls;
    seen = dead.id();
    dead_inside = dead.expired() && dead() == nullptr;
  });
  EXPECT_EQ(calls, 0);
  o.reset();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, r.id());
  EXPECT_TRUE(dead_inside);
  ref<Obj> copy = r;  // nothing can make it run again
  EXPECT_EQ(calls, 1);
}

TEST(Callbacks, CB2_EveryCallbackRunsNewestFirstIncludingFinalizers) {
  wt::Log log;
  auto o = std::make_shared<Obj>();
  ref<Obj> a(o, [&](ref<Obj>&) { log.add("a"); });
  weakref::finalize f(o, [&] { log.add("fin"); });
  ref<Obj> b(o, [&](ref<Obj>&) { log.add("b"); });
  ref<Obj> c(o, [&](ref<Obj>&) { log.add("c"); });
  o.reset();
  EXPECT_EQ(log.get(), (std::vector<std::string>{"c", "b", "fin", "a"}));
}

TEST(Callbacks, CB3_AllRefsDeadBeforeFirstCallback) {
  auto o = std::make_shared<Obj>();
  ref<Obj> plain(o);
  std::vector<ref<Obj>> others;
  int alive_seen = 0;
  ref<Obj> first(o, [&](ref<Obj>&) {
    if (plain()) ++alive_seen;
    for (auto& r : others)
      if (r()) ++alive_seen;
  });
  for (int i = 0; i < 4; ++i) others.emplace_back(o, [&](ref<Obj>& r) {
    if (r() || plain()) ++alive_seen;
  });
  o.reset();
  EXPECT_EQ(alive_seen, 0);
}

TEST(Callbacks, CB4_RefDestroyedBeforeReferentNeverCalls) {
  auto o = std::make_shared<Obj>();
  int calls = 0;
  {
    ref<Obj> r(o, [&](ref<Obj>&) { ++calls; });
    ref<Obj> copy = r;
  }
  std::optional<ref<Obj>> later(std::in_place, o, [&](ref<Obj>&) { ++calls; });
  later.reset();
  EXPECT_EQ(weakref::callback_count(o), 0u);
  o.reset();
  EXPECT_EQ(calls, 0);
}

TEST(Callbacks, CB5_SetFixedAtDeathDroppingARefInsideCallbackDoesNotCancel) {
  auto o = std::make_shared<Obj>();
  wt::Log log;
  std::optional<ref<Obj>> older(std::in_place, o, [&](ref<Obj>&) { log.add("older"); });
  ref<Obj> newer(o, [&](ref<Obj>&) {
    log.add("newer");
    older.reset();  // drops the only handle of a callback that is still due
  });
  o.reset();
  EXPECT_EQ(log.get(), (std::vector<std::string>{"newer", "older"}));
  EXPECT_FALSE(older.has_value());
}

TEST(Callbacks, CB6_ExceptionGoesToHookAndRemainingCallbacksRun) {
  wt::Log log;
  {
    wt::CaptureHook hook;
    auto o = std::make_shared<Obj>();
    ref<Obj> a(o, [&](ref<Obj>&) { log.add("a"); });
    ref<Obj> b(o, [&](ref<Obj>&) -> void { throw std::runtime_error("boom"); });
    ref<Obj> c(o, [&](ref<Obj>&) { log.add("c"); });
    EXPECT_NO_THROW(o.reset());
    EXPECT_EQ(log.get(), (std::vector<std::string>{"c", "a"}));
    auto infos = hook.get();
    ASSERT_EQ(infos.size(), 1u);
    EXPECT_EQ(infos[0].what, "boom");
    EXPECT_EQ(infos[0].err_msg, "Exception ignored in");
    EXPECT_NE(infos[0].object.find("weakref callback"), std::string::npos);
    EXPECT_NE(infos[0].object.find("Obj"), std::string::npos);
    ASSERT_TRUE(infos[0].exception);
    EXPECT_THROW(std::rethrow_exception(infos[0].exception), std::runtime_error);
  }
  // default hook: exactly one line on stderr
  testing::internal::CaptureStderr();
  {
    auto o = std::make_shared<Obj>();
    ref<Obj> b(o, [](ref<Obj>&) -> void { throw std::logic_error("kaput"); });
    ref<Obj> c(o, [](ref<Obj>&) -> void { throw 42; });
    o.reset();
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(
      err, std::regex("Exception ignored in: weakref callback <ref to 'wt::Obj' at 0x[0-9a-f]+>: unknown exception\n"
                      "Exception ignored in: weakref callback <ref to 'wt::Obj' at 0x[0-9a-f]+>: kaput\n")))
      << err;
}

TEST(Callbacks, CB7_CallbackMayCreateRefsDropObjectsAndUseContainers) {
  // cascade: each object's callback drops the next object
  constexpr int n = 50;
  std::vector<std::shared_ptr<Obj>> objs;
  for (int i = 0; i < n; ++i) objs.push_back(std::make_shared<Obj>(i));
  weakref::weak_set<Obj> set;
  weakref::weak_value_dict<int, Obj> dict;
  for (auto& o : objs) {
    set.insert(o);
    dict.insert_or_assign(o->id, o);
  }
  std::vector<ref<Obj>> refs;
  std::vector<ref<Obj>> made_in_callbacks;
  std::vector<int> order;
  auto keep_alive = std::make_shared<Obj>(999);
  for (int i = 0; i < n; ++i)
    refs.emplace_back(objs[i], [&, i](ref<Obj>&) {
      order.push_back(i);
      made_in_callbacks.emplace_back(keep_alive, [](ref<Obj>&) {});  // create a ref
      set.insert(keep_alive);                                           // touch containers
      EXPECT_FALSE(dict.get(i));
      (void)set.size();
      if (i + 1 < n) objs[i + 1].reset();  // drop another object: cascading death
    });
  objs[0].reset();
  ASSERT_EQ(order.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_TRUE(set.contains(keep_alive));
  EXPECT_EQ(dict.size(), 0u);
  EXPECT_EQ(weakref::callback_count(keep_alive), static_cast<std::size_t>(n) + 1);
}

namespace {
// Records the thread its destructor ran on: the thread that dropped the last
// owner (the reader threads below sometimes are that thread).
struct Tracked : weakref::enable_weakref<Tracked> {
  explicit Tracked(std::thread::id* slot) : died_on(slot) {}
  ~Tracked() { *died_on = std::this_thread::get_id(); }
  std::thread::id* died_on;
  int magic = 0x600D;
};
}  // namespace

TEST(Callbacks, CB8_CallbacksRunOnDroppingThreadConcurrentDeathsAndLookups) {
  constexpr int threads = 4, per_thread = 500, total = threads * per_thread;
  weakref::weak_value_dict<int, Tracked> dict;
  std::vector<std::thread::id> died_on(total);
  std::vector<std::vector<ref<Tracked>>> keep(threads);  // refs outlive their referents (CB4)
  std::atomic<int> wrong_thread{0}, calls{0}, bad_lookups{0};
  std::atomic<bool> stop{false};
  auto reader = [&] {
    while (!stop.load())
      for (int k = 0; k < total; k += 7)
        if (auto p = dict.get(k))
          if (p->magic != 0x600D) ++bad_lookups;  // and maybe we drop the last owner here
  };
  std::thread r1(reader), r2(reader);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const int key = t * per_thread + i;
        auto o = std::make_shared<Tracked>(&died_on[key]);
        dict.insert_or_assign(key, o);
        keep[t].emplace_back(o, [&, key](ref<Tracked>& dead) {
          ++calls;
          if (dead() || died_on[key] != std::this_thread::get_id()) ++wrong_thread;
        });
        o.reset();
      }
    });
  for (auto& t : ts) t.join();
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(calls.load(), total);
  EXPECT_EQ(wrong_thread.load(), 0);
  EXPECT_EQ(bad_lookups.load(), 0);
  EXPECT_EQ(dict.size(), 0u);
}

TEST(Callbacks, CB8_CrossThreadDropRunsCallbackOnTheDroppingThread) {
  auto o = std::make_shared<Obj>();
  std::thread::id ran_on;
  ref<Obj> r(o, [&](ref<Obj>&) { ran_on = std::this_thread::get_id(); });
  std::thread::id dropper;
  std::thread t([&, owner = std::move(o)]() mutable {
    dropper = std::this_thread::get_id();
    owner.reset();
  });
  t.join();
  EXPECT_EQ(ran_on, dropper);
}
