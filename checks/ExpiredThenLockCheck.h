//===-- ExpiredThenLockCheck.h - weakref-expired-then-lock ---*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_EXPIREDTHENLOCKCHECK_H
#define WEAKCHECK_CHECKS_EXPIREDTHENLOCKCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::weakref {

/// Finds expired() tested and then lock() called or an owner built from the same weak pointer, a race with other threads.
///
/// For the user-facing documentation see docs/checks/expired-then-lock.md.
class ExpiredThenLockCheck : public ClangTidyCheck {
public:
  ExpiredThenLockCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

  /// The method names the matchers need, parsed once from the options.
  struct Methods {
    std::vector<llvm::StringRef> Expired;
    std::vector<llvm::StringRef> Alive;
  };

private:
  const std::string WeakReferences;
  const std::string StrongOwners;
  const std::string ExpiredMethods;
  const std::string AliveMethods;
  const std::string LockMethods;
  const std::string ThrowingLockMethods;
  const Methods Names;
};

} // namespace clang::tidy::weakref

#endif
