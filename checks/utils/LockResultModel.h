//===-- LockResultModel.h - dataflow model of lock() results ----*- C++ -*-===//
//
// A model for clang's dataflow framework (clang/Analysis/FlowSensitive) that
// tracks, for every strong pointer (std::shared_ptr and configured types),
// whether it may be null and whether it came from a weak reference's lock(),
// the way clang's UncheckedOptionalAccessModel tracks std::optional. Used by
// weakref-unchecked-lock.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_UTILS_LOCKRESULTMODEL_H
#define WEAKCHECK_CHECKS_UTILS_LOCKRESULTMODEL_H

#include "clang/AST/Decl.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace clang::tidy::weakref::summaries {
class FunctionSummaries;
struct Fact;
} // namespace clang::tidy::weakref::summaries

namespace clang::tidy::weakref::lockmodel {

/// Names of assertion macros: each entry is a macro name or a pattern with
/// '*' wildcards, compared without regard to case ("*assert*" matches
/// PROJ_ASSERT, Q_ASSERT_X and DebugAssert).
class AssertMacroNames {
public:
  explicit AssertMacroNames(const std::vector<std::string> &Patterns);
  AssertMacroNames(const AssertMacroNames &) = delete;
  AssertMacroNames &operator=(const AssertMacroNames &) = delete;
  bool matches(llvm::StringRef MacroName) const;
  /// Whether \p Loc is inside the expansion of a matching macro, directly
  /// or through the macros it expands.
  bool inExpansion(SourceLocation Loc, const SourceManager &SM,
                   const LangOptions &LO) const;

private:
  llvm::StringSet<> Exact;
  std::vector<std::string> GlobSources;
  std::vector<llvm::GlobPattern> Globs;
  mutable llvm::StringMap<bool> Cache;
};

struct Options {
  /// Fully qualified ("::"-rooted) names of methods whose result is the
  /// strong pointer produced by locking a weak reference, e.g.
  /// "::std::weak_ptr::lock".
  std::vector<std::string> LockFunctions;
  /// Fully qualified names of the strong pointer classes whose null state is
  /// tracked, e.g. "::std::shared_ptr".
  std::vector<std::string> StrongPointers;
  /// Fully qualified names of weak reference classes: a strong pointer
  /// constructed from one of them throws instead of being null.
  std::vector<std::string> WeakReferences;
  /// Assertion macros: a call in the branch of such a macro's expansion
  /// that runs when its condition fails (`if (!(c)) fail(...)`,
  /// `(c) ? (void)0 : fail(...)`) is taken not to return, as if the handler
  /// were [[noreturn]]. Null: none.
  const AssertMacroNames *AssertMacros = nullptr;
  /// Function summaries (checks/summaries/): a lock() result passed to a
  /// function that dereferences that parameter without a check, directly or
  /// through further calls, counts as dereferenced. Null: none.
  summaries::FunctionSummaries *Summaries = nullptr;
};

enum class FindingKind {
  /// A lock() result dereferenced on a path where it was not checked.
  Unchecked,
  /// A raw pointer taken from a temporary lock() result (whose owner died at
  /// the end of its full-expression) dereferenced later.
  Dangling,
};

struct Finding {
  FindingKind Kind;
  /// The dereference: the operator, or the start of the member access.
  SourceLocation Loc;
  /// The pointer expression that is dereferenced.
  SourceRange Range;
  /// The variable dereferenced, when the pointer is a named variable.
  const ValueDecl *Var = nullptr;
  /// When the dereference happens in a callee: the function called here and
  /// its summary's fact (the dereference and the chain of calls to it).
  const FunctionDecl *Callee = nullptr;
  const summaries::Fact *Via = nullptr;
};

/// Matches a call of one of \p Opts.LockFunctions. Each name is split into
/// its class and its method ("::std::weak_ptr::lock"), because the qualified
/// name of a member of a class template specialisation does not match the
/// template's name.
ast_matchers::StatementMatcher lockCall(const Options &Opts);

struct FunctionAnalysis {
  llvm::SmallVector<Finding> Findings;
  /// Empty when the dataflow analysis completed. Otherwise why it did not
  /// (a budget ran out); the findings then come from the path-insensitive
  /// fallback, which reports less (see LockResultFallback.cpp).
  std::string Incomplete;
};

/// Runs the analysis over \p Func (a definition) and returns what it found.
/// When the dataflow analysis exceeds its budget (too many block visits, or
/// the SAT solver's budget ran out) the cheaper path-insensitive analysis
/// runs instead and the result says so. Fails (an llvm::Error) only when
/// the function has no CFG.
llvm::Expected<FunctionAnalysis>
analyzeFunction(const FunctionDecl &Func, ASTContext &Ctx, const Options &Opts);

} // namespace clang::tidy::weakref::lockmodel

#endif
