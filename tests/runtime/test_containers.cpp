// Behaviours S1/K1/V1, K2, V2, V3, I1, I2, S2.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "test_types.hpp"

using wt::Obj;
using wt::Val;
using weakref::weak_key_dict;
using weakref::weak_set;
using weakref::weak_value_dict;

namespace {
template <class C>
std::size_t count_iter(const C& c) {
  std::size_t n = 0;
  for (auto it = c.begin(); it != c.end(); ++it) ++n;
  return n;
}
}  // namespace

TEST(WeakSet, S1_DeadElementsDisappear) {
  auto a = std::make_shared<Obj>(1), b = std::make_shared<Obj>(2), c = std::make_shared<Obj>(3);
  weak_set<Obj> s{a, b, c};
  EXPECT_EQ(s.size(), 3u);
  auto b_raw = b.get();
  b.reset();
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(count_iter(s), 2u);
  for (const auto& x : s) EXPECT_NE(x.get(), b_raw);
  EXPECT_TRUE(s.contains(a));
  a.reset();
  c.reset();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.begin(), s.end());
  EXPECT_EQ(s.pop(), nullptr);
}

TEST(WeakSet, S1_InsertEraseContainsPop) {
  auto a = std::make_shared<Obj>(1), b = std::make_shared<Obj>(2);
  weak_set<Obj> s;
  EXPECT_TRUE(s.insert(a));
  EXPECT_FALSE(s.insert(a));
  EXPECT_TRUE(s.insert(b));
  EXPECT_EQ(s.erase(a), 1u);
  EXPECT_EQ(s.erase(a), 0u);
  EXPECT_FALSE(s.contains(a));
  EXPECT_EQ(s.pop(), b);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(weakref::callback_count(a), 0u);  // erased entries unregister
  EXPECT_EQ(weakref::callback_count(b), 0u);
}

TEST(WeakKeyDict, K1_DeadKeysDisappear) {
  auto a = std::make_shared<Obj>(1), b = std::make_shared<Obj>(2);
  weak_key_dict<Obj, std::string> d;
  d.insert_or_assign(a, "a");
  d.insert_or_assign(b, "b");
  EXPECT_EQ(d.at(a), "a");
  EXPECT_EQ(d.get(b), std::optional<std::string>("b"));
  b.reset();
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(count_iter(d), 1u);
  for (auto [k, v] : d) {
    EXPECT_EQ(k, a);
    EXPECT_EQ(v, "a");
  }
  EXPECT_EQ(d.keys().size(), 1u);
  EXPECT_EQ(d.items().size(), 1u);
  a.reset();
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.begin(), d.end());
}

TEST(WeakKeyDict, K1_ValueDestroyedWhenKeyDies) {
  auto a = std::make_shared<Obj>(1);
  auto value = std::make_shared<int>(5);
  weak_key_dict<Obj, std::shared_ptr<int>> d;
  d.insert_or_assign(a, value);
  EXPECT_EQ(value.use_count(), 2);
  a.reset();
  EXPECT_EQ(value.use_count(), 1);
  EXPECT_FALSE(d.contains(std::make_shared<Obj>(1)));
}

TEST(WeakKeyDict, K2_LookupByReferentHashAndEqualityKeepsOriginalKey) {
  auto k1 = std::make_shared<Val>(7);
  auto k2 = std::make_shared<Val>(7);  // equal, distinct
  weak_key_dict<Val, int> d;
  EXPECT_TRUE(d.insert_or_assign(k1, 1));
  EXPECT_TRUE(d.contains(k2));  // found through hash and ==
  EXPECT_FALSE(d.insert_or_assign(k2, 2));  // replaces the value...
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(*d.keys().begin(), k1);  // ...keeping the original key object
  EXPECT_EQ(d.get(k1), std::optional<int>(2));
  k2.reset();  // the equal key's death does not remove the entry
  EXPECT_EQ(d.size(), 1u);
  k1.reset();  // the entry dies with the original key
  EXPECT_EQ(d.size(), 0u);

  // identity-keyed: equal ids but no operator==: distinct keys
  auto o1 = std::make_shared<Obj>(1), o2 = std::make_shared<Obj>(1);
  weak_key_dict<Obj, int> id;
  id.insert_or_assign(o1, 1);
  id.insert_or_assign(o2, 2);
  EXPECT_EQ(id.size(), 2u);

  weak_set<Val> s;
  auto v1 = std::make_shared<Val>(3), v2 = std::make_shared<Val>(3);
  EXPECT_TRUE(s.insert(v1));
  EXPECT_FALSE(s.insert(v2));
  EXPECT_EQ(s.pop(), v1);
}

