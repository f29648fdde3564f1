//===-- CapiBorrowedGetobjectCheck.h - weakref-capi-borrowed-getobject -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_CAPIBORROWEDGETOBJECTCHECK_H
#define WEAKCHECK_CHECKS_CAPIBORROWEDGETOBJECTCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <memory>
#include <string>

namespace clang::tidy::weakref {

struct CapiBorrowConfig;

/// Finds borrowed references returned by PyWeakref_GetObject and
/// PyWeakref_GET_OBJECT that are passed to or used after a call that can run
/// Python code, or returned or stored, without a strong reference.
///
/// For the user-facing documentation see
/// docs/checks/capi-borrowed-getobject.md.
class CapiBorrowedGetobjectCheck : public ClangTidyCheck {
public:
  CapiBorrowedGetobjectCheck(StringRef Name, ClangTidyContext *Context);
  ~CapiBorrowedGetobjectCheck() override;
  bool isLanguageVersionSupported(const LangOptions &) const override {
    return true; // C and C++ extension modules alike
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;

private:
  /// One note per function entered on the way to the Python code \p Call
  /// can run.
  void noteChain(const CallExpr &Call, ASTContext &Ctx);

  const std::string FetchFunctions;
  const std::string StrongReferenceFunctions;
  const std::string SafeFunctions;
  const std::string ApiFunctions;
  const std::string ErrorFunctions;
  const std::string FormatFunctions;
  const std::string BorrowedReturnFunctions;
  const unsigned HelperDepth;
  std::shared_ptr<CapiBorrowConfig> Config;
};

} // namespace clang::tidy::weakref

#endif
