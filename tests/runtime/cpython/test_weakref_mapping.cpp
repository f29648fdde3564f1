// A port of the mapping tests of CPython's Lib/test/test_weakref.py
// (MappingTestCase, WeakValueDictionaryTestCase and WeakKeyDictionaryTestCase,
// the latter two from Lib/test/mapping_tests.py's BasicTestMappingProtocol)
// to weakref::weak_key_dict / weak_value_dict. One TEST per applicable
// Python test, with its name; docs/runtime.md lists every Python test as
// ported / not applicable. Python's KeyError is std::out_of_range (at(),
// operator[]) or an empty result (pop, popitem, erase); the TypeErrors of
// wrong argument types or counts are compile-time errors in C++. Python's
// garbage collector (gc.collect(), RefCycle) has no C++ counterpart: objects
// die when their last owner goes, so "collected" means "last owner dropped",
// and the threaded tests drop owners on another thread instead.
#include <weakref/weakref.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <mutex>
#include <utility>
#include <vector>

namespace {

/// Python's Object: equality and hash by arg.
struct Object : weakref::enable_weakref<Object> {
  explicit Object(int a) : arg(a) {}
  int arg;
  bool operator==(const Object& o) const { return arg == o.arg; }
};
/// Python's C: identity only.
struct C : weakref::enable_weakref<C> {};

}  // namespace

template <>
struct std::hash<Object> {
  std::size_t operator()(const Object& o) const noexcept { return std::hash<int>{}(o.arg); }
};

