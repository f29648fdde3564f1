//===-- DestructorResurrectionCheck.h - weakref-destructor-resurrection -*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_DESTRUCTORRESURRECTIONCHECK_H
#define WEAKCHECK_CHECKS_DESTRUCTORRESURRECTIONCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/ThisEscape.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Regex.h"
#include <memory>
#include <string>
#include <vector>

namespace clang::tidy::weakref {

/// Finds destructors, and tp_dealloc functions, that let 'this' escape or ask for a strong owner of the dying object.
///
/// For the user-facing documentation see docs/checks/destructor-resurrection.md.
class DestructorResurrectionCheck : public ClangTidyCheck {
public:
  DestructorResurrectionCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &) const override {
    return true; // C++ destructors, and tp_dealloc functions in C too
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override {
    Reported.clear();
    Summaries.reset();
  }

private:
  void report(const thisescape::Event &E, const NamedDecl *Root,
              bool IsDealloc);
  /// A tp_dealloc's store of the object into a free list or a one-slot
  /// cache (`FreeListNames`): its memory parked for reuse, not resurrected.
  bool parksOnFreeList(const thisescape::Event &E) const;
  /// Whether \p Name (of a variable or field stored into) is one of
  /// FreeListNames.
  bool isFreeList(StringRef Name) const;
  /// A cheap syntactic pre-test of a tp_dealloc (\p Param is the object)
  /// and the functions it passes the object to (CallDepth deep): whether any
  /// of them assigns the object or an address, initialises a static local
  /// or calls one of CapiStoreFunctions. Without any of these the object
  /// cannot escape, and the costly escape walk is skipped.
  bool mayStoreObject(const FunctionDecl *F, unsigned Param, unsigned Depth,
                      llvm::SmallPtrSetImpl<const FunctionDecl *> &Seen,
                      ASTContext &Ctx) const;

  const std::string EnableSharedFromThis;
  const std::string StrongOwners;
  const std::string UniqueOwners;
  const std::string RuntimeWeakReferences;
  const std::string InsertMethods;
  const std::string CallbackSinks;
  const std::string Binders;
  const std::string CapiStoreFunctions;
  const std::string FreeListNames;
  const unsigned CallDepth;
  const unsigned SummaryDepth;
  summaries::FunctionSummaries Summaries;
  std::vector<llvm::Regex> FreeLists;
  std::vector<StringRef> CapiStores;
  std::unique_ptr<thisescape::EscapeFinder> Escapes;
  std::unique_ptr<thisescape::EscapeFinder> CapiEscapes;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Reported;
};

} // namespace clang::tidy::weakref

#endif
