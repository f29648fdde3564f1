//===-- NonPublicEnableSharedFromThisCheck.h - weakref-non-public-enable-shared-from-this -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_NONPUBLICENABLESHAREDFROMTHISCHECK_H
#define WEAKCHECK_CHECKS_NONPUBLICENABLESHAREDFROMTHISCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds classes that inherit 'enable_shared_from_this' non-publicly, so that 'shared_from_this()' always throws.
///
/// For the user-facing documentation see docs/checks/non-public-enable-shared-from-this.md.
class NonPublicEnableSharedFromThisCheck : public ClangTidyCheck {
public:
  NonPublicEnableSharedFromThisCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string EnableSharedFromThis;
};

} // namespace clang::tidy::weakref

#endif