namespace {

using OP = std::shared_ptr<Object>;
using CP = std::shared_ptr<C>;
using WKD = weakref::weak_key_dict<Object, int>;
using WVD = weakref::weak_value_dict<int, Object>;

constexpr int COUNT = 10;

std::pair<WKD, std::vector<OP>> make_weak_keyed_dict() {
  WKD d;
  std::vector<OP> objects;
  for (int i = 0; i < COUNT; ++i) objects.push_back(std::make_shared<Object>(i));
  for (auto& o : objects) d.insert_or_assign(o, o->arg);
  return {std::move(d), std::move(objects)};
}
std::pair<WVD, std::vector<OP>> make_weak_valued_dict() {
  WVD d;
  std::vector<OP> objects;
  for (int i = 0; i < COUNT; ++i) objects.push_back(std::make_shared<Object>(i));
  for (auto& o : objects) d.insert_or_assign(o->arg, o);
  return {std::move(d), std::move(objects)};
}

/// What pop(k) returned (optional<V> or shared_ptr<V>) holds v.
template <class P, class V>
bool popped_is(const P& x, const V& v) {
  if constexpr (std::is_same_v<P, V>) return x == v;
  else return x && *x == v;
}

template <class R>
auto to_vector(const R& r) {
  std::vector<std::ranges::range_value_t<R>> v;
  for (auto&& x : r) v.emplace_back(x);
  return v;
}

// Removes one element equal to x from v (Python's list.remove); false if none.
template <class T, class U>
bool remove_one(std::vector<T>& v, const U& x) {
  auto it = std::find(v.begin(), v.end(), x);
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

// ----------------------------------------------------------------------------
// MappingTestCase

template <class D, class Cons>
void check_len_cycles(Cons cons) {
  const int N = 20;
  std::vector<OP> items;
  for (int i = 0; i < N; ++i) items.push_back(std::make_shared<Object>(i));
  D dct;
  for (auto& o : items) {
    auto [k, v] = cons(o);
    dct.insert_or_assign(k, v);
  }
  auto it = dct.items().begin();  // keep an iterator alive (it pins one item)
  items.clear();
  const std::size_t n1 = dct.size();
  it = {};
  const std::size_t n2 = dct.size();
  EXPECT_TRUE(n1 == 0 || n1 == 1) << n1;
  EXPECT_EQ(n2, 0u);
}

TEST(MappingTestCase, test_weak_keyed_len_cycles) {
  check_len_cycles<WKD>([](const OP& o) { return std::make_pair(o, 1); });
}
TEST(MappingTestCase, test_weak_valued_len_cycles) {
  check_len_cycles<WVD>([](const OP& o) { return std::make_pair(o->arg, o); });
}

template <class D, class Cons>
void check_len_race(Cons cons) {
  for (int th = 1; th < 100; ++th) {
    const std::size_t N = 20;
    std::vector<OP> items;
    for (std::size_t i = 0; i < N; ++i) items.push_back(std::make_shared<Object>(static_cast<int>(i)));
    D dct;
    for (auto& o : items) {
      auto [k, v] = cons(o);
      dct.insert_or_assign(k, v);
    }
    std::thread collector([&items] { items.clear(); });  // "all items will be collected"
    std::size_t n1;
    {
      auto it = dct.items().begin();
      n1 = dct.size();
    }
    const std::size_t n2 = dct.size();
    collector.join();
    EXPECT_LE(n1, N);
    EXPECT_LE(n2, n1);
    EXPECT_EQ(dct.size(), 0u);
  }
}
TEST(MappingTestCase, test_weak_keyed_len_race) {
  check_len_race<WKD>([](const OP& o) { return std::make_pair(o, 1); });
}
TEST(MappingTestCase, test_weak_valued_len_race) {
  check_len_race<WVD>([](const OP& o) { return std::make_pair(o->arg, o); });
}

TEST(MappingTestCase, test_weak_values) {
  auto [dict, objects] = make_weak_valued_dict();
  for (auto& o : objects) {
    EXPECT_EQ(weakref::callback_count(o), 1u);  // Python: getweakrefcount(o) == 1
    EXPECT_EQ(dict[o->arg], o) << "wrong object returned by weak dict!";
  }
  auto items1 = dict.snapshot();
  auto items2 = dict.copy().snapshot();
  std::sort(items1.begin(), items1.end());
  std::sort(items2.begin(), items2.end());
  EXPECT_EQ(items1, items2) << "cloning of weak-valued dictionary did not work!";
  items1.clear();
  items2.clear();
  EXPECT_EQ(dict.size(), static_cast<std::size_t>(COUNT));
  objects.erase(objects.begin());
  EXPECT_EQ(dict.size(), static_cast<std::size_t>(COUNT - 1)) << "deleting object did not cause dictionary update";
  objects.clear();
  EXPECT_EQ(dict.size(), 0u) << "deleting the values did not clear the dictionary";
  // regression on SF bug #447152:
  weakref::weak_value_dict<int, C> d2;
  EXPECT_THROW(d2[1], std::out_of_range);
  d2.insert_or_assign(2, std::make_shared<C>());
  EXPECT_THROW(d2[2], std::out_of_range);
}

TEST(MappingTestCase, test_weak_keys) {
  auto [dict, objects] = make_weak_keyed_dict();
  for (auto& o : objects) {
    EXPECT_EQ(weakref::callback_count(o), 1u) << "wrong number of weak references";
    EXPECT_EQ(dict.at(o), o->arg) << "wrong object returned by weak dict!";
  }
  auto items1 = dict.snapshot();
  auto items2 = dict.copy().snapshot();
  EXPECT_EQ(std::set(items1.begin(), items1.end()), std::set(items2.begin(), items2.end()))
      << "cloning of weak-keyed dictionary did not work!";
  items1.clear();
  items2.clear();
  EXPECT_EQ(dict.size(), static_cast<std::size_t>(COUNT));
  objects.erase(objects.begin());
  EXPECT_EQ(dict.size(), static_cast<std::size_t>(COUNT - 1));
  objects.clear();
  EXPECT_EQ(dict.size(), 0u) << "deleting the keys did not clear the dictionary";
  weakref::weak_key_dict<Object, std::string> sd;
  auto o = std::make_shared<Object>(42);
  sd.insert_or_assign(o, "What is the meaning of the universe?");
  EXPECT_TRUE(sd.contains(o));
  EXPECT_FALSE(sd.contains(std::make_shared<Object>(34)));
}

template <class D>
void check_iters(const D& dict) {
  // item iterator:
  auto items = dict.snapshot();
  for (auto&& item : dict.items()) EXPECT_TRUE(remove_one(items, typename D::value_type(item)));
  EXPECT_TRUE(items.empty()) << "items() did not touch all items";
  // key iterator, via begin()/end():
  auto keys = to_vector(dict.keys());
  for (auto&& [k, v] : dict) EXPECT_TRUE(remove_one(keys, k));
  EXPECT_TRUE(keys.empty()) << "__iter__() did not touch all keys";
  // key iterator, via keys():
  keys = to_vector(dict.keys());
  for (auto&& k : dict.keys()) EXPECT_TRUE(remove_one(keys, k));
  EXPECT_TRUE(keys.empty()) << "iterkeys() did not touch all keys";
  // value iterator:
  auto values = to_vector(dict.values());
  for (auto&& v : dict.values()) EXPECT_TRUE(remove_one(values, v));
  EXPECT_TRUE(values.empty()) << "itervalues() did not touch all values";
}

TEST(MappingTestCase, test_weak_keyed_iters) {
  auto [dict, objects] = make_weak_keyed_dict();
  check_iters(dict);
  // keyrefs()
  auto refs = dict.keyrefs();
  EXPECT_EQ(refs.size(), objects.size());
  auto objects2 = objects;
  for (auto& wr : refs) {
    auto ob = wr();
    ASSERT_TRUE(ob);
    EXPECT_TRUE(dict.contains(ob));
    EXPECT_EQ(ob->arg, dict.at(ob));
    EXPECT_TRUE(remove_one(objects2, ob));
  }
  EXPECT_TRUE(objects2.empty());
  // iterkeyrefs()
  objects2 = objects;
  EXPECT_EQ(dict.keyrefs().size(), objects.size());
  for (auto& wr : dict.keyrefs()) {
    auto ob = wr();
    ASSERT_TRUE(ob);
    EXPECT_TRUE(dict.contains(ob));
    EXPECT_EQ(ob->arg, dict.at(ob));
    EXPECT_TRUE(remove_one(objects2, ob));
  }
  EXPECT_TRUE(objects2.empty());
}

TEST(MappingTestCase, test_weak_valued_iters) {
  auto [dict, objects] = make_weak_valued_dict();
  check_iters(dict);
  // valuerefs()
  auto refs = dict.valuerefs();
  EXPECT_EQ(refs.size(), objects.size());
  auto objects2 = objects;
  for (auto& wr : refs) {
    auto ob = wr();
    ASSERT_TRUE(ob);
    EXPECT_EQ(ob, dict[ob->arg]);
    EXPECT_EQ(ob->arg, dict[ob->arg]->arg);
    EXPECT_TRUE(remove_one(objects2, ob));
  }
  EXPECT_TRUE(objects2.empty());
  // itervaluerefs()
  objects2 = objects;
  std::size_t n = 0;
  for (auto&& wr : dict.itervaluerefs()) {
    (void)wr;
    ++n;
  }
  EXPECT_EQ(n, objects.size());
  for (auto&& wr : dict.itervaluerefs()) {
    auto ob = wr();
    ASSERT_TRUE(ob);
    EXPECT_EQ(ob, dict[ob->arg]);
    EXPECT_EQ(ob->arg, dict[ob->arg]->arg);
    EXPECT_TRUE(remove_one(objects2, ob));
  }
  EXPECT_TRUE(objects2.empty());
}

// check_weak_destroy_while_iterating for one of keys/items/values/keyrefs...
template <class D, class Range>
void check_weak_destroy_while_iterating(D& dict, std::vector<OP>& objects, const Range& range) {
  const std::size_t n = dict.size();
  {
    auto it = std::ranges::begin(range);
    ++it;  // trigger internal iteration
    objects.pop_back();
    std::size_t rest = 0;
    for (; it != std::ranges::end(range); ++it) ++rest;
    EXPECT_TRUE(rest == objects.size() || rest == objects.size() - 1) << rest;
  }
  EXPECT_EQ(dict.size(), n - 1);  // the removal has been committed
}

// check_weak_destroy_and_mutate_while_iterating: `context(body)` makes an
// iterator, destroys one of the weakly held objects, calls body(k, v) with a
// new key/value pair corresponding to the destroyed one, then drops the
// iterator.
template <class D, class Ctx>
void check_weak_destroy_and_mutate_while_iterating(D& dict, Ctx context) {
  context([&](auto& k, auto&) { EXPECT_FALSE(dict.contains(k)); });
  auto k = context([&](auto& k, auto&) { EXPECT_EQ(dict.erase(k), 0u); });  // Python: del raises KeyError
  EXPECT_FALSE(dict.contains(k));
  k = context([&](auto& k, auto&) { EXPECT_FALSE(dict.pop(k)); });  // Python: pop raises KeyError
  EXPECT_FALSE(dict.contains(k));
  typename D::mapped_type vv{};
  k = context([&](auto& k, auto& v) {
    dict.insert_or_assign(k, v);
    vv = v;
  });
  EXPECT_EQ(dict.at(k), vv);
  D ddict = dict.copy();
  context([&](auto&, auto&) { dict.update(ddict); });
  EXPECT_TRUE(dict == ddict);
  context([&](auto&, auto&) { dict.clear(); });
  EXPECT_EQ(dict.size(), 0u);
}

// check_weak_del_and_len_while_iterating
template <class D, class Ctx, class Put>
void check_weak_del_and_len_while_iterating(D& dict, Ctx context, Put put_o) {
  std::size_t n = 0;
  context([&](auto&, auto&) {
    n = dict.size();
    dict.pop((*dict.keys().begin()));  // the dict is ordered: the first item is popped
    EXPECT_EQ(dict.size(), n - 1);
    put_o(dict);
    EXPECT_EQ(dict.size(), n);
  });
  // the last item in objects is removed from dict at context shutdown
  context([&](auto&, auto&) {
    EXPECT_EQ(dict.size(), n - 1);
    dict.popitem();  // then (o, o) is popped
    EXPECT_EQ(dict.size(), n - 2);
  });
  context([&](auto&, auto&) {
    EXPECT_EQ(dict.size(), n - 3);
    dict.erase(*dict.keys().begin());
    EXPECT_EQ(dict.size(), n - 4);
  });
  context([&](auto&, auto&) {
    EXPECT_EQ(dict.size(), n - 5);
    dict.popitem();
    EXPECT_EQ(dict.size(), n - 6);
  });
  context([&](auto&, auto&) {
    dict.clear();
    EXPECT_EQ(dict.size(), 0u);
  });
  EXPECT_EQ(dict.size(), 0u);
}

TEST(MappingTestCase, test_weak_keys_destroy_while_iterating) {
  {
    auto [dict, objects] = make_weak_keyed_dict();
    check_weak_destroy_while_iterating(dict, objects, dict.keys());
    check_weak_destroy_while_iterating(dict, objects, dict.items());
    check_weak_destroy_while_iterating(dict, objects, dict.values());
    auto refs = dict.keyrefs();  // a list: each ref simply dies
    EXPECT_EQ(refs.size(), objects.size());
    objects.pop_back();
    EXPECT_EQ(std::count_if(refs.begin(), refs.end(), [](auto& r) { return r.expired(); }), 1);
    EXPECT_EQ(dict.size(), objects.size());
  }
  auto [dict, objects] = make_weak_keyed_dict();
  auto context = [&dict = dict, &objects = objects](auto body) {
    auto it = dict.items().begin();
    ++it;
    int v = objects.back()->arg;  // schedule a key/value for removal and recreate it
    objects.pop_back();
    OP k = std::make_shared<Object>(v);
    body(k, v);
    it = {};  // commits all removals
    return k;
  };
  check_weak_destroy_and_mutate_while_iterating(dict, context);
  // Issue #21173: len() fragile when keys are both implicitly and explicitly removed.
  auto [dict2, objects2] = make_weak_keyed_dict();
  auto context2 = [&dict2 = dict2, &objects2 = objects2](auto body) {
    auto it = dict2.items().begin();
    ++it;
    int v = objects2.back()->arg;
    objects2.pop_back();
    OP k = std::make_shared<Object>(v);
    body(k, v);
    it = {};
    return k;
  };
  auto o = std::make_shared<Object>(123456);
  check_weak_del_and_len_while_iterating(dict2, context2, [&](WKD& d) { d.insert_or_assign(o, o->arg); });
}

TEST(MappingTestCase, test_weak_values_destroy_while_iterating) {
  {
    auto [dict, objects] = make_weak_valued_dict();
    check_weak_destroy_while_iterating(dict, objects, dict.keys());
    check_weak_destroy_while_iterating(dict, objects, dict.items());
    check_weak_destroy_while_iterating(dict, objects, dict.values());
    check_weak_destroy_while_iterating(dict, objects, dict.itervaluerefs());
    auto refs = dict.valuerefs();  // a list: each ref simply dies
    objects.pop_back();
    EXPECT_EQ(std::count_if(refs.begin(), refs.end(), [](auto& r) { return r.expired(); }), 1);
    EXPECT_EQ(dict.size(), objects.size());
  }
  auto [dict, objects] = make_weak_valued_dict();
  auto context = [&dict = dict, &objects = objects](auto body) {
    auto it = dict.items().begin();
    ++it;
    int k = objects.back()->arg;
    objects.pop_back();
    OP v = std::make_shared<Object>(k);
    body(k, v);
    it = {};
    return k;
  };
  check_weak_destroy_and_mutate_while_iterating(dict, context);
  auto [dict2, objects2] = make_weak_valued_dict();
  auto context2 = [&dict2 = dict2, &objects2 = objects2](auto body) {
    auto it = dict2.items().begin();
    ++it;
    int k = objects2.back()->arg;
    objects2.pop_back();
    OP v = std::make_shared<Object>(k);
    body(k, v);
    it = {};
    return k;
  };
  auto o = std::make_shared<Object>(123456);
  check_weak_del_and_len_while_iterating(dict2, context2, [&](WVD& d) { d.insert_or_assign(o->arg, o); });
}

TEST(MappingTestCase, test_make_weak_keyed_dict_from_dict) {
  auto o = std::make_shared<Object>(3);
  WKD dict{{o, 364}};
  EXPECT_EQ(dict.at(o), 364);
  WKD dict2(std::map<OP, int>{{o, 365}});
  EXPECT_EQ(dict2.at(o), 365);
}

TEST(MappingTestCase, test_make_weak_keyed_dict_from_weak_keyed_dict) {
  auto o = std::make_shared<Object>(3);
  WKD dict{{o, 364}};
  WKD dict2(dict);
  EXPECT_EQ(dict.at(o), 364);
  EXPECT_EQ(dict2.at(o), 364);
}

TEST(MappingTestCase, test_make_weak_valued_dict_from_dict) {
  auto o = std::make_shared<Object>(3);
  WVD dict{{364, o}};
  EXPECT_EQ(dict[364], o);
  WVD dict2(std::map<int, OP>{{365, o}});
  EXPECT_EQ(dict2[365], o);
}

TEST(MappingTestCase, test_make_weak_valued_dict_from_weak_valued_dict) {
  auto o = std::make_shared<Object>(3);
  WVD dict{{364, o}};
  WVD dict2(dict);
  EXPECT_EQ(dict[364], o);
  EXPECT_EQ(dict2[364], o);
}

template <class D, class K1, class V1, class K2, class V2>
void check_popitem(const K1& key1, const V1& value1, const K2& key2, const V2& value2) {
  D weakdict;
  weakdict.insert_or_assign(key1, value1);
  weakdict.insert_or_assign(key2, value2);
  EXPECT_EQ(weakdict.size(), 2u);
  auto kv = weakdict.popitem();
  ASSERT_TRUE(kv);
  EXPECT_EQ(weakdict.size(), 1u);
  if (kv->first == key1) EXPECT_EQ(kv->second, value1);
  else EXPECT_EQ(kv->second, value2);
  kv = weakdict.popitem();
  ASSERT_TRUE(kv);
  EXPECT_EQ(weakdict.size(), 0u);
  if (kv->first == key1) EXPECT_EQ(kv->second, value1);
  else EXPECT_EQ(kv->second, value2);
  EXPECT_FALSE(weakdict.popitem());  // Python: KeyError
}

TEST(MappingTestCase, test_weak_valued_dict_popitem) {
  auto v1 = std::make_shared<C>(), v2 = std::make_shared<C>();
  check_popitem<weakref::weak_value_dict<std::string, C>>(std::string("key1"), v1, std::string("key2"), v2);
}
TEST(MappingTestCase, test_weak_keyed_dict_popitem) {
  auto k1 = std::make_shared<C>(), k2 = std::make_shared<C>();
  check_popitem<weakref::weak_key_dict<C, std::string>>(k1, std::string("value 1"), k2, std::string("value 2"));
}

TEST(MappingTestCase, test_weak_valued_dict_setdefault) {
  auto value1 = std::make_shared<C>(), value2 = std::make_shared<C>();
  weakref::weak_value_dict<std::string, C> weakdict;
  auto o = weakdict.setdefault("key", value1);
  EXPECT_EQ(o, value1);
  EXPECT_TRUE(weakdict.contains("key"));
  EXPECT_EQ(weakdict.get("key"), value1);
  EXPECT_EQ(weakdict["key"], value1);
  o = weakdict.setdefault("key", value2);
  EXPECT_EQ(o, value1);
  EXPECT_EQ(weakdict.get("key"), value1);
  EXPECT_EQ(weakdict["key"], value1);
}
TEST(MappingTestCase, test_weak_keyed_dict_setdefault) {
  auto key = std::make_shared<C>();
  weakref::weak_key_dict<C, std::string> weakdict;
  auto o = weakdict.setdefault(key, "value 1");
  EXPECT_EQ(o, "value 1");
  EXPECT_TRUE(weakdict.contains(key));
  EXPECT_EQ(weakdict.get(key), "value 1");
  EXPECT_EQ(weakdict[key], "value 1");
  o = weakdict.setdefault(key, "value 2");
  EXPECT_EQ(o, "value 1");
  EXPECT_EQ(weakdict.get(key), "value 1");
  EXPECT_EQ(weakdict.at(key), "value 1");
}

template <class D, class M>
void check_update(const M& dict) {
  D weakdict;
  weakdict.update(dict);
  EXPECT_EQ(weakdict.size(), dict.size());
  for (auto&& k : weakdict.keys()) {
    auto it = dict.find(k);
    ASSERT_NE(it, dict.end()) << "mysterious new key appeared in weak dict";
    EXPECT_EQ(it->second, weakdict.at(k));
    EXPECT_EQ(it->second, weakdict.get(k));
  }
  for (const auto& [k, v] : dict) {
    EXPECT_TRUE(weakdict.contains(k)) << "original key disappeared in weak dict";
    EXPECT_EQ(v, weakdict.at(k));
    EXPECT_EQ(v, weakdict.get(k));
  }
}

TEST(MappingTestCase, test_weak_valued_dict_update) {
  // Python mixes key types ({1: C(), 'a': C(), C(): C()}); C++ keys have one type.
  std::vector<CP> keep{std::make_shared<C>(), std::make_shared<C>(), std::make_shared<C>()};
  std::map<std::string, CP> m{{"1", keep[0]}, {"a", keep[1]}, {"C()", keep[2]}};
  check_update<weakref::weak_value_dict<std::string, C>>(m);
  weakref::weak_value_dict<std::string, C> d;
  d.update(std::vector<std::pair<std::string, CP>>{});
  EXPECT_TRUE(d.empty());
}

TEST(MappingTestCase, test_weak_valued_union_operators) {
  auto a = std::make_shared<C>(), b = std::make_shared<C>(), c = std::make_shared<C>();
  using D = weakref::weak_value_dict<int, C>;
  using M = std::map<int, CP>;
  auto as_map = [](const auto& d) {
    M m;
    for (auto&& [k, v] : d) m.insert_or_assign(k, v);
    return m;
  };
  auto merged = [](M x, const M& y) {
    for (auto& [k, v] : y) x.insert_or_assign(k, v);
    return x;
  };
  D wvd1{{1, a}};
  D wvd2{{1, b}, {2, a}};
  D wvd3 = wvd1.copy();
  M d1{{1, c}, {3, b}};
  std::vector<std::pair<int, CP>> pairs{{5, c}, {6, b}};

  D tmp1 = wvd1 | wvd2;  // between two weak_value_dicts
  EXPECT_EQ(as_map(tmp1), merged(as_map(wvd1), as_map(wvd2)));
  wvd1 |= wvd2;
  EXPECT_TRUE(wvd1 == tmp1);

  D tmp2 = wvd2 | d1;  // between a weak_value_dict and a mapping
  EXPECT_EQ(as_map(tmp2), merged(as_map(wvd2), d1));
  wvd2 |= d1;
  EXPECT_TRUE(wvd2 == tmp2);

  D tmp3 = wvd3.copy();  // and a range of (key, value)
  tmp3 |= pairs;
  EXPECT_EQ(as_map(tmp3), merged(as_map(wvd3), M(pairs.begin(), pairs.end())));

  D tmp4 = d1 | wvd3;  // __ror__
  EXPECT_EQ(as_map(tmp4), merged(d1, as_map(wvd3)));

  a.reset();
  EXPECT_FALSE(tmp1.contains(2));
  EXPECT_FALSE(tmp2.contains(2));
  EXPECT_FALSE(tmp3.contains(1));
  EXPECT_FALSE(tmp4.contains(1));
}

TEST(MappingTestCase, test_weak_keyed_dict_update) {
  std::vector<CP> keep{std::make_shared<C>(), std::make_shared<C>(), std::make_shared<C>()};
  std::map<CP, int> m{{keep[0], 1}, {keep[1], 2}, {keep[2], 3}};
  check_update<weakref::weak_key_dict<C, int>>(m);
}

TEST(MappingTestCase, test_weak_keyed_delitem) {
  weakref::weak_key_dict<Object, std::string> d;
  auto o1 = std::make_shared<Object>(1), o2 = std::make_shared<Object>(2);
  d.insert_or_assign(o1, "something");
  d.insert_or_assign(o2, "something");
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.erase(o1), 1u);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(to_vector(d.keys()), std::vector<OP>{o2});
}

TEST(MappingTestCase, test_weak_keyed_union_operators) {
  auto o1 = std::make_shared<C>(), o2 = std::make_shared<C>(), o3 = std::make_shared<C>();
  using D = weakref::weak_key_dict<C, std::string>;
  using M = std::map<CP, std::string>;
  auto as_map = [](const auto& d) {
    M m;
    for (auto&& [k, v] : d) m.insert_or_assign(k, v);
    return m;
  };
  auto merged = [](M x, const M& y) {
    for (auto& [k, v] : y) x.insert_or_assign(k, v);
    return x;
  };
  D wkd1{{o1, "1"}, {o2, "2"}};
  D wkd2{{o3, "3"}, {o1, "4"}};
  D wkd3 = wkd1.copy();
  M d1{{o2, "5"}, {o3, "6"}};
  std::vector<std::pair<CP, std::string>> pairs{{o2, "7"}, {o3, "8"}};

  D tmp1 = wkd1 | wkd2;
  EXPECT_EQ(as_map(tmp1), merged(as_map(wkd1), as_map(wkd2)));
  wkd1 |= wkd2;
  EXPECT_TRUE(wkd1 == tmp1);

  D tmp2 = wkd2 | d1;
  EXPECT_EQ(as_map(tmp2), merged(as_map(wkd2), d1));
  wkd2 |= d1;
  EXPECT_TRUE(wkd2 == tmp2);

  D tmp3 = wkd3.copy();
  tmp3 |= pairs;
  EXPECT_EQ(as_map(tmp3), merged(as_map(wkd3), M(pairs.begin(), pairs.end())));

  D tmp4 = d1 | wkd3;
  EXPECT_EQ(as_map(tmp4), merged(d1, as_map(wkd3)));

  o1.reset();
  auto has_value = [](const D& d, const std::string& v) {
    for (auto&& x : d.values())
      if (x == v) return true;
    return false;
  };
  EXPECT_FALSE(has_value(tmp1, "4"));
  EXPECT_FALSE(has_value(tmp2, "4"));
  EXPECT_FALSE(has_value(tmp3, "1"));
  EXPECT_FALSE(has_value(tmp4, "1"));
}

TEST(MappingTestCase, test_weak_valued_delitem) {
  weakref::weak_value_dict<std::string, Object> d;
  auto o1 = std::make_shared<Object>(1), o2 = std::make_shared<Object>(2);
  d.insert_or_assign("something", o1);
  d.insert_or_assign("something else", o2);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.erase("something"), 1u);
  EXPECT_EQ(d.size(), 1u);
  auto items = d.snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].first, "something else");
  EXPECT_EQ(items[0].second, o2);
}

