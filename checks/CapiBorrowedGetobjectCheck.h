//===-- CapiBorrowedGetobjectCheck.h - weakref-capi-borrowed-getobject -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_CAPIBORROWEDGETOBJECTCHECK_H
#define WEAKCHECK_CHECKS_CAPIBORROWEDGETOBJECTCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds borrowed references returned by PyWeakref_GetObject and
/// PyWeakref_GET_OBJECT that are used after a call that can run Python code,
/// or returned or stored, without a strong reference.
///
/// For the user-facing documentation see
/// docs/checks/capi-borrowed-getobject.md.
class CapiBorrowedGetobjectCheck : public ClangTidyCheck {
public:
  CapiBorrowedGetobjectCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &) const override {
    return true; // C and C++ extension modules alike
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::string FetchFunctions;
  const std::string StrongReferenceFunctions;
  const std::string SafeFunctions;
  const std::string ApiFunctions;
  const unsigned HelperDepth;
};

} // namespace clang::tidy::weakref

#endif
