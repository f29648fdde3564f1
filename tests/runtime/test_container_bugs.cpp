// Regression tests of issue 17 for the weak containers: clear(), C++20
// iterator conformance (and dereferencing temporaries), no user code under
// the container lock, intersection's operand, allocation-free re-insertion.
#include <weakref/weakref.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <new>
#include <ranges>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_types.hpp"

using wt::Obj;
using wt::Val;

namespace {

// --- allocation counting (this thread only, while enabled) -----------------
thread_local bool g_counting = false;
thread_local long g_allocs = 0;

struct CountAllocs {
  CountAllocs() {
    g_allocs = 0;
    g_counting = true;
  }
  ~CountAllocs() { g_counting = false; }
  long n() const { return g_allocs; }
};

}  // namespace

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (g_counting) ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

/// Runs f on another thread; a deadlock (f not done in 20 s) aborts the
/// test binary with a message instead of hanging until the ctest timeout.
void run_or_die(const char* what, std::function<void()> f) {
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread t([f, done] {
    f();
    done->store(true);
  });
  for (int i = 0; i < 2000 && !done->load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!done->load()) {
    std::fprintf(stderr, "DEADLOCK: %s\n", what);
    std::abort();
  }
  t.join();
}

std::vector<std::shared_ptr<Obj>> objs(int n) {
  std::vector<std::shared_ptr<Obj>> v;
  for (int i = 0; i < n; ++i) v.push_back(std::make_shared<Obj>(i));
  return v;
}

}  // namespace

// --- clear() ----------------------------------------------------------------

TEST(ContainerBugs, ClearRemovesEveryElementWithoutIterator) {
  auto os = objs(5);
  weakref::weak_set<Obj> s(os.begin(), os.end());
  weakref::weak_key_dict<Obj, int> kd;
  weakref::weak_value_dict<int, Obj> vd;
  for (auto& o : os) {
    kd.insert_or_assign(o, o->id);
    vd.insert_or_assign(o->id, o);
  }
  ASSERT_EQ(s.size(), 5u);
  s.clear();
  kd.clear();
  vd.clear();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(kd.size(), 0u);
  EXPECT_EQ(vd.size(), 0u);
  EXPECT_EQ(s.begin(), s.end());
  EXPECT_EQ(kd.begin(), kd.end());
  EXPECT_EQ(vd.begin(), vd.end());
  for (auto& o : os) {
    EXPECT_FALSE(s.contains(o));
    EXPECT_FALSE(kd.contains(o));
    EXPECT_FALSE(vd.contains(o->id));
  }
  // The containers still work after clear().
  EXPECT_TRUE(s.insert(os[3]));
  EXPECT_TRUE(kd.insert_or_assign(os[3], 7));
  EXPECT_TRUE(vd.insert_or_assign(3, os[3]));
  EXPECT_EQ(s.size() + kd.size() + vd.size(), 3u);
}

TEST(ContainerBugs, ClearRemovesEveryElementWithIteratorAlive) {
  auto os = objs(5);
  weakref::weak_set<Obj> s(os.begin(), os.end());
  weakref::weak_key_dict<Obj, int> kd;
  weakref::weak_value_dict<int, Obj> vd;
  for (auto& o : os) {
    kd.insert_or_assign(o, o->id);
    vd.insert_or_assign(o->id, o);
  }
  auto si = s.begin();
  auto ki = kd.begin();
  auto vi = vd.begin();
  ++si;
  s.clear();
  kd.clear();
  vd.clear();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(kd.size(), 0u);
  EXPECT_EQ(vd.size(), 0u);
  EXPECT_EQ((*si)->id, 1);  // the iterator still pins what it points at
  ++si;
  EXPECT_EQ(si, s.end());  // and sees nothing else
  ++ki;
  ++vi;
  EXPECT_EQ(ki, kd.end());
  EXPECT_EQ(vi, vd.end());
}

// --- iterators ---------------------------------------------------------------