// The TypeError half (keys that cannot be weakly referenced) is a
// compile-time error in C++ (tests/runtime/compile_fail).
TEST(MappingTestCase, test_weak_keyed_bad_delitem) {
  WKD d;
  auto o = std::make_shared<Object>(1);
  EXPECT_EQ(d.erase(o), 0u);  // Python: del raises KeyError
  EXPECT_THROW(d.at(o), std::out_of_range);
  EXPECT_EQ(d.erase(nullptr), 0u);
  EXPECT_THROW(d.insert_or_assign(nullptr, 13), weakref::type_error);
}

// SF bug 742860. In Python, `del d[o]` compares o with the stored key
// through weakref equality, so C.__eq__ runs even for the same object; the
// C++ dict matches the same object by identity without calling ==, so the
// deletions go through equal, distinct probe objects to make == run (and
// mutate the dict) just as often.
namespace cascading {
bool mutate = false;
std::vector<std::shared_ptr<struct CK>>* objs = nullptr;
struct CK : weakref::enable_weakref<CK> {
  explicit CK(int i) : value(i) {}
  int value;
  bool operator==(const CK& other) const {
    if (mutate) objs->pop_back();  // drops the last strong owner of a key
    return value == other.value;
  }
};
}  // namespace cascading
}  // namespace

