// Behaviours F1-F8.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>

#include "test_types.hpp"

using wt::Obj;
using weakref::finalize;

TEST(Finalize, F1_NewFinalizerIsAliveAndPeekExposesObjectAndFunction) {
  auto o = std::make_shared<Obj>(3);
  int calls = 0;
  auto fn = [&calls](int a, const std::string& b) { ++calls; return a + static_cast<int>(b.size()); };
  finalize fin(o, fn, 10, std::string("abc"));
  EXPECT_TRUE(fin.alive());
  auto pk = fin.peek();
  ASSERT_TRUE(pk.has_value());
  auto& [obj, f, args] = *pk;
  EXPECT_EQ(obj, o);
  EXPECT_EQ(std::get<0>(*args), 10);
  EXPECT_EQ(std::get<1>(*args), "abc");
  EXPECT_EQ((*f)(1, "x"), 2);  // the stored function
  EXPECT_EQ(calls, 1);
  fin.detach();
  EXPECT_FALSE(fin.peek().has_value());
}

TEST(Finalize, F2_CallRunsOnceAndReturnsResult) {
  auto o = std::make_shared<Obj>();
  int calls = 0;
  finalize fin(o, [&](int x) { ++calls; return x * 2; }, 21);
  EXPECT_EQ(fin(), std::optional<int>(42));
  EXPECT_FALSE(fin.alive());
  EXPECT_EQ(fin(), std::nullopt);
  o.reset();
  EXPECT_EQ(calls, 1);

  auto o2 = std::make_shared<Obj>();
  int vcalls = 0;
  finalize vfin(o2, [&] { ++vcalls; });
  EXPECT_TRUE(vfin());
  EXPECT_FALSE(vfin());
  EXPECT_EQ(vcalls, 1);
}

TEST(Finalize, F3_DetachKillsWithoutRunningAndReportsWhetherAlive) {
  auto o = std::make_shared<Obj>();
  int calls = 0;
  finalize fin(o, [&] { ++calls; });
  EXPECT_TRUE(fin.detach());
  EXPECT_FALSE(fin.alive());
  EXPECT_FALSE(fin.detach());
  EXPECT_FALSE(fin());
  o.reset();
  EXPECT_EQ(calls, 0);
}

TEST(Finalize, F4_DeathRunsFunctionOnceAfterReferentIsDead) {
  auto o = std::make_shared<Obj>();
  weakref::ref<Obj> r(o);
  int calls = 0;
  bool was_dead = false;
  finalize fin(o, [&] {
    ++calls;
    was_dead = r.expired();
  });
  o.reset();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(was_dead);
  EXPECT_FALSE(fin.alive());
  EXPECT_FALSE(fin());
  EXPECT_EQ(calls, 1);
}

TEST(Finalize, F5_KeepsItselfAliveAndReleasesFunctionAfterFiring) {
  auto o = std::make_shared<Obj>();
  auto payload = std::make_shared<int>(7);
  int seen = 0;
  {
    finalize fin(o, [&seen, payload](std::shared_ptr<int> arg) { seen = *payload + *arg; }, payload);
    EXPECT_EQ(payload.use_count(), 3);
  }  // no handle left
  EXPECT_EQ(weakref::callback_count(o), 1u);
  EXPECT_EQ(payload.use_count(), 3);  // still held by the live finalizer
  o.reset();
  EXPECT_EQ(seen, 14);
  EXPECT_EQ(payload.use_count(), 1);  // function and arguments released
}

TEST(Finalize, F6_SeveralFinalizersRunNewestFirst) {
  wt::Log log;
  auto o = std::make_shared<Obj>();
  for (int i = 0; i < 5; ++i) finalize(o, [&log, i] { log.add(std::to_string(i)); });
  o.reset();
  EXPECT_EQ(log.get(), (std::vector<std::string>{"4", "3", "2", "1", "0"}));
}

TEST(Finalize, F6_ExceptionsAtDeathAreReportedAndTheRestRun) {
  wt::CaptureHook hook;
  wt::Log log;
  auto o = std::make_shared<Obj>();
  finalize a(o, [&] { log.add("a"); });
  finalize b(o, []() -> void { throw std::runtime_error("fin boom"); });
  o.reset();
  EXPECT_EQ(log.get(), std::vector<std::string>{"a"});
  auto infos = hook.get();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].what, "fin boom");
  EXPECT_NE(infos[0].object.find("finalize"), std::string::npos);
}

#ifndef WEAKREF_ATEXIT_HELPER
#error "WEAKREF_ATEXIT_HELPER must name the helper program"
#endif

TEST(Finalize, F7_AtExitRunsLiveFinalizersNewestFirstThenNothing) {
  EXPECT_TRUE(finalize(std::make_shared<Obj>(), [] {}).atexit()) << "atexit() defaults to true";
  std::string cmd = std::string(WEAKREF_ATEXIT_HELPER) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  int status = pclose(p);
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(std::regex_match(out, std::regex("main: start\n"
                                               "main: end\n"
                                               "fin: atexit-3\n"
                                               "Exception ignored in: weakref callback <finalize to 'Box' at "
                                               "0x[0-9a-f]+>: exit boom\n"
                                               "fin: atexit-1\n"
                                               "static: destroyed\n")))
      << out;
}

TEST(Finalize, F8_FunctionOwningTheReferentNeverFires) {
  auto o = std::make_shared<Obj>();
  weakref::ref<Obj> r(o);
  int calls = 0;
  // the argument owns the referent: a strong cycle through the finalizer
  finalize fin(o, [&calls](const std::shared_ptr<Obj>&) { ++calls; }, o);
  o.reset();
  EXPECT_NE(r(), nullptr);  // still alive: the finalizer keeps it so
  EXPECT_TRUE(fin.alive());
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(fin.detach());  // the only way out: detaching releases the owner
  EXPECT_EQ(r(), nullptr);
  EXPECT_EQ(calls, 0);
}

TEST(Finalize, F5_TypeErasedFinalizerHandles) {
  struct Resource : weakref::enable_weakref<Resource> {};
  wt::Log log;
  auto a = std::make_shared<Resource>(), b = std::make_shared<Resource>();
  std::vector<weakref::finalizer> fins;
  fins.push_back(finalize(a, [&] { log.add("a"); }));
  fins.push_back(finalize(b, [&](int n) { log.add("b" + std::to_string(n)); }, 2));
  weakref::finalizer empty;
  EXPECT_FALSE(empty.alive());
  EXPECT_FALSE(empty());
  EXPECT_TRUE(fins[0].alive());
  EXPECT_TRUE(fins[1]());  // explicit call
  EXPECT_FALSE(fins[1]());
  EXPECT_TRUE(fins[0].atexit());
  fins[0].atexit(false);
  EXPECT_FALSE(fins[0].atexit());
  a.reset();
  EXPECT_EQ(log.get(), (std::vector<std::string>{"b2", "a"}));
  EXPECT_FALSE(fins[0].alive());
  EXPECT_FALSE(fins[0].detach());
  auto c = std::make_shared<Resource>();
  weakref::finalizer fc = finalize(c, [&] { log.add("c"); });
  EXPECT_TRUE(fc.detach());
  c.reset();
  EXPECT_EQ(log.get().size(), 2u);
}
