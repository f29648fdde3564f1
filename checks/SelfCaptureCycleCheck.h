//===-- SelfCaptureCycleCheck.h - weakref-self-capture-cycle ---*- C++ -*-===//

#ifndef WEAKCHECK_CHECKS_SELFCAPTURECYCLECHECK_H
#define WEAKCHECK_CHECKS_SELFCAPTURECYCLECHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "summaries/FunctionSummaries.h"
#include "utils/Ownership.h"
#include <memory>
#include <string>

namespace clang::tidy::weakref {

struct SelfCaptureStoreRules;
struct SelfCaptureOwnedContexts;

/// Finds callables that own a strong reference to an object and are stored
/// inside that same object, a reference cycle that nothing in C++ collects.
///
/// For the user-facing documentation see docs/checks/self-capture-cycle.md.
class SelfCaptureCycleCheck : public ClangTidyCheck {
public:
  SelfCaptureCycleCheck(StringRef Name, ClangTidyContext *Context);
  ~SelfCaptureCycleCheck() override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  const std::string CallableStorage;
  const std::string StoringMethods;
  const std::string TransientSinks;
  const std::string StrongOwners;
  const std::string WeakReferences;
  const std::string Binders;
  const std::string PointerCasts;
  const std::string ExecutionContexts;
  const std::string ExecutorOperations;
  const unsigned SummaryDepth;
  const ownership::Ownership Model;
  summaries::FunctionSummaries Summaries;
  std::unique_ptr<SelfCaptureStoreRules> Rules;
  std::unique_ptr<SelfCaptureOwnedContexts> Contexts;

  void reportQueued(const CallExpr *Queue,
                    const ast_matchers::MatchFinder::MatchResult &Result);
  void noteStoringChain(const CallExpr *Call, const Expr *Stored,
                        ASTContext &Ctx);
  void noteStorage(const Expr *Storage, ASTContext &Ctx);
  void noteOwner(const ownership::Holding &H, const std::string &Object,
                 SourceLocation Reported);
};

} // namespace clang::tidy::weakref

#endif