template <>
struct std::hash<cascading::CK> {
  std::size_t operator()(const cascading::CK& c) const noexcept { return std::hash<int>{}(c.value); }
};

namespace {
TEST(MappingTestCase, test_weak_keyed_cascading_deletes) {
  using cascading::CK;
  weakref::weak_key_dict<CK, int> d;
  std::vector<std::shared_ptr<CK>> objs;
  cascading::objs = &objs;
  for (int i = 0; i < 4; ++i) objs.push_back(std::make_shared<CK>(i));
  for (auto& o : objs) d.insert_or_assign(o, o->value);
  objs = to_vector(d.keys());                // the order in which iteration sees the keys
  std::reverse(objs.begin(), objs.end());    // reversed
  cascading::mutate = true;
  int count = 0;
  for (std::size_t i = 0; i < objs.size(); ++i) {  // Python's list iteration, by index
    ++count;
    auto probe = std::make_shared<CK>(objs[i]->value);
    d.erase(probe);
  }
  cascading::mutate = false;
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(count, 2);
  cascading::objs = nullptr;
}

// test_threaded_*: Python runs gc.collect() on another thread at a high
// frequency; here another thread keeps storing short-lived values under the
// same key and dropping them, so values die on both threads at any time.
constexpr int NUM_THREADED_ITERATIONS = 20000;

struct Churn {
  explicit Churn(weakref::weak_value_dict<int, Object>& d) : d(d), t([this] { run(); }) {}
  ~Churn() {
    stop = true;
    t.join();
  }
  void run() {
    while (!stop) {
      auto v = std::make_shared<Object>(-1);
      d.insert_or_assign(10, v);
      d.get(10);
    }  // v dies here, on this thread
  }
  weakref::weak_value_dict<int, Object>& d;
  std::atomic<bool> stop{false};
  std::thread t;
};

TEST(MappingTestCase, test_threaded_weak_valued_setdefault) {
  weakref::weak_value_dict<int, Object> d;
  Churn churn(d);
  for (int i = 0; i < NUM_THREADED_ITERATIONS; ++i) {
    auto x = d.setdefault(10, std::make_shared<Object>(i));
    ASSERT_NE(x, nullptr);  // we never put null in there
    x.reset();
  }
}

TEST(MappingTestCase, test_threaded_weak_valued_pop) {
  weakref::weak_value_dict<int, Object> d;
  Churn churn(d);
  auto ten = std::make_shared<Object>(10);
  for (int i = 0; i < NUM_THREADED_ITERATIONS; ++i) {
    d.insert_or_assign(10, std::make_shared<Object>(i));  // dies at once, on this thread
    auto x = d.pop(10, ten);
    ASSERT_NE(x, nullptr);
  }
}

TEST(MappingTestCase, test_threaded_weak_valued_consistency) {
  // Issue #28427: old keys should not remove new values when values die on
  // another thread.
  weakref::weak_value_dict<int, Object> d;
  std::atomic<bool> stop{false};
  std::vector<std::shared_ptr<Object>> handoff;
  std::mutex mu;
  std::thread collector([&] {
    while (!stop) {
      std::vector<std::shared_ptr<Object>> drop;
      {
        std::lock_guard<std::mutex> g(mu);
        drop.swap(handoff);
      }
    }  // the old values die here
  });
  for (int i = 0; i < 2 * NUM_THREADED_ITERATIONS; ++i) {
    auto o = std::make_shared<Object>(i);
    d.insert_or_assign(10, o);
    ASSERT_EQ(d.size(), 1u);  // o is still alive, so the dict can't be empty
    std::lock_guard<std::mutex> g(mu);
    handoff.push_back(std::move(o));  // lose the ref; the other thread drops it
  }
  stop = true;
  collector.join();
}

// test_weak_valued_consistency (cpython_only): the deterministic repro of
// #28427 keeps the replaced KeyedRef alive and collects later; here the
// replaced value is kept alive past the replacement and dropped after it.
TEST(MappingTestCase, test_weak_valued_consistency) {
  weakref::weak_value_dict<int, Object> d;
  auto old = std::make_shared<Object>(1);
  d.insert_or_assign(10, old);
  auto o = std::make_shared<Object>(2);
  d.insert_or_assign(10, o);
  old.reset();  // the old value's death runs its removal callback now
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.get(10), o);
}

