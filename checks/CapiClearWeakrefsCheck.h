//===-- CapiClearWeakrefsCheck.h - weakref-capi-clear-weakrefs -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_CAPICLEARWEAKREFSCHECK_H
#define WEAKCHECK_CHECKS_CAPICLEARWEAKREFSCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"
#include <string>

namespace clang::tidy::weakref {

/// Finds tp_dealloc functions of types that support weak references which
/// release the object without calling PyObject_ClearWeakRefs first.
///
/// For the user-facing documentation see docs/checks/capi-clear-weakrefs.md.
class CapiClearWeakrefsCheck : public ClangTidyCheck {
public:
  CapiClearWeakrefsCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &) const override {
    return true; // C and C++ extension modules alike
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  const std::string ClearFunctions;
  const std::string FreeFunctions;
  const unsigned HelperDepth;
  /// A tp_dealloc shared by several types is reported once.
  llvm::DenseSet<const Decl *> Reported;
};

} // namespace clang::tidy::weakref

#endif
