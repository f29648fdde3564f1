//===-- SharedFromThisInConstructorCheck.h - weakref-shared-from-this-in-constructor -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_SHAREDFROMTHISINCONSTRUCTORCHECK_H
#define WEAKCHECK_CHECKS_SHAREDFROMTHISINCONSTRUCTORCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/ThisEscape.h"
#include <memory>
#include <string>

namespace clang::tidy::weakref {

/// Finds 'shared_from_this()' and 'weak_from_this().lock()' called on the object under construction, where no owner exists yet.
///
/// For the user-facing documentation see docs/checks/shared-from-this-in-constructor.md.
class SharedFromThisInConstructorCheck : public ClangTidyCheck {
public:
  SharedFromThisInConstructorCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override { Summaries.reset(); }

private:
  const std::string EnableSharedFromThis;
  const std::string StrongOwners;
  const unsigned CallDepth;
  const unsigned SummaryDepth;
  summaries::FunctionSummaries Summaries;
  std::vector<StringRef> EsftBases;
  std::unique_ptr<thisescape::EscapeFinder> Requests;
};

} // namespace clang::tidy::weakref

#endif
