//===-- FinalizerCapturesReferentCheck.h - weakref-finalizer-captures-referent -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_FINALIZERCAPTURESREFERENTCHECK_H
#define WEAKCHECK_CHECKS_FINALIZERCAPTURESREFERENTCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/Ownership.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds finalizers and death callbacks that own their own referent, so that
/// the referent can never die and the callback never runs.
///
/// For the user-facing documentation see docs/checks/finalizer-captures-referent.md.
class FinalizerCapturesReferentCheck : public ClangTidyCheck {
public:
  FinalizerCapturesReferentCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string Finalizers;
  const std::string StrongOwners;
  const std::string WeakReferences;
  const std::string Binders;
  const std::string PointerCasts;
  const ownership::Ownership Model;
};

} // namespace clang::tidy::weakref

#endif
