//===-- AnalysisBudgetTest.cpp - no function is skipped silently ----------===//
//
// A generated function with 500 lock() results, a third of them dereferenced
// unchecked, exceeds weakref-unchecked-lock's dataflow budget. It must still
// give its findings (from the path-insensitive fallback), and say in the
// JSON report and in --enable-check-profile output that the function was not
// fully analysed. (How long it takes is measured in bench/, not here.)
//
//===----------------------------------------------------------------------===//

#include "CliSupport.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using namespace cli;

/// 500 lock() results: i % 3 == 0 tested with a flag, 1 tested before a
/// member call, 2 dereferenced unchecked (the planted bugs).
std::string generated(unsigned Locks, unsigned &Planted) {
  std::string S = "#include <memory>\n"
                  "struct W { void f(); int v; bool ok() const; };\n"
                  "void big(const std::weak_ptr<W> *ws, const bool *flags) {\n";
  Planted = 0;
  for (unsigned I = 0; I < Locks; ++I) {
    std::string P = "p" + std::to_string(I), N = std::to_string(I);
    S += "  auto " + P + " = ws[" + N + "].lock();\n";
    if (I % 3 == 0)
      S += "  if (flags[" + N + "] && " + P + ") " + P + "->f();\n";
    else if (I % 3 == 1)
      S += "  if (" + P + " && " + P + "->ok()) " + P + "->v = " + N + ";\n";
    else {
      S += "  " + P + "->f();\n";
      ++Planted;
    }
  }
  return S + "}\n";
}

TEST(AnalysisBudget, FunctionOverTheBudgetGivesFindingsAndSaysSo) {
  TempDir Dir;
  unsigned Planted = 0;
  fs::path Source = Dir.Path / "big 500.cpp";
  writeFile(Source, generated(500, Planted));
  Result R = weakcheck({"--checks=-*,weakref-unchecked-lock", "--format=json",
                        "--enable-check-profile", Source.string(), "--",
                        "-std=c++20"},
                       Dir.Path);
  ASSERT_EQ(R.Status, 1) << describe(R);
  nlohmann::json Doc = nlohmann::json::parse(R.Out);
  EXPECT_EQ(Doc["summary"]["findings"], Planted) << describe(R);
  for (const auto &D : Doc["diagnostics"])
    EXPECT_NE(D["message"].get<std::string>().find("may be null"),
              std::string::npos);
  ASSERT_EQ(Doc["files"].size(), 1u);
  const auto &Incomplete = Doc["files"][0]["incomplete"];
  ASSERT_EQ(Incomplete.size(), 1u) << Doc["files"].dump(2);
  EXPECT_EQ(Incomplete[0]["check"], "weakref-unchecked-lock");
  EXPECT_EQ(Incomplete[0]["function"], "big");
  EXPECT_EQ(Incomplete[0]["line"], 3);
  EXPECT_NE(Incomplete[0]["reason"].get<std::string>().find("path-insensitively"),
            std::string::npos);
  EXPECT_NE(R.Err.find("weakcheck: incomplete: "), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find("function 'big' analysed path-insensitively"),
            std::string::npos)
      << R.Err;
}

TEST(AnalysisBudget, SmallFunctionIsAnalysedFullyAndNotListed) {
  TempDir Dir;
  unsigned Planted = 0;
  fs::path Source = Dir.Path / "small.cpp";
  writeFile(Source, generated(6, Planted));
  Result R = weakcheck({"--checks=-*,weakref-unchecked-lock", "--format=json",
                        "--enable-check-profile", Source.string(), "--",
                        "-std=c++20"},
                       Dir.Path);
  ASSERT_EQ(R.Status, 1) << describe(R);
  nlohmann::json Doc = nlohmann::json::parse(R.Out);
  EXPECT_EQ(Doc["summary"]["findings"], Planted);
  EXPECT_FALSE(Doc["files"][0].contains("incomplete")) << Doc.dump(2);
  EXPECT_EQ(R.Err.find("incomplete"), std::string::npos) << R.Err;
}

} // namespace