using SetIt = weakref::weak_set<Obj>::iterator;
using KIt = weakref::weak_key_dict<Obj, std::string>::iterator;
using VIt = weakref::weak_value_dict<std::string, Obj>::iterator;
static_assert(std::input_iterator<SetIt>);
static_assert(std::input_iterator<KIt>);
static_assert(std::input_iterator<VIt>);
static_assert(std::sentinel_for<SetIt, SetIt> && std::sentinel_for<KIt, KIt> && std::sentinel_for<VIt, VIt>);
// Not multipass: they must not claim forward.
static_assert(!std::forward_iterator<SetIt> && !std::forward_iterator<KIt> && !std::forward_iterator<VIt>);
static_assert(std::is_same_v<std::iterator_traits<SetIt>::iterator_category, std::input_iterator_tag>);
static_assert(std::ranges::input_range<weakref::weak_set<Obj>>);
static_assert(std::ranges::input_range<weakref::weak_key_dict<Obj, std::string>>);
static_assert(std::ranges::input_range<weakref::weak_value_dict<std::string, Obj>>);
static_assert(std::ranges::input_range<weakref::weak_value_dict<std::string, Obj>::keys_view>);
static_assert(std::ranges::input_range<weakref::weak_key_dict<Obj, std::string>::values_view>);
// Dereferencing yields values (owners), never references into the iterator.
static_assert(!std::is_reference_v<std::iter_reference_t<SetIt>>);
static_assert(!std::is_reference_v<std::iter_reference_t<KIt>>);
static_assert(!std::is_reference_v<std::iter_reference_t<VIt>>);

TEST(ContainerBugs, DereferencedTemporariesStayValid) {
  auto os = objs(3);
  weakref::weak_set<Obj> s(os.begin(), os.end());
  weakref::weak_key_dict<Obj, std::string> kd;
  weakref::weak_value_dict<std::string, Obj> vd;
  for (auto& o : os) {
    kd.insert_or_assign(o, "v" + std::to_string(o->id));
    vd.insert_or_assign("k" + std::to_string(o->id), o);
  }
  const auto& x = *s.begin();  // the iterator temporary is gone after this line
  EXPECT_EQ(x->id, 0);
  EXPECT_TRUE(x->alive());
  auto [k, v] = *kd.begin();
  EXPECT_EQ(k->id, 0);
  EXPECT_EQ(v, "v0");
  auto [k2, v2] = *vd.begin();
  EXPECT_EQ(k2, "k0");
  EXPECT_EQ(v2->id, 0);
  // The pair owns the weakly held side: it outlives every other owner.
  auto [k3, v3] = *vd.begin();
  os.clear();
  s.clear();
  EXPECT_TRUE(v3->alive());
  EXPECT_EQ(v3->id, 0);
}

TEST(ContainerBugs, RangesAlgorithmsAndViewsPipelines) {
  auto os = objs(6);
  weakref::weak_set<Obj> s(os.begin(), os.end());
  weakref::weak_key_dict<Obj, int> kd;
  weakref::weak_value_dict<int, Obj> vd;
  for (auto& o : os) {
    kd.insert_or_assign(o, o->id * 10);
    vd.insert_or_assign(o->id, o);
  }
  os[1].reset();  // a dead element is never shown
  EXPECT_EQ(std::ranges::count_if(s, [](const std::shared_ptr<Obj>& o) { return o->id % 2 == 0; }), 3);
  std::vector<int> ids;
  for (int id : s | std::views::transform([](const auto& o) { return o->id; }) |
                    std::views::filter([](int i) { return i > 2; }))
    ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<int>{3, 4, 5}));
  auto it = std::ranges::find_if(kd, [](const auto& kv) { return kv.second == 40; });
  ASSERT_NE(it, kd.end());
  EXPECT_EQ((*it).first->id, 4);
  std::vector<int> vals;
  for (int v : kd | std::views::values) vals.push_back(v);
  EXPECT_EQ(vals, (std::vector<int>{0, 20, 30, 40, 50}));
  std::vector<int> keys;
  for (int k : vd | std::views::keys | std::views::take(3)) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<int>{0, 2, 3}));
  std::vector<int> vids;
  std::ranges::for_each(vd.values(), [&](const std::shared_ptr<Obj>& o) { vids.push_back(o->id); });
  EXPECT_EQ(vids, (std::vector<int>{0, 2, 3, 4, 5}));
  // Values can be written through the dict's iterators.
  for (auto&& [k, v] : kd) v += 1;
  EXPECT_EQ(kd.get(os[4]), 41);
  int n = 0;
  for (auto& v : kd.values()) n += v;
  EXPECT_EQ(n, 1 + 21 + 31 + 41 + 51);
}