template <bool KeyDict>
void check_threaded_weak_dict_copy() {
  // Issue #35615: keys or values dying during a copy must not crash.
  struct Dummy : weakref::enable_weakref<Dummy> {
    explicit Dummy(int c) : ctr(c) {}
    int ctr;
  };
  const int n = 70000;
  std::vector<std::shared_ptr<Dummy>> owners;
  std::conditional_t<KeyDict, weakref::weak_key_dict<Dummy, int>, weakref::weak_value_dict<int, Dummy>> d;
  for (int i = 0; i < n; ++i) {
    owners.push_back(std::make_shared<Dummy>(i));
    if constexpr (KeyDict) d.insert_or_assign(owners.back(), i);
    else d.insert_or_assign(i, owners.back());
  }
  std::size_t copied = 0;
  std::thread t_copy([&] { copied = d.copy().size(); });
  std::thread t_collect([&] {
    std::mt19937 rng(35615);
    while (!owners.empty()) {
      std::size_t i = std::uniform_int_distribution<std::size_t>(0, owners.size() - 1)(rng);
      owners[i] = std::move(owners.back());
      owners.pop_back();
    }
  });
  t_copy.join();
  t_collect.join();
  EXPECT_LE(copied, static_cast<std::size_t>(n));
  EXPECT_EQ(d.size(), 0u);
}
TEST(MappingTestCase, test_threaded_weak_key_dict_copy) { check_threaded_weak_dict_copy<true>(); }
// deepcopy: C++ copies of a weak dict copy the values (V) already; the keys
// (the weakly held objects) are never copied, as in Python's deepcopy of a
// WeakKeyDictionary's keys (kept by reference).
TEST(MappingTestCase, test_threaded_weak_key_dict_deepcopy) { check_threaded_weak_dict_copy<true>(); }
TEST(MappingTestCase, test_threaded_weak_value_dict_copy) { check_threaded_weak_dict_copy<false>(); }
TEST(MappingTestCase, test_threaded_weak_value_dict_deepcopy) { check_threaded_weak_dict_copy<false>(); }