TEST(WeakValueDict, V1_DeadValuesDisappear) {
  auto a = std::make_shared<Obj>(1), b = std::make_shared<Obj>(2);
  weak_value_dict<std::string, Obj> d;
  d.insert_or_assign("a", a);
  d.insert_or_assign("b", b);
  EXPECT_EQ(d.get("a"), a);
  b.reset();
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.get("b"), nullptr);
  EXPECT_FALSE(d.contains("b"));
  EXPECT_THROW(d.at("b"), std::out_of_range);
  EXPECT_EQ(count_iter(d), 1u);
  for (auto [k, v] : d) {
    EXPECT_EQ(k, "a");
    EXPECT_EQ(v, a);
  }
  a.reset();
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.popitem().has_value());
}

TEST(WeakValueDict, V1_CheeseShop) {
  struct Cheese : weakref::enable_weakref<Cheese> {
    explicit Cheese(std::string k) : kind(std::move(k)) {}
    std::string kind;
  };
  weak_value_dict<std::string, Cheese> stock;
  std::vector<std::shared_ptr<Cheese>> catalog;
  for (const char* k : {"Red Leicester", "Tilsit", "Brie", "Camembert"}) catalog.push_back(std::make_shared<Cheese>(k));
  for (auto& c : catalog) stock.insert_or_assign(c->kind, c);
  EXPECT_EQ(stock.size(), 4u);
  catalog.pop_back();  // Camembert: gone
  EXPECT_EQ(stock.size(), 3u);
  catalog.clear();
  EXPECT_EQ(stock.size(), 0u);
}

TEST(WeakValueDict, V2_OldValueDeathNeverRemovesNewerValue) {
  auto old_v = std::make_shared<Obj>(1), new_v = std::make_shared<Obj>(2);
  weak_value_dict<int, Obj> d;
  d.insert_or_assign(0, old_v);
  EXPECT_FALSE(d.insert_or_assign(0, new_v));  // replaced a live value
  old_v.reset();
  EXPECT_EQ(d.get(0), new_v);
  EXPECT_EQ(d.size(), 1u);
  // also while an iterator defers removals
  auto v3 = std::make_shared<Obj>(3);
  {
    auto it = d.begin();
    d.insert_or_assign(0, v3);
    new_v.reset();
    EXPECT_EQ(d.get(0), v3);
  }
  EXPECT_EQ(d.get(0), v3);
  EXPECT_EQ(d.size(), 1u);
}

TEST(WeakValueDict, V3_GetPopCopiesNeverReturnDeadValues) {
  weak_value_dict<int, Obj> d;
  auto a = std::make_shared<Obj>(1), b = std::make_shared<Obj>(2);
  d.insert_or_assign(1, a);
  d.insert_or_assign(2, b);
  weak_value_dict<int, Obj> copy = d;
  b.reset();
  EXPECT_EQ(copy.get(2), nullptr);
  EXPECT_EQ(copy.pop(2), nullptr);
  EXPECT_EQ(d.items().size(), 1u);
  auto item = d.popitem();
  ASSERT_TRUE(item);
  EXPECT_EQ(item->second, a);
  EXPECT_EQ(d.setdefault(1, a), a);
  EXPECT_EQ(copy.pop(1), a);
}

TEST(WeakValueDict, V3_ConcurrentDeathsNeverYieldDeadValues) {
  constexpr int keys = 64, writers = 2, rounds = 3000;
  weak_value_dict<int, Obj> d;
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, hits{0};
  std::vector<std::thread> ts;
  for (int w = 0; w < writers; ++w)
    ts.emplace_back([&, w] {
      for (int i = 0; i < rounds; ++i) {
        auto o = std::make_shared<Obj>(i);
        d.insert_or_assign((i * 7 + w) % keys, o);
        if (i % 3 == 0) d.pop((i + 5) % keys);
      }  // each value dies right here, on this thread
    });
  for (int r = 0; r < 2; ++r)
    ts.emplace_back([&] {
      while (!stop.load()) {
        for (int k = 0; k < keys; ++k)
          if (auto p = d.get(k)) {
            ++hits;
            if (!p->alive()) ++bad;
          }
        weak_value_dict<int, Obj> snapshot = d;
        for (auto [k, v] : snapshot)
          if (!v || !v->alive()) ++bad;
        for (const auto& [k, v] : d.items())
          if (!v->alive()) ++bad;
      }
    });
  for (int w = 0; w < writers; ++w) ts[w].join();
  stop = true;
  for (std::size_t i = writers; i < ts.size(); ++i) ts[i].join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(d.size(), 0u);
}

