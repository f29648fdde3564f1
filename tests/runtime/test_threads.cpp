// T1 (concurrent use of every public operation) and T2 (sanitizer build).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "test_types.hpp"

using wt::Obj;
using wt::Val;

namespace {
constexpr int kThreads = 4;
constexpr int kIters = 3000;

template <class F>
void run_threads(F f) {
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) ts.emplace_back(f, t);
  for (auto& t : ts) t.join();
}
}  // namespace

TEST(Threads, T1_ContainersUnderConcurrentMutationIterationAndDeath) {
  weakref::weak_set<Obj> set;
  weakref::weak_key_dict<Obj, int> kd;
  weakref::weak_value_dict<int, Obj> vd;
  weakref::weak_set<Val> vals;
  std::vector<std::shared_ptr<Obj>> shared_pool(32);
  std::mutex pool_mu;
  std::atomic<int> bad{0};
  run_threads([&](int t) {
    std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1);
    for (int i = 0; i < kIters; ++i) {
      auto o = std::make_shared<Obj>(i);
      switch (rng() % 8) {
        case 0:
          set.insert(o);
          kd.insert_or_assign(o, i);
          vd.insert_or_assign(static_cast<int>(rng() % 64), o);
          break;
        case 1: {
          std::lock_guard<std::mutex> g(pool_mu);  // share owners between threads
          shared_pool[rng() % shared_pool.size()] = o;
          set.insert(o);
          kd.insert_or_assign(o, -i);
          break;
        }
        case 2:
          for (const auto& x : set)
            if (!x || !x->alive()) ++bad;
          break;
        case 3:
          for (auto [k, v] : kd)
            if (!k->alive()) ++bad;
          break;
        case 4:
          for (auto [k, v] : vd)
            if (!v->alive()) ++bad;
          (void)vd.size();
          break;
        case 5:
          if (auto p = vd.get(static_cast<int>(rng() % 64)))
            if (!p->alive()) ++bad;
          vd.erase(static_cast<int>(rng() % 64));
          set.erase(o);
          break;
        case 6: {
          auto v = std::make_shared<Val>(static_cast<int>(rng() % 16));
          vals.insert(v);
          (void)vals.contains(v);
          if (rng() % 2) vals.erase(v);
          for (const auto& x : vals) (void)x->v;
          break;
        }
        case 7: {
          std::lock_guard<std::mutex> g(pool_mu);
          shared_pool[rng() % shared_pool.size()].reset();  // deaths
          break;
        }
      }
    }
  });
  EXPECT_EQ(bad.load(), 0);
  shared_pool.clear();
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(kd.size(), 0u);
  EXPECT_EQ(vd.size(), 0u);
  EXPECT_EQ(vals.size(), 0u);
}

// Assigning to present keys replaces entries in place (the new entry takes
// the old one's list position and index slot) while other threads iterate,
// read keys, look up and kill values.
TEST(Threads, T1_WeakValueDictReassignInPlaceUnderConcurrency) {
  weakref::weak_value_dict<int, Obj> vd;
  std::vector<std::shared_ptr<Obj>> pool(16);
  for (int i = 0; i < 16; ++i) pool[i] = std::make_shared<Obj>(i);
  std::mutex pool_mu;
  std::atomic<int> bad{0};
  run_threads([&](int t) {
    std::mt19937 rng(static_cast<unsigned>(t) * 104729u + 3);
    for (int i = 0; i < kIters; ++i) {
      switch (rng() % 6) {
        case 0:
        case 1: {
          std::shared_ptr<Obj> v;
          {
            std::lock_guard<std::mutex> g(pool_mu);
            v = pool[rng() % pool.size()];
          }
          if (v) vd.insert_or_assign(static_cast<int>(rng() % 8), v);
          break;
        }
        case 2:
          for (auto [k, v] : vd)
            if (k < 0 || k >= 8 || !v->alive()) ++bad;
          break;
        case 3:
          if (auto p = vd.get(static_cast<int>(rng() % 8)))
            if (!p->alive()) ++bad;
          break;
        case 4: {
          std::lock_guard<std::mutex> g(pool_mu);  // a death, and a new value
          const auto j = rng() % pool.size();
          pool[j].reset();
          pool[j] = std::make_shared<Obj>(i);
          break;
        }
        case 5:
          if (auto it = vd.popitem())
            if (!it->second->alive()) ++bad;
          break;
      }
    }
  });
  EXPECT_EQ(bad.load(), 0);
  EXPECT_LE(vd.size(), 8u);
  pool.clear();
  EXPECT_EQ(vd.size(), 0u);
  EXPECT_EQ(vd.begin(), vd.end());
}