// ----------------------------------------------------------------------------
// WeakValueDictionaryTestCase / WeakKeyDictionaryTestCase:
// mapping_tests.BasicTestMappingProtocol with Python's reference data
//   {"key1": Object(1), "key2": Object(2), "key3": Object(3)} and
//   {Object("key1"): 1, Object("key2"): 2, Object("key3"): 3}.
// As in Python, `other` is the last reference pair (popped: not in the
// mapping) and `inmapping` the one before it.

struct SObject : weakref::enable_weakref<SObject> {
  explicit SObject(std::string a) : arg(std::move(a)) {}
  std::string arg;
  bool operator==(const SObject& o) const { return arg == o.arg; }
};
}  // namespace
template <>
struct std::hash<SObject> {
  std::size_t operator()(const SObject& o) const noexcept { return std::hash<std::string>{}(o.arg); }
};
namespace {

struct ValueTraits {
  using D = weakref::weak_value_dict<std::string, Object>;
  using K = std::string;
  using V = std::shared_ptr<Object>;
  std::vector<std::pair<K, V>> ref{{"key1", std::make_shared<Object>(1)},
                                   {"key2", std::make_shared<Object>(2)},
                                   {"key3", std::make_shared<Object>(3)}};
  static V get(const D& d, const K& k) { return d.at(k); }
  static bool equal_values(const V& a, const V& b) { return a == b; }
};
struct KeyTraits {
  using D = weakref::weak_key_dict<SObject, int>;
  using K = std::shared_ptr<SObject>;
  using V = int;
  std::vector<std::pair<K, V>> ref{{std::make_shared<SObject>("key1"), 1},
                                   {std::make_shared<SObject>("key2"), 2},
                                   {std::make_shared<SObject>("key3"), 3}};
  static V get(const D& d, const K& k) { return d.at(k); }
  static bool equal_values(const V& a, const V& b) { return a == b; }
};

template <class Tr>
struct Protocol {
  Tr tr;
  using D = typename Tr::D;
  std::vector<std::pair<typename Tr::K, typename Tr::V>> reference, other, inmapping;
  Protocol() {
    reference = tr.ref;
    other = {reference.back()};
    reference.pop_back();
    inmapping = {reference.back()};
  }
  D full_mapping(const std::vector<std::pair<typename Tr::K, typename Tr::V>>& data) {
    D x;
    for (auto& [k, v] : data) x.insert_or_assign(k, v);
    return x;
  }

