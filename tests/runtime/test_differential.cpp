// Regression tests for divergences the differential tester
// (tests/differential/wkdiff.py, issue 4) found between the runtime and
// CPython's weakref. Each is named after its behaviour id and pins the
// runtime's side of a difference documented in
// tests/differential/differences.py and docs/runtime.md.
#include <gtest/gtest.h>

#include <weakref/weakref.hpp>

#include <vector>

#include "test_types.hpp"

using wt::Val;

// Seed 596 (shrunk: new; ref without callback; WeakKeyDictionary.get; drop;
// hash). CPython's WeakKeyDictionary.get(o) hashes the shared basic ref
// `ref(o)`, so a later hash() of the user's callback-less ref succeeds after
// death. The runtime's container lookups do not touch the shared record's
// hash cache: R5 ("cached the first time it is taken") holds for what the
// user took, and the first hash after death throws type_error.
TEST(Ref, R5_DifferentialSeed596_ContainerLookupDoesNotCacheSharedRefHash) {
  auto o = std::make_shared<Val>(3);
  weakref::ref<Val> r(o);
  weakref::weak_key_dict<Val, int> d;
  weakref::weak_set<Val> s;
  EXPECT_FALSE(d.get(o).has_value());
  EXPECT_FALSE(s.contains(o));
  o.reset();
  EXPECT_THROW((void)r.hash(), weakref::type_error);
}

// The same record, once hashed while alive, keeps the hash after death (R5),
// as in CPython.
TEST(Ref, R5_DifferentialSharedRefHashKeptAfterDeath) {
  auto o = std::make_shared<Val>(3);
  weakref::ref<Val> r(o);
  weakref::ref<Val> r2(o);  // shares the record
  const std::size_t h = r.hash();
  o.reset();
  EXPECT_EQ(r2.hash(), h);
}

// OPEN divergence (long-mode seeds 1000734, 1002173, ...; not fixed yet):
// CPython's WeakValueDictionary is a dict, so assigning to an existing key
// keeps the key's iteration position; weak_value_dict moves the key to the
// end. Disabled until weak_value_dict::insert_or_assign keeps the position
// (run with --gtest_also_run_disabled_tests to see it fail).
TEST(Containers, DISABLED_V1_DifferentialSeed1002173_ReassignKeepsIterationPosition) {
  auto o = std::make_shared<Val>(1);
  weakref::weak_value_dict<int, Val> d;
  d.insert_or_assign(1, o);
  d.insert_or_assign(0, o);
  d.insert_or_assign(1, o);  // Python: order stays 1, 0
  std::vector<int> keys;
  for (auto [k, v] : d) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<int>{1, 0}));
}
