//===-- CallbackUsesDeadReferentCheck.h - weakref-callback-uses-dead-referent -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_CALLBACKUSESDEADREFERENTCHECK_H
#define WEAKCHECK_CHECKS_CALLBACKUSESDEADREFERENTCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/Ownership.h"
#include <string>
#include <vector>

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

  /// What the matcher needs besides the ownership model.
  struct Model {
    ownership::Ownership Owners;
    std::vector<llvm::StringRef> RawAccessors;
    std::vector<llvm::StringRef> Binders;
  };

private:
  const std::string Registrations;
  const std::string RawAccessors;
  const std::string StrongOwners;
  const std::string WeakReferences;
  const std::string Binders;
  const std::string PointerCasts;
  const Model Names;
};

} // namespace clang::tidy::weakref

#endif
