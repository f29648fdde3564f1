// R2 (and the compile-time arity rule): snippets that must not compile, run
// through the real compiler; the test checks the exit status and that the
// diagnostic says why.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "test_types.hpp"

namespace {
struct Result {
  int status;
  std::string output;
};

Result compile(const std::string& snippet) {
  std::string cmd = std::string(WEAKREF_CXX) + " -std=c++20 -fsyntax-only -I" + WEAKREF_INCLUDE_DIR + " " +
                    WEAKREF_SNIPPET_DIR + "/" + snippet + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}
}  // namespace

TEST(Ref, R2_TypeWithoutEnableWeakrefIsACompileError) {
  static_assert(!weakref::is_weakly_referenceable_v<int>);
  static_assert(!weakref::is_weakly_referenceable_v<std::string>);
  static_assert(weakref::is_weakly_referenceable_v<wt::Obj>);

  Result ok = compile("ok_control.cpp");
  ASSERT_EQ(ok.status, 0) << ok.output;

  for (const char* snippet : {"r2_ref_to_plain_type.cpp", "r2_weak_set_of_int.cpp", "r2_finalize_plain.cpp"}) {
    Result r = compile(snippet);
    EXPECT_NE(r.status, 0) << snippet << " compiled";
    EXPECT_NE(r.output.find("cannot create weak reference to this"), std::string::npos) << snippet << ":\n" << r.output;
    EXPECT_NE(r.output.find("enable_weakref"), std::string::npos) << snippet;
  }
}

TEST(Ref, R2_CallbackAndFinalizerArityAreCompileErrors) {
  Result cb = compile("arity_ref_callback.cpp");
  EXPECT_NE(cb.status, 0);
  EXPECT_NE(cb.output.find("weakref::ref callback has the wrong arity"), std::string::npos) << cb.output;
  Result fin = compile("arity_finalize.cpp");
  EXPECT_NE(fin.status, 0);
  EXPECT_NE(fin.output.find("the function cannot be called with the stored arguments"), std::string::npos)
      << fin.output;
}

// Issue 17: equal refs must hash equally (R5). A T with operator== but no
// std::hash<T> used to hash by address, so an unordered_set kept two equal
// refs; now hashing such a ref (or weak method) does not compile.
TEST(Ref, R5_RefOfTypeWithEqualityButNoHashIsNotHashable) {
  for (const char* snippet : {"hash_eq_without_std_hash.cpp", "hash_eq_without_std_hash_method.cpp"}) {
    Result r = compile(snippet);
    EXPECT_NE(r.status, 0) << snippet << " compiled";
    EXPECT_NE(r.output.find("weakref::ref<T> is not hashable: T has operator== but no std::hash<T>"),
              std::string::npos)
        << snippet << ":\n"
        << r.output;
  }
}
