//===-- LostCallbackCheck.h - weakref-lost-callback ----------*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_LOSTCALLBACKCHECK_H
#define WEAKCHECK_CHECKS_LOSTCALLBACKCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::weakref {

/// Finds weakref::ref objects with a callback that die before their referent can, so the callback never runs.
///
/// For the user-facing documentation see docs/checks/lost-callback.md.
class LostCallbackCheck : public ClangTidyCheck {
public:
  LostCallbackCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string CallbackReferences;
  const std::string StrongOwners;
  const std::vector<llvm::StringRef> OwnerNames;
};

} // namespace clang::tidy::weakref

#endif
