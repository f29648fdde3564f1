// Value semantics of the handles, the unraisable hook API, and edge cases
// around the behaviour ids (named after the id they refine).
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "test_types.hpp"

using wt::Obj;
using weakref::ref;

TEST(Ref, R1_CopyMoveAssignAndDefaultRefs) {
  ref<Obj> empty;
  EXPECT_TRUE(empty.expired());
  EXPECT_EQ(empty(), nullptr);
  EXPECT_EQ(empty.id(), nullptr);
  auto o = std::make_shared<Obj>(1);
  ref<Obj> a(o);
  ref<Obj> b = a;
  ref<Obj> c = std::move(b);
  EXPECT_EQ(b.id(), nullptr);  // moved-from: dead, no record
  EXPECT_EQ(c(), o);
  empty = c;
  EXPECT_EQ(empty(), o);
  ref<Obj> nocb(o, nullptr);  // Python's ref(o, None)
  EXPECT_FALSE(nocb.has_callback());
  EXPECT_EQ(nocb.id(), a.id());
  auto co = std::make_shared<const Obj>(2);
  ref<const Obj> rc(co);
  EXPECT_EQ(rc()->id, 2);
  co.reset();
  EXPECT_EQ(rc(), nullptr);
}

TEST(Callbacks, CB1_CallbackReleasedAfterRunning) {
  auto o = std::make_shared<Obj>();
  auto captured = std::make_shared<int>(0);
  ref<Obj> r(o, [captured](ref<Obj>&) { ++*captured; });
  EXPECT_EQ(captured.use_count(), 2);
  o.reset();
  EXPECT_EQ(*captured, 1);
  EXPECT_EQ(captured.use_count(), 1);  // what the callback captured is gone, though r lives on
}

TEST(Callbacks, CB6_HookCanBeReplacedRestoredAndMayThrow) {
  int first = 0, second = 0;
  auto prev = weakref::set_unraisable_hook([&](const weakref::unraisable_info&) { ++first; });
  auto o = std::make_shared<Obj>();
  ref<Obj> a(o, [](ref<Obj>&) -> void { throw std::runtime_error("x"); });
  auto was_first = weakref::set_unraisable_hook([&](const weakref::unraisable_info&) {
    ++second;
    throw std::runtime_error("the hook itself fails");  // swallowed
  });
  EXPECT_TRUE(static_cast<bool>(was_first));
  o.reset();
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  weakref::set_unraisable_hook(prev);  // empty: the default is back
  testing::internal::CaptureStderr();
  {
    auto p = std::make_shared<Obj>();
    ref<Obj> b(p, [](ref<Obj>&) -> void { throw std::runtime_error("to stderr"); });
    p.reset();  // (at scope end b would go first and never call back: CB4)
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Exception ignored in: weakref callback"), std::string::npos) << err;
  EXPECT_NE(err.find(": to stderr\n"), std::string::npos) << err;
}

TEST(Finalize, F2_ExceptionFromExplicitCallPropagatesAndKillsTheFinalizer) {
  auto o = std::make_shared<Obj>();
  weakref::finalize fin(o, []() -> int { throw std::runtime_error("explicit"); });
  EXPECT_THROW(fin(), std::runtime_error);
  EXPECT_FALSE(fin.alive());
  EXPECT_EQ(fin(), std::nullopt);
}

TEST(Finalize, F3_CopiesAreHandlesToOneFinalizer) {
  auto o = std::make_shared<Obj>();
  int calls = 0;
  weakref::finalize fin(o, [&] { ++calls; });
  auto copy = fin;
  EXPECT_TRUE(copy == fin);
  EXPECT_TRUE(copy.detach());
  EXPECT_FALSE(fin.alive());
  o.reset();
  EXPECT_EQ(calls, 0);
}

TEST(Finalize, F7_AtExitFlagIsPerFinalizerAndDoesNotAffectDeath) {
  auto o = std::make_shared<Obj>();
  int calls = 0;
  weakref::finalize fin(o, [&] { ++calls; });
  EXPECT_TRUE(fin.atexit());
  fin.atexit(false);
  EXPECT_FALSE(fin.atexit());
  o.reset();  // dying normally still runs it
  EXPECT_EQ(calls, 1);
}

TEST(Proxy, P2_ProxyCallbackRunsLikeARefCallback) {
  auto o = std::make_shared<Obj>(4);
  int seen = -1;
  weakref::proxy<Obj> p(o, [&](ref<Obj>& r) { seen = r.expired() ? 1 : 0; });
  EXPECT_EQ(p->id, 4);
  EXPECT_TRUE(p.weak().has_callback());
  o.reset();
  EXPECT_EQ(seen, 1);
  EXPECT_THROW(p->get(), weakref::reference_error);
}

namespace {
struct NeverEqual : weakref::enable_weakref<NeverEqual> {
  bool operator==(const NeverEqual&) const { return false; }
};
}  // namespace

TEST(Ref, R4_LiveReferentsAreComparedEvenForTheSameRecordAsInCPython) {
  // CPython: class N: __eq__ = lambda s, o: False; r == r is False while n lives, True after.
  auto n = std::make_shared<NeverEqual>();
  ref<NeverEqual> r(n);
  ref<NeverEqual> same = r;
  EXPECT_FALSE(r == same);
  n.reset();
  EXPECT_TRUE(r == same);
}