// --- no user code under the container lock -----------------------------------

namespace {

/// Value-keyed, all instances hash alike (so lookups compare them), and
/// operator== drops the last owner of a victim that is in the same container.
struct Evil : weakref::enable_weakref<Evil> {
  explicit Evil(int v) : v(v) {}
  int v;
  static std::shared_ptr<Evil>& victim() {
    static std::shared_ptr<Evil> p;
    return p;
  }
  static bool& armed() {
    static bool a = false;
    return a;
  }
  bool operator==(const Evil& o) const {
    if (std::exchange(armed(), false)) victim().reset();
    return v == o.v;
  }
};
struct EvilKey {
  int v;
  bool operator==(const EvilKey& o) const {
    if (std::exchange(armed(), false)) vvictim().reset();
    return v == o.v;
  }
  static bool& armed() {
    static bool a = false;
    return a;
  }
  static std::shared_ptr<Obj>& vvictim() {
    static std::shared_ptr<Obj> p;
    return p;
  }
};

}  // namespace

template <>
struct std::hash<Evil> {
  std::size_t operator()(const Evil&) const noexcept { return 42; }
};
template <>
struct std::hash<EvilKey> {
  std::size_t operator()(const EvilKey&) const noexcept { return 7; }
};

TEST(ContainerBugs, KeyEqualityDroppingAnotherElementDoesNotDeadlock) {
  run_or_die("weak_set::contains / insert", [] {
    weakref::weak_set<Evil> s;
    auto a = std::make_shared<Evil>(1);
    Evil::victim() = std::make_shared<Evil>(2);
    // The victim's own callback uses the set too (CB7).
    std::size_t seen = 99;
    weakref::ref<Evil> r(Evil::victim(), [&](weakref::ref<Evil>&) { seen = s.size(); });
    s.insert(a);
    s.insert(Evil::victim());
    auto probe = std::make_shared<Evil>(3);
    Evil::armed() = true;
    EXPECT_FALSE(s.contains(probe));  // compares probe with a and the victim: drops the victim
    EXPECT_EQ(seen, 1u);
    EXPECT_EQ(s.size(), 1u);
    Evil::victim() = std::make_shared<Evil>(4);
    s.insert(Evil::victim());
    Evil::armed() = true;
    EXPECT_TRUE(s.insert(probe));
    EXPECT_EQ(s.size(), 2u);  // a and probe
    auto a2 = std::make_shared<Evil>(1);
    EXPECT_FALSE(s.insert(a2));  // equal to a
    EXPECT_EQ(s.erase(a2), 1u);
  });
  run_or_die("weak_key_dict::insert_or_assign", [] {
    weakref::weak_key_dict<Evil, int> d;
    auto a = std::make_shared<Evil>(1);
    Evil::victim() = std::make_shared<Evil>(2);
    d.insert_or_assign(a, 1);
    d.insert_or_assign(Evil::victim(), 2);
    auto a2 = std::make_shared<Evil>(1);
    Evil::armed() = true;
    EXPECT_FALSE(d.insert_or_assign(a2, 10));  // equal key: replaces, victim dropped on the way
    EXPECT_EQ(d.size(), 1u);
    EXPECT_EQ(d.get(a), 10);
    EXPECT_EQ(d.keys().begin().operator*(), a);  // the original key object stays
    Evil::victim() = std::make_shared<Evil>(5);
    d.insert_or_assign(Evil::victim(), 5);
    Evil::armed() = true;
    EXPECT_EQ(d.setdefault(a2, 3), 10);
    EXPECT_EQ(d.size(), 1u);
  });
  run_or_die("weak_value_dict with a key whose == drops a value", [] {
    weakref::weak_value_dict<EvilKey, Obj, std::hash<EvilKey>> d;
    auto keep = std::make_shared<Obj>(1);
    EvilKey::vvictim() = std::make_shared<Obj>(2);
    d.insert_or_assign(EvilKey{1}, keep);
    d.insert_or_assign(EvilKey{2}, EvilKey::vvictim());
    EvilKey::armed() = true;
    EXPECT_EQ(d.get(EvilKey{1}), keep);
    EXPECT_EQ(d.size(), 1u);
    EvilKey::vvictim() = std::make_shared<Obj>(3);
    d.insert_or_assign(EvilKey{3}, EvilKey::vvictim());
    auto other = std::make_shared<Obj>(4);
    EvilKey::armed() = true;
    EXPECT_FALSE(d.insert_or_assign(EvilKey{1}, other));
    EXPECT_EQ(d.get(EvilKey{1}), other);
    EXPECT_EQ(d.size(), 1u);
  });
}

