//===-- UncheckedLockCheck.h - weakref-unchecked-lock -----------*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_UNCHECKEDLOCKCHECK_H
#define WEAKCHECK_CHECKS_UNCHECKEDLOCKCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
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
  void onStartOfTranslationUnit() override { Analysed.clear(); }

private:
  const std::string LockFunctions;
  const std::string StrongPointers;
  const std::string WeakReferences;
  const lockmodel::Options ModelOptions;
  /// Functions already analysed in this translation unit.
  llvm::DenseSet<const FunctionDecl *> Analysed;
};

} // namespace clang::tidy::weakref

#endif
