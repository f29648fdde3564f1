// Google Benchmark: weakref runtime operations beside their std equivalents.
// Run through bench/runtime/compare.py to get ratios and CPython timings.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <weakref/weakref.hpp>

namespace {

struct Obj : weakref::enable_weakref<Obj> {
  int v = 1;
};
struct Plain {
  int v = 1;
};

// ---- ref creation --------------------------------------------------------
void BM_std_weak_ptr_create(benchmark::State& st) {
  auto sp = std::make_shared<Plain>();
  for (auto _ : st) {
    std::weak_ptr<Plain> w(sp);
    benchmark::DoNotOptimize(w);
  }
}
BENCHMARK(BM_std_weak_ptr_create);

void BM_ref_create(benchmark::State& st) {
  auto sp = std::make_shared<Obj>();
  weakref::ref<Obj> first(sp);  // the block exists after the first ref
  for (auto _ : st) {
    weakref::ref<Obj> r(sp);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ref_create);

void BM_ref_create_with_callback(benchmark::State& st) {
  auto sp = std::make_shared<Obj>();
  for (auto _ : st) {
    weakref::ref<Obj> r(sp, [](weakref::ref<Obj>&) {});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ref_create_with_callback);

// ---- lock ------------------------------------------------------------------
void BM_std_weak_ptr_lock_alive(benchmark::State& st) {
  auto sp = std::make_shared<Plain>();
  std::weak_ptr<Plain> w(sp);
  for (auto _ : st) {
    auto p = w.lock();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_std_weak_ptr_lock_alive);

void BM_ref_lock_alive(benchmark::State& st) {
  auto sp = std::make_shared<Obj>();
  weakref::ref<Obj> r(sp);
  for (auto _ : st) {
    auto p = r();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_ref_lock_alive);

void BM_std_weak_ptr_lock_dead(benchmark::State& st) {
  auto sp = std::make_shared<Plain>();
  std::weak_ptr<Plain> w(sp);
  sp.reset();
  for (auto _ : st) {
    auto p = w.lock();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_std_weak_ptr_lock_dead);

void BM_ref_lock_dead(benchmark::State& st) {
  auto sp = std::make_shared<Obj>();
  weakref::ref<Obj> r(sp);
  sp.reset();
  for (auto _ : st) {
    auto p = r();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_ref_lock_dead);

// ---- lock from two threads at once (one shared object, contended count) ---
void BM_std_weak_ptr_lock_alive_threads(benchmark::State& st) {
  static const auto sp = std::make_shared<Plain>();
  static const std::weak_ptr<Plain> w(sp);
  for (auto _ : st) {
    auto p = w.lock();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_std_weak_ptr_lock_alive_threads)->Threads(2)->UseRealTime();

void BM_ref_lock_alive_threads(benchmark::State& st) {
  static const auto sp = std::make_shared<Obj>();
  static const weakref::ref<Obj> r(sp);
  for (auto _ : st) {
    auto p = r();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_ref_lock_alive_threads)->Threads(2)->UseRealTime();

// ---- callback dispatch at death (object creation + callback + death) -----
void BM_std_deleter_callback_at_death(benchmark::State& st) {
  int calls = 0;
  for (auto _ : st) {
    std::function<void()> cb = [&calls] { ++calls; };
    std::shared_ptr<Plain> sp(new Plain, [cb = std::move(cb)](Plain* p) {
      cb();
      delete p;
    });
    std::weak_ptr<Plain> w(sp);
    sp.reset();
  }
  benchmark::DoNotOptimize(calls);
}
BENCHMARK(BM_std_deleter_callback_at_death);

void BM_ref_callback_at_death(benchmark::State& st) {
  int calls = 0;
  for (auto _ : st) {
    auto sp = std::make_shared<Obj>();
    weakref::ref<Obj> r(sp, [&calls](weakref::ref<Obj>&) { ++calls; });
    sp.reset();
  }
  benchmark::DoNotOptimize(calls);
}
BENCHMARK(BM_ref_callback_at_death);

// ---- finalize create + fire ------------------------------------------------
void BM_finalize_create_fire(benchmark::State& st) {
  int calls = 0;
  for (auto _ : st) {
    auto sp = std::make_shared<Obj>();
    weakref::finalize(sp, [&calls](int n) { calls += n; }, 1);
    sp.reset();
  }
  benchmark::DoNotOptimize(calls);
}
BENCHMARK(BM_finalize_create_fire);

// ---- weak_key_dict vs unordered_map<const K*, V> -----------------------
constexpr int kKeys = 1000;

void BM_std_unordered_map_lookup(benchmark::State& st) {
  std::vector<std::shared_ptr<Plain>> keys;
  std::unordered_map<const Plain*, int> m;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(std::make_shared<Plain>());
    m.emplace(keys.back().get(), i);
  }
  std::size_t i = 0;
  for (auto _ : st) {
    auto it = m.find(keys[i++ % kKeys].get());
    benchmark::DoNotOptimize(it->second);
  }
}
BENCHMARK(BM_std_unordered_map_lookup);

// the thread-safe std equivalent: a map guarded by a mutex
void BM_std_unordered_map_mutex_lookup(benchmark::State& st) {
  std::vector<std::shared_ptr<Plain>> keys;
  std::unordered_map<const Plain*, int> m;
  std::mutex mu;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(std::make_shared<Plain>());
    m.emplace(keys.back().get(), i);
  }
  std::size_t i = 0;
  for (auto _ : st) {
    std::lock_guard<std::mutex> g(mu);
    auto it = m.find(keys[i++ % kKeys].get());
    benchmark::DoNotOptimize(it->second);
  }
}
BENCHMARK(BM_std_unordered_map_mutex_lookup);

void BM_weak_key_dict_lookup(benchmark::State& st) {
  std::vector<std::shared_ptr<Obj>> keys;
  weakref::weak_key_dict<Obj, int> d;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(std::make_shared<Obj>());
    d.insert_or_assign(keys.back(), i);
  }
  std::size_t i = 0;
  for (auto _ : st) {
    auto v = d.get(keys[i++ % kKeys]);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_weak_key_dict_lookup);

void BM_std_unordered_map_insert_erase(benchmark::State& st) {
  auto k = std::make_shared<Plain>();
  std::unordered_map<const Plain*, int> m;
  for (auto _ : st) {
    m.emplace(k.get(), 1);
    m.erase(k.get());
  }
}
BENCHMARK(BM_std_unordered_map_insert_erase);

void BM_weak_key_dict_insert_erase(benchmark::State& st) {
  auto k = std::make_shared<Obj>();
  weakref::weak_key_dict<Obj, int> d;
  for (auto _ : st) {
    d.insert_or_assign(k, 1);
    d.erase(k);
  }
}
BENCHMARK(BM_weak_key_dict_insert_erase);

// an entry removed by its key's death (object creation included on both sides)
void BM_std_unordered_map_key_death(benchmark::State& st) {
  std::unordered_map<const Plain*, int> m;
  for (auto _ : st) {
    auto k = std::make_shared<Plain>();
    m.emplace(k.get(), 1);
    m.erase(k.get());  // the manual equivalent of the death callback
    k.reset();
  }
}
BENCHMARK(BM_std_unordered_map_key_death);

void BM_weak_key_dict_key_death(benchmark::State& st) {
  weakref::weak_key_dict<Obj, int> d;
  for (auto _ : st) {
    auto k = std::make_shared<Obj>();
    d.insert_or_assign(k, 1);
    k.reset();
  }
}
BENCHMARK(BM_weak_key_dict_key_death);

void BM_weak_set_insert_contains_death(benchmark::State& st) {
  weakref::weak_set<Obj> s;
  for (auto _ : st) {
    auto k = std::make_shared<Obj>();
    s.insert(k);
    benchmark::DoNotOptimize(s.contains(k));
    k.reset();
  }
}
BENCHMARK(BM_weak_set_insert_contains_death);

void BM_std_unordered_map_value_lookup(benchmark::State& st) {
  std::unordered_map<int, std::weak_ptr<Plain>> m;
  std::vector<std::shared_ptr<Plain>> vals;
  for (int i = 0; i < kKeys; ++i) {
    vals.push_back(std::make_shared<Plain>());
    m.emplace(i, vals.back());
  }
  int i = 0;
  for (auto _ : st) {
    auto p = m.find(i++ % kKeys)->second.lock();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_std_unordered_map_value_lookup);

void BM_weak_value_dict_get(benchmark::State& st) {
  weakref::weak_value_dict<int, Obj> d;
  std::vector<std::shared_ptr<Obj>> vals;
  for (int i = 0; i < kKeys; ++i) {
    vals.push_back(std::make_shared<Obj>());
    d.insert_or_assign(i, vals.back());
  }
  int i = 0;
  for (auto _ : st) {
    auto p = d.get(i++ % kKeys);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_weak_value_dict_get);

void BM_weak_value_dict_insert_death(benchmark::State& st) {
  weakref::weak_value_dict<int, Obj> d;
  int i = 0;
  for (auto _ : st) {
    auto v = std::make_shared<Obj>();
    d.insert_or_assign(i++ % kKeys, v);
    v.reset();
  }
}
BENCHMARK(BM_weak_value_dict_insert_death);

// ---- every container operation, steady state (issue 17) --------------------
// A present element re-added, membership, erase + re-add, a whole pass of
// iteration over kKeys elements, fill-and-clear of 100 elements, len.
std::vector<std::shared_ptr<Obj>> owners(int n) {
  std::vector<std::shared_ptr<Obj>> v;
  for (int i = 0; i < n; ++i) v.push_back(std::make_shared<Obj>());
  return v;
}

void BM_weak_set_add_present(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_set<Obj> s(ks);
  auto& k = ks[500];
  for (auto _ : st) benchmark::DoNotOptimize(s.insert(k));
}
BENCHMARK(BM_weak_set_add_present);

void BM_weak_set_contains(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_set<Obj> s(ks);
  auto& k = ks[500];
  for (auto _ : st) benchmark::DoNotOptimize(s.contains(k));
}
BENCHMARK(BM_weak_set_contains);

void BM_weak_set_discard_add(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_set<Obj> s(ks);
  auto& k = ks[500];
  for (auto _ : st) {
    s.erase(k);
    s.insert(k);
  }
}
BENCHMARK(BM_weak_set_discard_add);

void BM_weak_set_iterate_1000(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_set<Obj> s(ks);
  for (auto _ : st)
    for (const auto& x : s) benchmark::DoNotOptimize(x.get());
}
BENCHMARK(BM_weak_set_iterate_1000);

void BM_weak_set_fill_clear_100(benchmark::State& st) {
  auto ks = owners(100);
  weakref::weak_set<Obj> s;
  for (auto _ : st) {
    s.update(ks);
    s.clear();
  }
}
BENCHMARK(BM_weak_set_fill_clear_100);

void BM_weak_set_len(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_set<Obj> s(ks);
  for (auto _ : st) benchmark::DoNotOptimize(s.size());
}
BENCHMARK(BM_weak_set_len);

void BM_weak_key_dict_assign_present(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_key_dict<Obj, int> d;
  for (auto& k : ks) d.insert_or_assign(k, 1);
  auto& k = ks[500];
  for (auto _ : st) benchmark::DoNotOptimize(d.insert_or_assign(k, 2));
}
BENCHMARK(BM_weak_key_dict_assign_present);

void BM_weak_key_dict_contains(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_key_dict<Obj, int> d;
  for (auto& k : ks) d.insert_or_assign(k, 1);
  auto& k = ks[500];
  for (auto _ : st) benchmark::DoNotOptimize(d.contains(k));
}
BENCHMARK(BM_weak_key_dict_contains);

void BM_weak_key_dict_iterate_1000(benchmark::State& st) {
  auto ks = owners(kKeys);
  weakref::weak_key_dict<Obj, int> d;
  for (auto& k : ks) d.insert_or_assign(k, 1);
  for (auto _ : st)
    for (auto&& [k, v] : d) benchmark::DoNotOptimize(v);
}
BENCHMARK(BM_weak_key_dict_iterate_1000);

void BM_weak_key_dict_fill_clear_100(benchmark::State& st) {
  auto ks = owners(100);
  std::vector<std::pair<std::shared_ptr<Obj>, int>> items;
  for (auto& k : ks) items.emplace_back(k, 1);
  weakref::weak_key_dict<Obj, int> d;
  for (auto _ : st) {
    d.update(items);
    d.clear();
  }
}
BENCHMARK(BM_weak_key_dict_fill_clear_100);

void BM_weak_value_dict_assign_present(benchmark::State& st) {
  auto vs = owners(kKeys);
  weakref::weak_value_dict<int, Obj> d;
  for (int i = 0; i < kKeys; ++i) d.insert_or_assign(i, vs[i]);
  for (auto _ : st) benchmark::DoNotOptimize(d.insert_or_assign(500, vs[500]));
}
BENCHMARK(BM_weak_value_dict_assign_present);

void BM_weak_value_dict_contains(benchmark::State& st) {
  auto vs = owners(kKeys);
  weakref::weak_value_dict<int, Obj> d;
  for (int i = 0; i < kKeys; ++i) d.insert_or_assign(i, vs[i]);
  for (auto _ : st) benchmark::DoNotOptimize(d.contains(500));
}
BENCHMARK(BM_weak_value_dict_contains);

void BM_weak_value_dict_iterate_1000(benchmark::State& st) {
  auto vs = owners(kKeys);
  weakref::weak_value_dict<int, Obj> d;
  for (int i = 0; i < kKeys; ++i) d.insert_or_assign(i, vs[i]);
  for (auto _ : st)
    for (auto&& [k, v] : d) benchmark::DoNotOptimize(v.get());
}
BENCHMARK(BM_weak_value_dict_iterate_1000);

void BM_weak_value_dict_fill_clear_100(benchmark::State& st) {
  auto vs = owners(100);
  std::vector<std::pair<int, std::shared_ptr<Obj>>> items;
  for (int i = 0; i < 100; ++i) items.emplace_back(i, vs[i]);
  weakref::weak_value_dict<int, Obj> d;
  for (auto _ : st) {
    d.update(items);
    d.clear();
  }
}
BENCHMARK(BM_weak_value_dict_fill_clear_100);

}  // namespace

int main(int argc, char** argv) {
  // libstdc++ skips the atomic instructions of std::shared_ptr/weak_ptr
  // while a process has never started a thread (__libc_single_threaded).
  // The weakref runtime is always thread-safe, so compare like with like:
  // make the process multi-threaded first (WEAKREF_BENCH_SINGLE_THREADED=1
  // keeps the single-threaded std fast path, for reference).
  if (!std::getenv("WEAKREF_BENCH_SINGLE_THREADED")) std::thread([] {}).join();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
