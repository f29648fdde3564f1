//===-- UncheckedLockCheck.h - weakref-unchecked-lock -----------*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_UNCHECKEDLOCKCHECK_H
#define WEAKCHECK_CHECKS_UNCHECKEDLOCKCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "summaries/FunctionSummaries.h"
#include "utils/LockResultModel.h"
#include "llvm/ADT/DenseSet.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds the result of a weak reference's lock() dereferenced on a path where
/// it was not checked for null, using clang's dataflow framework.
///
/// For the user-facing documentation see docs/checks/unchecked-lock.md.
class UncheckedLockCheck : public ClangTidyCheck {
public:
  UncheckedLockCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;
  void onStartOfTranslationUnit() override {
    Analysed.clear();
    Summaries.reset();
  }

  /// An expansion of an assertion macro that leaves nothing the analysis can
  /// follow (a debug-only assert that expands to nothing or `(void)0`, a
  /// macro that calls a checking function): its argument's identifiers.
  struct OpaqueAssert {
    SourceLocation Loc; ///< the expansion, in a file
    llvm::SmallVector<const IdentifierInfo *, 4> Names;
  };

private:
  bool assertedBefore(const lockmodel::Finding &F, const FunctionDecl &Func,
                      const SourceManager &SM) const;

  const std::string LockFunctions;
  const std::string StrongPointers;
  const std::string WeakReferences;
  const std::string AssertMacros;
  const lockmodel::AssertMacroNames AssertNames;
  summaries::FunctionSummaries Summaries;
  const lockmodel::Options ModelOptions;
  /// Functions already analysed in this translation unit.
  llvm::DenseSet<const FunctionDecl *> Analysed;
  /// In translation-unit order.
  std::vector<OpaqueAssert> OpaqueAsserts;
};

} // namespace clang::tidy::weakref

#endif
