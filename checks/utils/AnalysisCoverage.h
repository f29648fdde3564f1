//===-- AnalysisCoverage.h - functions a check did not fully analyse -*- C++ -*-===//
//
// A check whose analysis has a budget (weakref-unchecked-lock's dataflow
// analysis) never skips a function silently: it records here each function
// it analysed only in part, and why. The tool takes the records of a
// translation unit after analysing it (records are kept per thread: one
// translation unit runs on one thread) and shows them in
// --enable-check-profile output and in the JSON report.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_UTILS_ANALYSISCOVERAGE_H
#define WEAKCHECK_CHECKS_UTILS_ANALYSISCOVERAGE_H

#include "clang-tidy/ClangTidyCheck.h"
#include "clang/AST/Decl.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::weakref::coverage {

struct Incomplete {
  std::string Check;    ///< "weakref-unchecked-lock"
  std::string Function; ///< qualified name, or "lambda"
  std::string File;     ///< where the function is defined (as clang names it)
  unsigned Line = 0, Column = 0;
  std::string Reason; ///< what happened instead of a full analysis
};

/// Records that \p Check did not fully analyse \p Func.
void record(const ClangTidyCheck &Check, const FunctionDecl &Func,
            const SourceManager &SM, llvm::StringRef Reason);

/// What this thread recorded since the last take(), in order.
std::vector<Incomplete> take();

} // namespace clang::tidy::weakref::coverage

#endif