TEST(Iteration, I1_DeathsDeferredIteratorPinsReadsNeverInvalidate) {
  std::vector<std::shared_ptr<Obj>> objs;
  for (int i = 0; i < 10; ++i) objs.push_back(std::make_shared<Obj>(i));
  weak_set<Obj> s(objs.begin(), objs.end());
  weak_value_dict<int, Obj> d;
  for (auto& o : objs) d.insert_or_assign(o->id, o);

  std::vector<int> seen;
  weakref::ref<Obj> current_ref;
  for (auto it = s.begin(); it != s.end(); ++it) {
    std::shared_ptr<Obj> x = *it;
    seen.push_back(x->id);
    if (x->id == 2) {
      // kill the current element and some ahead of us
      current_ref = weakref::ref<Obj>(x);
      x.reset();
      objs[2].reset();
      EXPECT_NE(current_ref(), nullptr) << "the iterator pins the element it yields";
      EXPECT_EQ((*it)->id, 2);
      objs[5].reset();
      objs[6].reset();
      // reads during iteration
      EXPECT_EQ(s.size(), 8u);  // 5 and 6 are gone, 2 is pinned
      EXPECT_FALSE(d.contains(5));
      EXPECT_TRUE(s.contains(objs[7]));
      EXPECT_EQ(d.get(7), objs[7]);
      // writes too
      s.erase(objs[8]);
      auto extra = std::make_shared<Obj>(100);
      s.insert(extra);
      s.erase(extra);
    }
  }
  EXPECT_EQ(current_ref(), nullptr) << "dies once the iterator moves on";
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 7, 9}));
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(count_iter(s), 6u);

  // two overlapping iterators; deaths deferred until both are gone
  auto it1 = d.begin();
  auto it2 = d.begin();
  ++it2;
  objs[0].reset();
  objs[1].reset();
  EXPECT_EQ(it1.key(), 0);  // pinned
  ++it1;
  EXPECT_EQ(it1.key(), 1);  // pinned by it2 (and now it1)
  EXPECT_EQ(d.size(), 6u);  // 0 died once it1 moved on; 1 is still pinned
  it1 = d.end();
  it2 = d.end();
  EXPECT_EQ(d.size(), 5u);  // 1 died with the last iterator pinning it
  EXPECT_EQ(count_iter(d), 5u);
}

TEST(Iteration, I1_IteratorOutlivesContainerAndEraseCurrent) {
  std::vector<std::shared_ptr<Obj>> objs;
  for (int i = 0; i < 4; ++i) objs.push_back(std::make_shared<Obj>(i));
  auto kd = std::make_unique<weak_key_dict<Obj, int>>();
  for (auto& o : objs) kd->insert_or_assign(o, o->id * 10);
  auto it = kd->begin();
  kd->erase(objs[0]);  // erase the element the iterator points at
  EXPECT_EQ((*it).second, 0);
  ++it;
  EXPECT_EQ(it.value(), 10);
  kd.reset();  // container gone, iterator still valid
  ++it;
  EXPECT_EQ(it.key(), objs[2]);
  ++it;
  ++it;
  EXPECT_EQ(it, decltype(it){});
}

TEST(Containers, I2_ContainerDestroyedFirstLeavesNoCallbackAndIsNotKeptAlive) {
  auto a = std::make_shared<Obj>(1);
  struct Holder : weakref::enable_weakref<Holder> {
    weak_set<Obj> s;
    weak_key_dict<Obj, int> kd;
    weak_value_dict<int, Obj> vd;
  };
  auto h = std::make_shared<Holder>();
  h->s.insert(a);
  h->kd.insert_or_assign(a, 1);
  h->vd.insert_or_assign(1, a);
  EXPECT_EQ(weakref::callback_count(a), 3u);
  weakref::ref<Holder> hr(h);
  h.reset();  // the containers' elements are alive: the containers are not kept alive
  EXPECT_EQ(hr(), nullptr);
  EXPECT_EQ(weakref::callback_count(a), 0u);  // no dangling callback
  a.reset();                                  // and the element's death touches nothing freed
  SUCCEED();
}

TEST(Containers, I2_ContainerDestroyedWhileElementDiesOnAnotherThread) {
  for (int round = 0; round < 300; ++round) {
    auto a = std::make_shared<Obj>(round);
    auto s = std::make_unique<weak_set<Obj>>();
    auto d = std::make_unique<weak_value_dict<int, Obj>>();
    s->insert(a);
    d->insert_or_assign(round, a);
    std::thread t([owner = std::move(a)]() mutable { owner.reset(); });
    s.reset();
    d.reset();
    t.join();
  }
  SUCCEED();
}

