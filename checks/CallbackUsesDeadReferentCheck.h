//===-- CallbackUsesDeadReferentCheck.h - weakref-callback-uses-dead-referent -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_CALLBACKUSESDEADREFERENTCHECK_H
#define WEAKCHECK_CHECKS_CALLBACKUSESDEADREFERENTCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds weak-reference callbacks and finalizers that reach their referent through a captured raw pointer or reference.
///
/// For the user-facing documentation see docs/checks/callback-uses-dead-referent.md.
class CallbackUsesDeadReferentCheck : public ClangTidyCheck {
public:
  CallbackUsesDeadReferentCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string WeakReferences;
};

} // namespace clang::tidy::weakref

#endif