TEST(Threads, T1_RefsFinalizersAndHashFromManyThreads) {
  for (int round = 0; round < 100; ++round) {
    auto o = std::make_shared<Val>(round);
    std::atomic<int> callbacks{0}, fins{0}, expected_callbacks{0};
    std::atomic<int> bad{0};
    std::vector<weakref::ref<Val>> keep(kThreads);
    auto fin = std::make_unique<weakref::finalize<Val, std::function<void()>>>(o, [&] { ++fins; });
    std::atomic<bool> go{false};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
      ts.emplace_back([&, t, local = o]() mutable {
        while (!go.load()) {
        }
        for (int i = 0; i < 30; ++i) {
          weakref::ref<Val> plain(local);
          weakref::ref<Val> cb(local, [&](weakref::ref<Val>&) { ++callbacks; });
          if (i == 29) {
            keep[t] = cb;
            ++expected_callbacks;
          }
          if (plain.hash() != std::hash<Val>{}(*local)) ++bad;
          if (!(plain == cb)) ++bad;
          if (t == 0 && i == 10) {
            fin->peek();
            fin->alive();
          }
          if (t == 1 && i == 15) (*fin)();  // races with the other calls: runs once
          if (t == 2 && i == 15) fin->detach();
        }
        local.reset();
      });
    go = true;
    o.reset();
    for (auto& t : ts) t.join();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(callbacks.load(), expected_callbacks.load());
    EXPECT_LE(fins.load(), 1);
    EXPECT_FALSE(fin->alive());
  }
}

TEST(Threads, T1_FinalizerRunsExactlyOnceUnderRacingCallDetachAndDeath) {
  for (int round = 0; round < 300; ++round) {
    auto o = std::make_shared<Obj>();
    std::atomic<int> runs{0};
    weakref::finalize fin(o, [&runs] { ++runs; });
    std::atomic<int> detached{0};
    std::thread a([&] { fin(); });
    std::thread b([&] { detached += fin.detach() ? 1 : 0; });
    std::thread c([owner = std::move(o)]() mutable { owner.reset(); });
    a.join();
    b.join();
    c.join();
    EXPECT_EQ(runs.load() + detached.load(), 1);
  }
}

TEST(Sanitizers, T2_SanitizerBuildIsWhatWasRequested) {
  const std::string requested = WEAKREF_TEST_SANITIZE;
#if defined(__SANITIZE_ADDRESS__)
  constexpr bool asan = true;
#else
  constexpr bool asan = false;
#endif
#if defined(__SANITIZE_THREAD__)
  constexpr bool tsan = true;
#else
  constexpr bool tsan = false;
#endif
  EXPECT_EQ(asan, requested.find("address") != std::string::npos);
  EXPECT_EQ(tsan, requested.find("thread") != std::string::npos);
  // The library's own invariants hold in this build: a quick churn that the
  // sanitizers watch (leaks, races, use-after-free, UB).
  weakref::weak_set<Obj> s;
  run_threads([&](int) {
    for (int i = 0; i < 500; ++i) {
      auto o = std::make_shared<Obj>(i);
      s.insert(o);
      weakref::ref<Obj> r(o, [](weakref::ref<Obj>&) {});
      weakref::finalize(o, [] {});
    }
  });
  EXPECT_EQ(s.size(), 0u);
}