TEST(WeakSet, S2_SetAlgebraYieldsWeakSets) {
  auto a = std::make_shared<Obj>(1), b = std::make_shared<Obj>(2), c = std::make_shared<Obj>(3);
  weak_set<Obj> ab{a, b}, bc{b, c};
  weak_set<Obj> u = ab | bc, i = ab & bc, d = ab - bc, x = ab ^ bc;
  static_assert(std::is_same_v<decltype(u), weak_set<Obj>>);
  EXPECT_EQ(u.size(), 3u);
  EXPECT_EQ(i.size(), 1u);
  EXPECT_TRUE(i.contains(b));
  EXPECT_EQ(d.size(), 1u);
  EXPECT_TRUE(d.contains(a));
  EXPECT_EQ(x.size(), 2u);
  EXPECT_TRUE(x.contains(a) && x.contains(c));
  EXPECT_TRUE(i <= ab);
  EXPECT_TRUE(i < ab);
  EXPECT_TRUE(ab >= i);
  EXPECT_FALSE(ab <= bc);
  EXPECT_TRUE(d.is_disjoint(bc));
  EXPECT_TRUE(u == (weak_set<Obj>{a, b, c}));
  // results are weak: they do not keep elements alive
  b.reset();
  EXPECT_EQ(u.size(), 2u);
  EXPECT_EQ(i.size(), 0u);
  EXPECT_TRUE(i.is_subset_of(d));
}

namespace {
// Weak references and weak containers as members of the referent's own type
// (the type is incomplete where the members are declared).
struct TreeNode : weakref::enable_weakref<TreeNode> {
  explicit TreeNode(int v) : value(v) {}
  int value;
  weakref::ref<TreeNode> parent;
  weak_set<TreeNode> watchers;
  std::vector<std::shared_ptr<TreeNode>> children;
};
}  // namespace

TEST(WeakSet, S1_MembersOfTheReferentTypeItself) {
  auto root = std::make_shared<TreeNode>(0);
  auto child = std::make_shared<TreeNode>(1);
  child->parent = weakref::ref<TreeNode>(root);
  root->children.push_back(child);
  root->watchers.insert(child);
  child->watchers.insert(root);
  EXPECT_EQ(child->parent()->value, 0);
  weakref::ref<TreeNode> c(child);
  child.reset();  // still owned by root
  EXPECT_EQ(root->watchers.size(), 1u);
  root.reset();  // the whole tree goes
  EXPECT_EQ(c(), nullptr);
}

TEST(WeakValueDict, V3_SetdefaultIsAtomicAndReturnsTheLiveValue) {
  weak_value_dict<int, Obj> d;
  std::vector<std::shared_ptr<Obj>> winners(4);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      auto mine = std::make_shared<Obj>(t);
      winners[t] = d.setdefault(0, mine);
    });
  for (auto& t : ts) t.join();
  for (auto& w : winners) EXPECT_EQ(w, winners[0]);  // everyone got the same live value
  EXPECT_EQ(d.get(0), winners[0]);
  auto dead = std::make_shared<Obj>(9);
  d.insert_or_assign(1, dead);
  dead.reset();
  auto fresh = std::make_shared<Obj>(10);
  EXPECT_EQ(d.setdefault(1, fresh), fresh);  // a dead value counts as absent
}

TEST(WeakSet, S1_CallbacksOfTheDyingElementNeverSeeItInContainers) {
  // CPython 3.11: len(s) is still 1 inside such a callback; here it is 0.
  auto o = std::make_shared<Obj>(1);
  weak_set<Obj> s;
  weak_key_dict<Obj, int> kd;
  weak_value_dict<int, Obj> vd;
  weakref::ref<Obj> older(o, [&](weakref::ref<Obj>&) { EXPECT_EQ(s.size(), 0u); });
  s.insert(o);
  kd.insert_or_assign(o, 1);
  vd.insert_or_assign(1, o);
  std::size_t sizes = 99;
  int iterated = 0;
  weakref::ref<Obj> newer(o, [&](weakref::ref<Obj>&) {
    sizes = s.size() + kd.size() + vd.size();
    for (const auto& x : s) iterated += x ? 1 : 0;
    for (auto [k, v] : vd) iterated += v ? 1 : 0;
  });
  weakref::finalize fin(o, [&] { EXPECT_EQ(s.size() + kd.size() + vd.size(), 0u); });
  o.reset();
  EXPECT_EQ(sizes, 0u);
  EXPECT_EQ(iterated, 0);
  EXPECT_FALSE(fin.alive());
}