  void test_read() {
    D p;
    D d = full_mapping(reference);
    for (auto& [key, value] : reference) EXPECT_EQ(Tr::get(d, key), value);
    auto knownkey = other[0].first;
    EXPECT_THROW(Tr::get(d, knownkey), std::out_of_range);
    EXPECT_EQ(p.size(), 0u);
    EXPECT_EQ(d.size(), reference.size());
    for (auto& [k, v] : reference) EXPECT_TRUE(d.contains(k));
    for (auto& [k, v] : other) EXPECT_FALSE(d.contains(k));
    EXPECT_TRUE(p == p);
    EXPECT_TRUE(d == d);
    EXPECT_FALSE(p == d);
    EXPECT_FALSE(d == p);
    EXPECT_TRUE(p.empty()) << "Empty mapping must compare to False";
    EXPECT_FALSE(d.empty()) << "Full mapping must compare to True";
    // keys(), values(), items() and iteration
    std::set<typename Tr::K> refkeys;
    std::multiset<typename Tr::V> refvalues;
    for (auto& [k, v] : reference) {
      refkeys.insert(k);
      refvalues.insert(v);
    }
    auto keys = to_vector(d.keys());
    EXPECT_EQ(std::set<typename Tr::K>(keys.begin(), keys.end()), refkeys);
    std::set<typename Tr::K> iterkeys;
    for (auto&& [k, v] : d) iterkeys.insert(k);
    EXPECT_EQ(iterkeys, refkeys);
    auto values = to_vector(d.values());
    EXPECT_EQ(std::multiset<typename Tr::V>(values.begin(), values.end()), refvalues);
    auto items = to_vector(d.items());
    EXPECT_EQ(std::set(items.begin(), items.end()), std::set(reference.begin(), reference.end()));
    // get
    auto [key, value] = *d.items().begin();
    auto [kk, knownvalue] = other[0];
    EXPECT_EQ(d.get(key, knownvalue), value);
    EXPECT_EQ(d.get(kk, knownvalue), knownvalue);
    EXPECT_FALSE(d.contains(kk));
  }

  void test_write() {
    D p;
    for (auto& [key, value] : reference) {
      p.insert_or_assign(key, value);
      EXPECT_EQ(Tr::get(p, key), value);
    }
    for (auto& [key, value] : reference) {
      EXPECT_EQ(p.erase(key), 1u);
      EXPECT_THROW(Tr::get(p, key), std::out_of_range);
    }
    p = D();
    p.update(reference);
    auto as_set = [](const D& d) {
      auto s = d.snapshot();
      return std::set(s.begin(), s.end());
    };
    EXPECT_EQ(as_set(p), std::set(reference.begin(), reference.end()));
    auto items = p.snapshot();
    p = D();
    p.update(items);
    EXPECT_EQ(as_set(p), std::set(reference.begin(), reference.end()));
    D d = full_mapping(reference);
    // setdefault
    auto [key, value] = *d.items().begin();
    auto [knownkey, knownvalue] = other[0];
    EXPECT_EQ(d.setdefault(key, knownvalue), value);
    EXPECT_EQ(Tr::get(d, key), value);
    EXPECT_EQ(d.setdefault(knownkey, knownvalue), knownvalue);
    EXPECT_EQ(Tr::get(d, knownkey), knownvalue);
    // pop
    auto popped = d.pop(knownkey);
    EXPECT_TRUE(popped_is(popped, knownvalue));
    EXPECT_FALSE(d.contains(knownkey));
    EXPECT_FALSE(d.pop(knownkey));  // Python: KeyError
    typename Tr::V dflt{};
    if constexpr (std::is_same_v<typename Tr::V, int>) dflt = 909;
    else dflt = std::make_shared<Object>(909);
    d.insert_or_assign(knownkey, knownvalue);
    EXPECT_EQ(d.pop(knownkey, dflt), knownvalue);
    EXPECT_FALSE(d.contains(knownkey));
    EXPECT_EQ(d.pop(knownkey, dflt), dflt);
    // popitem
    auto kv = d.popitem();
    ASSERT_TRUE(kv);
    EXPECT_FALSE(d.contains(kv->first));
    auto it = std::find_if(reference.begin(), reference.end(), [&](auto& r) { return r.first == kv->first; });
    ASSERT_NE(it, reference.end());
    EXPECT_EQ(kv->second, it->second);
    D p2;
    EXPECT_FALSE(p2.popitem());  // Python: KeyError
  }

