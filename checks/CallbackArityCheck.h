//===-- CallbackArityCheck.h - weakref-callback-arity ----------*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_CALLBACKARITYCHECK_H
#define WEAKCHECK_CHECKS_CALLBACKARITYCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds weak-reference death callbacks and finalizer functions that cannot be called with the arguments the runtime will pass them.
///
/// For the user-facing documentation see docs/checks/callback-arity.md.
class CallbackArityCheck : public ClangTidyCheck {
public:
  CallbackArityCheck(StringRef Name, ClangTidyContext *Context);
  // The CPython part also runs on C translation units.
  bool isLanguageVersionSupported(const LangOptions &) const override {
    return true;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override { Reported.clear(); }

private:
  const std::string PybindWeakrefs;
  const std::string PybindFunctions;
  const std::string CapiWeakrefFactories;
  const std::string CapiFunctionFactories;
  const std::string RuntimeRefs;
  const std::string RuntimeFinalizers;
  /// A call reached through several bindings is reported once.
  llvm::SmallPtrSet<const Stmt *, 8> Reported;
};

} // namespace clang::tidy::weakref

#endif
