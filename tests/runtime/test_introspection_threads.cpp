// T1 for the issue-17 API: getweakrefcount / getweakrefs, ref::callback<F>(),
// the shared proxy record, weak_method and finalize::detach() used from
// several threads at once while refs, proxies and finalizers come and go
// and objects die (run under ThreadSanitizer by scripts/test).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <typeinfo>
#include <vector>

#include "test_types.hpp"

using wt::Obj;

namespace {
struct Tag {
  int tag;
  void operator()(weakref::ref<Obj>&) const {}
};
}  // namespace

TEST(Threads, T1_IntrospectionProxiesAndWeakMethodsUnderConcurrency) {
  constexpr int kRounds = 200;
  std::atomic<int> fin_runs{0}, fin_detached{0}, wm_callbacks{0};
  for (int round = 0; round < kRounds; ++round) {
    auto o = std::make_shared<Obj>(round);
    std::atomic<bool> go{false};
    std::vector<std::thread> ts;
    // churn: refs, proxies (shared record), refs with callbacks, weak methods
    for (int t = 0; t < 2; ++t)
      ts.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < 20; ++i) {
          weakref::ref<Obj> r(o);
          weakref::proxy<Obj> p(o);
          weakref::proxy<Obj> p2(o, nullptr);
          EXPECT_EQ(p.weak().id(), p2.weak().id());
          EXPECT_NE(p.weak().id(), r.id());
          weakref::ref<Obj> c(o, Tag{t});
          auto cb = c.callback<Tag>();
          ASSERT_TRUE(cb.has_value());
          EXPECT_EQ(cb->tag, t);
          weakref::weak_method wm(o, &Obj::add, [&](auto&) { ++wm_callbacks; });
          EXPECT_EQ(wm(1), std::optional<int>(round + 1));
          EXPECT_EQ(p->get(), round);
        }
      });
    // a finalizer raced by detach() on one thread and the death on another
    weakref::finalize fin(o, [&] { ++fin_runs; });
    ts.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < 20; ++i) {
        std::size_t n = weakref::getweakrefcount(o);
        EXPECT_GE(n, 1u);  // the finalizer, at least, until detached
        for (const auto& r : weakref::getweakrefs(o)) {
          EXPECT_EQ(r().get(), o.get());
          (void)r.callback_type();
        }
      }
      if (fin.detach()) ++fin_detached;
    });
    go = true;
    std::shared_ptr<Obj> last = o;
    for (auto& t : ts) t.join();
    o.reset();
    std::thread killer([last = std::move(last)]() mutable { last.reset(); });
    killer.join();
  }
  EXPECT_EQ(fin_runs.load() + fin_detached.load(), kRounds);
  EXPECT_EQ(fin_detached.load(), kRounds) << "detach() ran before the death each round";
  EXPECT_EQ(wm_callbacks.load(), 0) << "every weak method was gone before its object";
}

TEST(Threads, T1_ObjectsDyingWhileOtherThreadsCountTheirRefs) {
  // Deaths on one thread while another creates proxies and asks for the
  // records of other objects: counts stay consistent and nothing leaks.
  constexpr int kObjects = 64;
  std::vector<std::shared_ptr<Obj>> objs;
  for (int i = 0; i < kObjects; ++i) objs.push_back(std::make_shared<Obj>(i));
  std::vector<weakref::proxy<Obj>> proxies;
  for (auto& o : objs) proxies.emplace_back(o);
  std::atomic<int> callbacks{0};
  std::vector<weakref::ref<Obj>> with_cb;
  for (auto& o : objs) with_cb.emplace_back(o, [&](weakref::ref<Obj>&) { ++callbacks; });
  std::vector<std::shared_ptr<Obj>> second(objs.begin() + kObjects / 2, objs.end());
  objs.resize(kObjects / 2);
  std::thread reader([&] {
    for (auto& o : second) {
      EXPECT_EQ(weakref::getweakrefcount(o), 2u);  // the proxy record and the callback ref
      EXPECT_EQ(weakref::getweakrefs(o).size(), 2u);
    }
  });
  std::thread dropper([&] { objs.clear(); });
  reader.join();
  dropper.join();
  EXPECT_EQ(callbacks.load(), kObjects / 2);
  for (int i = 0; i < kObjects / 2; ++i) EXPECT_THROW((void)proxies[i]->get(), weakref::reference_error);
  second.clear();
  EXPECT_EQ(callbacks.load(), kObjects);
}
