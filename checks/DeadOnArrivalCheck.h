//===-- DeadOnArrivalCheck.h - weakref-dead-on-arrival ---------*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_DEADONARRIVALCHECK_H
#define WEAKCHECK_CHECKS_DEADONARRIVALCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds weak references made from an owner that dies at the end of the same
/// full-expression, so that they are dead the moment they exist.
///
/// For the user-facing documentation see docs/checks/dead-on-arrival.md.
class DeadOnArrivalCheck : public ClangTidyCheck {
public:
  DeadOnArrivalCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string WeakReferences;
  const std::string StrongOwners;
  const std::string UniqueOwners;
  const std::string OwnerFactories;
  const std::string WeakKeyContainers;
  const std::string WeakValueContainers;
  const std::string InsertMethods;
};

} // namespace clang::tidy::weakref

#endif