// --- intersection keeps the other operand's objects (CPython _weakrefset.py) --

TEST(ContainerBugs, IntersectionKeepsTheOtherOperandsObjects) {
  auto a1 = std::make_shared<Val>(1), a2 = std::make_shared<Val>(1);  // equal, distinct
  auto b = std::make_shared<Val>(2), c = std::make_shared<Val>(3);
  weakref::weak_set<Val> s1{a1, b};
  weakref::weak_set<Val> s2{c, a2};
  auto i = s1 & s2;
  ASSERT_EQ(i.size(), 1u);
  EXPECT_EQ(*i.begin(), a2);  // WeakSet(item for item in other if item in self)
  auto j = s1.intersection(std::vector<std::shared_ptr<Val>>{a2, c});
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(*j.begin(), a2);
  // union and difference keep this set's.
  auto u = s1 | s2;
  EXPECT_EQ(u.size(), 3u);
  EXPECT_EQ(*u.begin(), a1);
  a2.reset();  // i holds it weakly only
  EXPECT_EQ(i.size(), 0u);
}

// --- allocation-free re-insertion ---------------------------------------------

TEST(ContainerBugs, InsertingAPresentElementAllocatesNothing) {
  auto o = std::make_shared<Obj>(1);
  auto v = std::make_shared<Val>(5), v2 = std::make_shared<Val>(5);
  weakref::weak_set<Obj> s{o};
  weakref::weak_set<Val> sv{v};
  weakref::weak_key_dict<Obj, int> kd;
  kd.insert_or_assign(o, 1);
  weakref::weak_value_dict<int, Obj> vd;
  vd.insert_or_assign(1, o);
  long n[8];
  bool r[5];
  {
    CountAllocs c;
    r[0] = s.insert(o);
    n[0] = c.n();
    r[1] = sv.insert(v);
    n[1] = c.n();
    r[2] = sv.insert(v2);  // equal, distinct
    n[2] = c.n();
    r[3] = kd.insert_or_assign(o, 2);
    n[3] = c.n();
    r[4] = s.contains(o);
    n[4] = c.n();
    n[5] = *kd.get(o);
    n[6] = c.n();
    n[7] = vd.get(1) == o;
    r[0] = r[0] || vd.insert_or_assign(1, o);  // the same value again
    n[6] += c.n() - n[6];
  }
  EXPECT_FALSE(r[0] || r[1] || r[2] || r[3]);
  EXPECT_TRUE(r[4]);
  EXPECT_EQ(n[5], 2);
  EXPECT_EQ(n[7], 1);
  for (int i : {0, 1, 2, 3, 4, 6}) EXPECT_EQ(n[i], 0) << "after step " << i;
  {
    CountAllocs c;  // the counter itself counts
    auto p = std::make_shared<Obj>(2);
    EXPECT_GE(c.n(), 1);
  }
}
