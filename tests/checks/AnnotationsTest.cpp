//===-- AnnotationsTest.cpp - the check-test harness itself ---------------===//
//
// The harness is what makes every check test able to fail; these tests make
// sure a missing, an extra or a misplaced diagnostic is in fact caught.

#include "Annotations.h"
#include <gtest/gtest.h>

namespace weakcheck::test {
namespace {

TEST(Annotations, ParsesKindsOffsetsColumnsAndFragments) {
  Annotations A = parseAnnotations("int a; // expected-warning{{dead}}\n"
                                   "// expected-note@-1:5{{owner}} expected-error@+2{{x y}}\n"
                                   "// weakcheck-args: -std=c++17 -DX\n"
                                   "// weakcheck-config: {Checks: 'a'}\n");
  ASSERT_TRUE(A.Errors.empty());
  ASSERT_EQ(A.Expected.size(), 3u);
  EXPECT_EQ(A.Expected[0].Kind, "warning");
  EXPECT_EQ(A.Expected[0].Line, 1u);
  EXPECT_FALSE(A.Expected[0].Column);
  EXPECT_EQ(A.Expected[0].Fragment, "dead");
  EXPECT_EQ(A.Expected[1].Kind, "note");
  EXPECT_EQ(A.Expected[1].Line, 1u);
  EXPECT_EQ(A.Expected[1].Column, 5u);
  EXPECT_EQ(A.Expected[2].Kind, "error");
  EXPECT_EQ(A.Expected[2].Line, 4u);
  EXPECT_EQ(A.Expected[2].Fragment, "x y");
  EXPECT_EQ(A.Args, (std::vector<std::string>{"-std=c++17", "-DX"}));
  EXPECT_EQ(A.Config, "{Checks: 'a'}");
}

TEST(Annotations, ReportsMalformedAnnotations) {
  EXPECT_EQ(parseAnnotations("// expected-warning dead\n").Errors.size(), 1u);
  EXPECT_EQ(parseAnnotations("// expected-warning{{dead\n").Errors.size(), 1u);
  EXPECT_EQ(parseAnnotations("// expected-remark{{x}}\n").Errors.size(), 1u);
  EXPECT_EQ(parseAnnotations("// expected-note@-5{{x}}\n").Errors.size(), 1u);
}

TEST(Annotations, NotesInAnotherFile) {
  Annotations A = parseAnnotations("f(); // expected-note@*{{stores it}}\n");
  ASSERT_TRUE(A.Errors.empty());
  ASSERT_EQ(A.Expected.size(), 1u);
  EXPECT_EQ(A.Expected[0].Line, 0u);
  EXPECT_EQ(A.Expected[0].Fragment, "stores it");
  EXPECT_EQ(parseAnnotations("// expected-warning@*{{x}}\n").Errors.size(), 1u);
  // Matched only by a note outside the file (line 0), never by one inside.
  EXPECT_TRUE(compareDiagnostics(A.Expected, {{"note", 0, 0, "f stores it"}})
                  .empty());
  EXPECT_EQ(compareDiagnostics(A.Expected, {{"note", 1, 3, "f stores it"}})
                .size(),
            2u);
}

TEST(Annotations, ExactMatchPasses) {
  std::vector<ExpectedDiag> E = {{"warning", 3, 7, "dead", 3},
                                 {"note", 3, std::nullopt, "owner", 3}};
  std::vector<ActualDiag> A = {{"warning", 3, 7, "w is dead on arrival"},
                               {"note", 3, 12, "the owner"}};
  EXPECT_TRUE(compareDiagnostics(E, A).empty());
}

TEST(Annotations, MissingDiagnosticFails) {
  std::vector<ExpectedDiag> E = {{"warning", 3, std::nullopt, "dead", 3}};
  auto P = compareDiagnostics(E, {});
  ASSERT_EQ(P.size(), 1u);
  EXPECT_EQ(P[0].rfind("missing", 0), 0u);
}

TEST(Annotations, UnexpectedDiagnosticFails) {
  auto P = compareDiagnostics({}, {{"warning", 2, 1, "noise"}});
  ASSERT_EQ(P.size(), 1u);
  EXPECT_EQ(P[0].rfind("unexpected", 0), 0u);
}

TEST(Annotations, WrongLineColumnKindOrTextFails) {
  ExpectedDiag E{"warning", 3, 7, "dead", 3};
  EXPECT_EQ(compareDiagnostics({E}, {{"warning", 4, 7, "dead"}}).size(), 2u);
  EXPECT_EQ(compareDiagnostics({E}, {{"warning", 3, 8, "dead"}}).size(), 2u);
  EXPECT_EQ(compareDiagnostics({E}, {{"note", 3, 7, "dead"}}).size(), 2u);
  EXPECT_EQ(compareDiagnostics({E}, {{"warning", 3, 7, "alive"}}).size(), 2u);
}

TEST(Annotations, EachDiagnosticSatisfiesOneExpectation) {
  ExpectedDiag E{"warning", 3, std::nullopt, "dead", 3};
  // Two expectations, one diagnostic: one is missing.
  EXPECT_EQ(compareDiagnostics({E, E}, {{"warning", 3, 1, "dead"}}).size(), 1u);
  // One expectation, two diagnostics: one is unexpected.
  EXPECT_EQ(compareDiagnostics({E}, {{"warning", 3, 1, "dead"},
                                     {"warning", 3, 9, "dead"}})
                .size(),
            1u);
}

} // namespace
} // namespace weakcheck::test