  void test_constructor() { EXPECT_TRUE(D() == D()); }
  void test_bool() {
    EXPECT_TRUE(D().empty());
    EXPECT_FALSE(full_mapping(reference).empty());
  }
  void test_keys() {
    D d;
    EXPECT_TRUE(to_vector(d.keys()).empty());
    D full = full_mapping(reference);
    auto keys = to_vector(full.keys());
    EXPECT_NE(std::find(keys.begin(), keys.end(), inmapping[0].first), keys.end());
    EXPECT_EQ(std::find(keys.begin(), keys.end(), other[0].first), keys.end());
  }
  void test_values() { EXPECT_TRUE(to_vector(D().values()).empty()); }
  void test_items() { EXPECT_TRUE(to_vector(D().items()).empty()); }
  void test_len() { EXPECT_EQ(D().size(), 0u); }
  void test_getitem() {
    D d = full_mapping(reference);
    EXPECT_EQ(Tr::get(d, inmapping[0].first), inmapping[0].second);
  }
  void test_update() {
    // mapping argument
    D d;
    d.update(other);
    EXPECT_EQ(d.snapshot(), other);
    // no argument: d.update() - an empty range
    d = D();
    d.update(std::vector<std::pair<typename Tr::K, typename Tr::V>>{});
    EXPECT_TRUE(d == D());
    // item sequence / iterator
    d = D();
    d.update(full_mapping(other).items());
    EXPECT_EQ(d.snapshot(), other);
    // a user mapping (SimpleUserDict): any range of pairs
    d.clear();
    std::map<typename Tr::K, typename Tr::V> simple(reference.begin(), reference.end());
    d.update(simple);
    auto i1 = d.snapshot();
    std::sort(i1.begin(), i1.end());
    auto i2 = reference;
    std::sort(i2.begin(), i2.end());
    EXPECT_EQ(i1, i2);
    // a range whose iteration fails (badseq / FailingUserDict): the
    // exception propagates and what came before stays.
    struct Exc {};
    struct BadRange {
      const std::vector<std::pair<typename Tr::K, typename Tr::V>>* data;
      struct iterator {
        using value_type [[maybe_unused]] = std::pair<typename Tr::K, typename Tr::V>;
        using difference_type [[maybe_unused]] = std::ptrdiff_t;
        const std::vector<std::pair<typename Tr::K, typename Tr::V>>* data = nullptr;
        std::size_t i = 0;
        const value_type& operator*() const {
          if (i >= 1) throw Exc{};
          return (*data)[i];
        }
        iterator& operator++() {
          ++i;
          return *this;
        }
        void operator++(int) { ++i; }
        bool operator==(const iterator& o) const { return i == o.i; }
      };
      iterator begin() const { return {data, 0}; }
      iterator end() const { return {data, data->size()}; }
    };
    d = D();
    EXPECT_THROW(d.update(BadRange{&reference}), Exc);
    EXPECT_EQ(d.size(), 1u);
  }
  void test_get() {
    D d;
    auto dflt3 = [] {
      if constexpr (std::is_same_v<typename Tr::V, int>) return 3;
      else return std::make_shared<Object>(3);
    }();
    EXPECT_FALSE(d.get(other[0].first));
    EXPECT_EQ(d.get(other[0].first, dflt3), dflt3);
    d = full_mapping(reference);
    EXPECT_FALSE(d.get(other[0].first));
    EXPECT_EQ(d.get(other[0].first, dflt3), dflt3);
    EXPECT_EQ(d.get(inmapping[0].first), inmapping[0].second);
    EXPECT_EQ(d.get(inmapping[0].first, dflt3), inmapping[0].second);
  }
  void test_setdefault() {
    D d;  // Python: setdefault() without arguments is a TypeError (compile-time here)
    EXPECT_EQ(d.setdefault(inmapping[0].first, inmapping[0].second), inmapping[0].second);
  }
  void test_popitem() {
    D d;
    EXPECT_FALSE(d.popitem());  // Python: KeyError
  }
  void test_pop() {
    D d;
    auto [k, v] = inmapping[0];
    d.insert_or_assign(k, v);
    EXPECT_FALSE(d.pop(other[0].first));  // Python: KeyError
    auto x = d.pop(k);
    EXPECT_TRUE(popped_is(x, v));
    EXPECT_EQ(d.size(), 0u);
    EXPECT_FALSE(d.pop(k));
  }
};

#define WEAKREF_MAPPING_PROTOCOL_TESTS(Suite, Traits)    \
  TEST(Suite, test_read) { Protocol<Traits>().test_read(); } \
  TEST(Suite, test_write) { Protocol<Traits>().test_write(); } \
  TEST(Suite, test_constructor) { Protocol<Traits>().test_constructor(); } \
  TEST(Suite, test_bool) { Protocol<Traits>().test_bool(); } \
  TEST(Suite, test_keys) { Protocol<Traits>().test_keys(); } \
  TEST(Suite, test_values) { Protocol<Traits>().test_values(); } \
  TEST(Suite, test_items) { Protocol<Traits>().test_items(); } \
  TEST(Suite, test_len) { Protocol<Traits>().test_len(); } \
  TEST(Suite, test_getitem) { Protocol<Traits>().test_getitem(); } \
  TEST(Suite, test_update) { Protocol<Traits>().test_update(); } \
  TEST(Suite, test_get) { Protocol<Traits>().test_get(); } \
  TEST(Suite, test_setdefault) { Protocol<Traits>().test_setdefault(); } \
  TEST(Suite, test_popitem) { Protocol<Traits>().test_popitem(); } \
  TEST(Suite, test_pop) { Protocol<Traits>().test_pop(); }

WEAKREF_MAPPING_PROTOCOL_TESTS(WeakValueDictionaryTestCase, ValueTraits)
WEAKREF_MAPPING_PROTOCOL_TESTS(WeakKeyDictionaryTestCase, KeyTraits)

}  // namespace
