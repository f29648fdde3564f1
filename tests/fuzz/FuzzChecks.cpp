//===-- FuzzChecks.cpp - every check, in-process, on mutated sources -----===//
//
// libFuzzer target: each input is a C++ translation unit, analysed by every
// weakref check exactly as the weakcheck CLI does (Analyzer::analyze), with
// the weakref runtime and the check tests' mock libraries on the include
// path. Seeds: tests/checks/, examples/, tests/cli/data/. Common standard
// headers come from a precompiled header made once at start-up, so that an
// input costs its own parse, not <memory>'s. See docs/fuzzing.md.
//
//===----------------------------------------------------------------------===//

#include "Analyzer.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

struct Setup {
  std::string Dir;   ///< scratch directory for the input file
  std::string Input; ///< Dir/input.cpp
  std::unique_ptr<weakcheck::Analyzer> Analyzer;
  std::unique_ptr<clang::tooling::FixedCompilationDatabase> DB;
};

Setup &setup() {
  static Setup *S = [] {
    auto *S = new Setup;
    llvm::SmallString<128> Dir;
    if (llvm::sys::fs::createUniqueDirectory("weakcheck-fuzz", Dir))
      std::abort();
    S->Dir = std::string(Dir);
    S->Input = S->Dir + "/input.cpp";
    std::vector<std::string> Args = {
        "-std=c++20", "-I" WEAKCHECK_FUZZ_RUNTIME_INCLUDE,
        "-I" WEAKCHECK_FUZZ_MOCK_INCLUDE, "-Wno-everything", "-ferror-limit=50"};
    // The precompiled prelude; without it (no clang binary) inputs still
    // work, only slower.
    std::string Prelude = S->Dir + "/prelude.h", Pch = Prelude + ".pch";
    {
      std::error_code EC;
      llvm::raw_fd_ostream OS(Prelude, EC);
      for (const char *H : {"memory", "functional", "vector", "string", "map",
                            "set", "unordered_map", "utility", "stdexcept",
                            "mutex", "optional", "cstdio", "cassert"})
        OS << "#include <" << H << ">\n";
    }
    std::string Cmd = std::string("'" WEAKCHECK_FUZZ_CLANG "' -x c++-header -std=c++20 "
                                  "-resource-dir '") +
                      weakcheck::defaultResourceDir() + "' '" + Prelude +
                      "' -o '" + Pch + "' 2>/dev/null";
    if (std::system(Cmd.c_str()) == 0) {
      Args.push_back("-include-pch");
      Args.push_back(Pch);
    } else {
      llvm::errs() << "FuzzChecks: no precompiled prelude (" << Cmd << ")\n";
    }
    S->DB = std::make_unique<clang::tooling::FixedCompilationDatabase>(S->Dir, Args);
    weakcheck::AnalyzerConfig Config;
    Config.Checks = "-*,weakref-*";
    Config.HeaderFilter = ".*";
    std::string Error;
    S->Analyzer = weakcheck::Analyzer::create(Config, Error);
    if (!S->Analyzer) {
      llvm::errs() << "FuzzChecks: " << Error << "\n";
      std::abort();
    }
    return S;
  }();
  return *S;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  Setup &S = setup();
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(S.Input, EC);
    if (EC)
      std::abort();
    OS.write(reinterpret_cast<const char *>(Data), Size);
  }
  weakcheck::FileRun Run = S.Analyzer->analyze(S.Input, *S.DB);
  // Rendering is part of what every run does.
  std::vector<weakcheck::FileRun> Runs;
  Runs.push_back(std::move(Run));
  weakcheck::Report R = weakcheck::buildReport(Runs);
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  weakcheck::renderText(R, OS);
  weakcheck::renderJson(R, OS);
  return 0;
}
