//===-- CheckTest.cpp - runs every annotated check test source ------------===//
//
// For each file under tests/checks/<name>/ and tests/realworld/<name>/, runs
// the check weakref-<name> in-process, through the same Analyzer the CLI
// uses, and compares what it reports with the file's expected-* annotations
// (see Annotations.h). tests/realworld/ holds restated real bug fixes and
// real idioms (see tests/realworld/README.md); its sources may include from
// tests/realworld/include/ as well as tests/checks/include/.
//
//===----------------------------------------------------------------------===//

#include "Analyzer.h"
#include "Annotations.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/MemoryBuffer.h"
#include <filesystem>
#include <gtest/gtest.h>

namespace weakcheck::test {
namespace {

namespace fs = std::filesystem;

struct CheckCase {
  std::string Check; ///< weakref-<dir>
  std::string File;  ///< absolute
};

void PrintTo(const CheckCase &C, std::ostream *OS) { *OS << C.File; }

std::vector<CheckCase> allCases() {
  std::vector<CheckCase> Cases;
  for (const char *Root :
       {WEAKCHECK_CHECK_TESTS_DIR, WEAKCHECK_REALWORLD_TESTS_DIR}) {
    std::error_code EC;
    for (const auto &Dir : fs::directory_iterator(Root, EC)) {
      if (!Dir.is_directory() || Dir.path().filename() == "include")
        continue;
      for (const auto &Entry : fs::directory_iterator(Dir.path(), EC)) {
        std::string Ext = Entry.path().extension().string();
        if (Ext == ".cpp" || Ext == ".c" || Ext == ".cc")
          Cases.push_back({"weakref-" + Dir.path().filename().string(),
                           Entry.path().string()});
      }
    }
  }
  std::sort(Cases.begin(), Cases.end(), [](const CheckCase &A, const CheckCase &B) {
    return A.File < B.File;
  });
  return Cases;
}

class CheckTest : public ::testing::TestWithParam<CheckCase> {};

TEST_P(CheckTest, ReportsExactlyTheAnnotatedDiagnostics) {
  const CheckCase &Case = GetParam();
  auto Buffer = llvm::MemoryBuffer::getFile(Case.File);
  ASSERT_TRUE(bool(Buffer)) << "cannot read " << Case.File;
  Annotations Notes = parseAnnotations((*Buffer)->getBuffer().str());
  for (const std::string &E : Notes.Errors)
    ADD_FAILURE() << Case.File << ": malformed annotation: " << E;
  ASSERT_TRUE(Notes.Errors.empty());

  std::vector<std::string> Args = Notes.Args;
  bool IsC = fs::path(Case.File).extension() == ".c";
  if (std::none_of(Args.begin(), Args.end(), [](const std::string &A) {
        return A.rfind("-std=", 0) == 0;
      }))
    Args.push_back(IsC ? "-std=c11" : "-std=c++20");
  Args.push_back("-I" WEAKCHECK_CHECK_TESTS_DIR "/include");
  Args.push_back("-I" WEAKCHECK_REALWORLD_TESTS_DIR "/include");
  Args.push_back("-I" WEAKCHECK_RUNTIME_INCLUDE_DIR);

  AnalyzerConfig Config;
  Config.Checks = "-*," + Case.Check;
  // Never pick up a .clang-tidy from the repository: only the annotation.
  Config.ConfigText = Notes.Config.value_or("{}");
  Config.ConfigSource = Case.File + " (weakcheck-config)";
  std::string Error;
  std::unique_ptr<Analyzer> A = Analyzer::create(Config, Error);
  ASSERT_TRUE(A) << Error;
  ASSERT_TRUE(A->validate({Case.File}, Error)) << Error;

  clang::tooling::FixedCompilationDatabase DB(
      fs::path(Case.File).parent_path().string(), Args);
  Report R = buildReport({A->analyze(Case.File, DB)});

  for (const FileOutcome &F : R.Files)
    for (const Finding &E : F.CompilerErrors)
      ADD_FAILURE() << "test source does not compile: "
                    << E.Main.Span.Begin.File << ":" << E.Main.Span.Begin.Line
                    << ": " << E.Main.Text;

  std::vector<ActualDiag> Actual;
  auto Add = [&](const std::string &Kind, const Message &M) {
    if (M.Span.Begin.File != Case.File && Kind == "note") {
      // Expected with expected-note@*{{...}}.
      Actual.push_back({Kind, 0, 0, M.Text});
      return;
    }
    if (M.Span.Begin.File != Case.File) {
      ADD_FAILURE() << "diagnostic outside the test file: "
                    << M.Span.Begin.File << ": " << M.Text;
      return;
    }
    Actual.push_back({Kind, M.Span.Begin.Line, M.Span.Begin.Column, M.Text});
  };
  for (const Finding &F : R.Findings) {
    EXPECT_EQ(F.Check, Case.Check) << F.Main.Text;
    Add(F.Level, F.Main);
    for (const Message &Note : F.Notes)
      Add("note", Note);
  }
  for (const std::string &Problem : compareDiagnostics(Notes.Expected, Actual))
    ADD_FAILURE() << Case.File << ": " << Problem;
}

std::string caseName(const ::testing::TestParamInfo<CheckCase> &Info) {
  fs::path File(Info.param.File);
  std::string Name = File.parent_path().filename().string() + "_" +
                     File.stem().string();
  // tests/realworld/x/a.cpp and tests/checks/x/a.cpp get distinct names.
  if (File.parent_path().parent_path() ==
      fs::path(WEAKCHECK_REALWORLD_TESTS_DIR))
    Name = "realworld_" + Name;
  for (char &C : Name)
    if (!std::isalnum(static_cast<unsigned char>(C)))
      C = '_';
  return Name;
}

INSTANTIATE_TEST_SUITE_P(Checks, CheckTest, ::testing::ValuesIn(allCases()),
                         caseName);

TEST(CheckTests, EveryRegisteredCheckHasTests) {
  std::vector<CheckCase> Cases = allCases();
  for (const std::string &Check : Analyzer::allChecks())
    EXPECT_TRUE(std::any_of(Cases.begin(), Cases.end(),
                            [&](const CheckCase &C) { return C.Check == Check; }))
        << Check << " has no test sources under tests/checks/";
}

TEST(CheckTests, EveryCheckHasADocPage) {
  for (const std::string &Check : Analyzer::allChecks()) {
    std::string Doc = std::string(WEAKCHECK_DOCS_DIR) + "/checks/" +
                      Check.substr(std::string("weakref-").size()) + ".md";
    EXPECT_TRUE(fs::exists(Doc)) << Check << " has no page " << Doc;
  }
}

} // namespace
} // namespace weakcheck::test
