//===-- PythonCodeSummary.h - can a C function run Python code? -*- C++ -*-===//
//
// A function summary for the CPython C API checks: whether a call can run
// Python code (a method, a finalizer, the garbage collector) and so drop the
// last strong reference to any object, on a path on which the callee
// returns normally. A helper that runs Python code only on an error path
// (`PyErr_SetString(...); return -1;`) does not run it on its success path:
// a caller that goes on after the helper has succeeded.
//
// Calls of functions whose body is in the translation unit are answered
// from that body (memoised per function, a bounded number of calls deep,
// recursion answered "no"); other calls by their names: the C API
// (`ApiFunctions`) can, known pure accessors (`SafeFunctions`) cannot, calls
// through pointers and type slots can, other external functions cannot.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_SUMMARIES_PYTHONCODESUMMARY_H
#define WEAKCHECK_CHECKS_SUMMARIES_PYTHONCODESUMMARY_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"
#include <memory>
#include <vector>

namespace clang::tidy::weakref::summaries {

/// Names matched by a `;`-separated list of regular expressions, each
/// matching a whole name.
class NamePatterns {
public:
  NamePatterns() = default;
  explicit NamePatterns(llvm::StringRef List);
  bool contains(llvm::StringRef Name) const;
  /// True if \p Loc comes from the body of a macro named in the list, at
  /// any level of expansion (`PyLong_Check(o)` expands to calls of other
  /// names).
  bool containsMacroAt(SourceLocation Loc, const SourceManager &SM,
                       const LangOptions &LO) const;

private:
  std::vector<std::shared_ptr<llvm::Regex>> Patterns;
};

struct PythonCodeOptions {
  NamePatterns Api;   ///< functions that can run Python code
  NamePatterns Safe;  ///< functions and macros that cannot
  NamePatterns Error; ///< functions that raise: what follows is an error path
  /// printf-like functions (`PyUnicode_FromFormat`) that run Python code
  /// only for the conversions %R, %S and %A of their last string literal
  /// argument before the variadic ones.
  NamePatterns Format;
  unsigned Depth = 3; ///< how many calls deep bodies are looked into
};

/// See the file comment. Holds per-translation-unit state: call reset() at
/// the end of each translation unit.
class PythonCodeSummary {
public:
  explicit PythonCodeSummary(PythonCodeOptions Opts) : Opts(std::move(Opts)) {}

  /// Whether \p Call can run Python code on a path on which its callee
  /// returns normally. When it can and \p Chain is given, it receives the
  /// calls from \p Call (first) down to the call that runs Python code, one
  /// per function body entered.
  bool callRunsPython(const CallExpr &Call, ASTContext &Ctx,
                      std::vector<const CallExpr *> *Chain = nullptr);

  /// The first call (in source order) in the body of \p Def that can run
  /// Python code on a path to a normal, non-error return, or null.
  const CallExpr *successPathCall(const FunctionDecl &Def, ASTContext &Ctx) {
    return successPathCall(Def, Ctx, 0);
  }

  void reset() {
    Memo.clear();
    Visiting.clear();
  }

private:
  bool runs(const CallExpr &Call, ASTContext &Ctx, unsigned Depth);
  const CallExpr *successPathCall(const FunctionDecl &Def, ASTContext &Ctx,
                                  unsigned Depth);
  const CallExpr *analyse(const FunctionDecl &Def, ASTContext &Ctx,
                          unsigned Depth);
  bool isErrorMarker(const Stmt &S, const FunctionDecl &Def, ASTContext &Ctx);

  PythonCodeOptions Opts;
  /// (definition, depth) -> the witness call, or null.
  llvm::DenseMap<std::pair<const FunctionDecl *, unsigned>, const CallExpr *>
      Memo;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Visiting;
};

} // namespace clang::tidy::weakref::summaries

#endif
