//===-- UncheckedLockCheck.cpp - weakref-unchecked-lock -------------------===//

#include "UncheckedLockCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/MacroArgs.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "utils/AnalysisCoverage.h"
#include "utils/Keywords.h"
#include "utils/Ownership.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultLockFunctions[] =
    "::std::weak_ptr::lock;::std::__weak_ptr::lock;::boost::weak_ptr::lock;"
    "::weakref::ref::lock;"
    "::weakref::ref::operator()";
constexpr char DefaultStrongPointers[] = "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr";
constexpr char DefaultWeakReferences[] =
    "::std::weak_ptr;::std::__weak_ptr;::boost::weak_ptr;::weakref::ref";
constexpr char DefaultAssertMacros[] =
    "*assert*;*check*;*verify*;*ensure*;*expects*;*require*;*invariant*;"
    "*precondition*;*enforce*";

/// Records the expansions of assertion macros whose definition has none of
/// the shapes the analysis follows in the AST (no `if`, `?` or `||`).
class OpaqueAssertRecorder : public PPCallbacks {
public:
  OpaqueAssertRecorder(const SourceManager &SM,
                       const lockmodel::AssertMacroNames &Names,
                       std::vector<UncheckedLockCheck::OpaqueAssert> &Out)
      : SM(SM), Names(Names), Out(Out) {}

  void MacroExpands(const Token &Name, const MacroDefinition &MD,
                    SourceRange Range, const MacroArgs *Args) override {
    const IdentifierInfo *II = Name.getIdentifierInfo();
    const MacroInfo *MI = MD.getMacroInfo();
    if (!II || !MI || !Args || MI->getNumParams() == 0)
      return;
    auto [It, Inserted] = Opaque.try_emplace(II, false);
    if (Inserted)
      It->second = Names.matches(II->getName()) &&
                   llvm::none_of(MI->tokens(), [](const Token &T) {
                     return T.isOneOf(tok::kw_if, tok::question,
                                      tok::pipepipe);
                   });
    if (!It->second || SM.isInSystemHeader(Range.getBegin()))
      return;
    UncheckedLockCheck::OpaqueAssert A;
    A.Loc = SM.getExpansionLoc(Range.getBegin());
    const Token *T = Args->getUnexpArgument(0);
    if (T->is(tok::exclaim))
      return; // asserts that something is null
    for (; T->isNot(tok::eof); ++T)
      if (const IdentifierInfo *Id = T->getIdentifierInfo())
        A.Names.push_back(Id);
    if (!A.Names.empty())
      Out.push_back(std::move(A));
  }

private:
  const SourceManager &SM;
  const lockmodel::AssertMacroNames &Names;
  std::vector<UncheckedLockCheck::OpaqueAssert> &Out;
  llvm::DenseMap<const IdentifierInfo *, bool> Opaque;
};
} // namespace

UncheckedLockCheck::UncheckedLockCheck(StringRef Name,
                                       ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      LockFunctions(Options.get("LockFunctions", DefaultLockFunctions)),
      StrongPointers(Options.get("StrongPointers", DefaultStrongPointers)),
      WeakReferences(Options.get("WeakReferences", DefaultWeakReferences)),
      AssertMacros(Options.get("AssertMacros", DefaultAssertMacros)),
      AssertNames(ownership::splitList(AssertMacros)),
      Summaries([this] {
        summaries::Options S;
        S.StrongOwners = ownership::splitList(StrongPointers);
        return S;
      }()),
      ModelOptions{ownership::splitList(LockFunctions),
                   ownership::splitList(StrongPointers),
                   ownership::splitList(WeakReferences), &AssertNames,
                   &Summaries} {
  // Pre-filter: nothing can be reported without a class that has a lock
  // function ("::std::weak_ptr" of "::std::weak_ptr::lock"); the method names
  // themselves ("operator()") are not identifiers the filter can look for.
  std::string LockClasses;
  for (const std::string &Name : ModelOptions.LockFunctions) {
    StringRef Class = StringRef(Name).rsplit("::").first;
    if (!Class.empty())
      LockClasses += (Class + ";").str();
  }
  keywords::declare(this, {LockClasses});
}

void UncheckedLockCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "LockFunctions", LockFunctions);
  Options.store(Opts, "StrongPointers", StrongPointers);
  Options.store(Opts, "WeakReferences", WeakReferences);
  Options.store(Opts, "AssertMacros", AssertMacros);
}

void UncheckedLockCheck::registerPPCallbacks(const SourceManager &SM,
                                             Preprocessor *PP,
                                             Preprocessor *) {
  OpaqueAsserts.clear();
  PP->addPPCallbacks(
      std::make_unique<OpaqueAssertRecorder>(SM, AssertNames, OpaqueAsserts));
}

bool UncheckedLockCheck::assertedBefore(const lockmodel::Finding &F,
                                        const FunctionDecl &Func,
                                        const SourceManager &SM) const {
  if (!F.Var || !F.Var->getIdentifier() || OpaqueAsserts.empty())
    return false;
  SourceLocation Since = SM.getExpansionLoc(F.Var->getLocation());
  SourceLocation At = SM.getExpansionLoc(F.Loc);
  SourceLocation End = SM.getExpansionLoc(Func.getEndLoc());
  if (SM.isBeforeInTranslationUnit(Since, SM.getExpansionLoc(Func.getBeginLoc())))
    Since = SM.getExpansionLoc(Func.getBeginLoc());
  return llvm::any_of(OpaqueAsserts, [&](const OpaqueAssert &A) {
    return SM.isBeforeInTranslationUnit(Since, A.Loc) &&
           SM.isBeforeInTranslationUnit(A.Loc, At) &&
           SM.isBeforeInTranslationUnit(A.Loc, End) &&
           llvm::is_contained(A.Names, F.Var->getIdentifier());
  });
}

void UncheckedLockCheck::registerMatchers(MatchFinder *Finder) {
  // The pre-filter: only functions that call a lock-like function are
  // analysed, so the dataflow analysis costs nothing elsewhere.
  const auto LockCall = lockmodel::lockCall(ModelOptions);
  const auto AnalysableFunction =
      functionDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                   hasBody(hasDescendant(LockCall)));
  Finder->addMatcher(AnalysableFunction.bind("func"), this);
}

void UncheckedLockCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Func = Result.Nodes.getNodeAs<FunctionDecl>("func");
  if (Func->isTemplated() || !Analysed.insert(Func).second ||
      Result.SourceManager->getDiagnostics().hasUncompilableErrorOccurred())
    return;
  llvm::Expected<lockmodel::FunctionAnalysis> Analysis =
      lockmodel::analyzeFunction(*Func, *Result.Context, ModelOptions);
  if (!Analysis) {
    coverage::record(*this, *Func, *Result.SourceManager,
                     "not analysed: " + llvm::toString(Analysis.takeError()));
    return;
  }
  if (!Analysis->Incomplete.empty())
    coverage::record(*this, *Func, *Result.SourceManager,
                     "analysed path-insensitively: " + Analysis->Incomplete);
  llvm::SmallVector<lockmodel::Finding> *Findings = &Analysis->Findings;
  // The analysis visits blocks in its own order; report in source order, so
  // that a dangling pointer is reported at its first dereference.
  const SourceManager &SM = *Result.SourceManager;
  llvm::stable_sort(*Findings, [&SM](const lockmodel::Finding &A,
                                     const lockmodel::Finding &B) {
    return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
  });
  llvm::SmallPtrSet<const ValueDecl *, 4> DanglingReported;
  for (const lockmodel::Finding &F : *Findings) {
    if (F.Kind == lockmodel::FindingKind::Unchecked &&
        assertedBefore(F, *Func, SM))
      continue;
    std::string What =
        F.Var ? ("'" + F.Var->getName() + "'").str() : "the result of lock()";
    if (F.Kind == lockmodel::FindingKind::Unchecked && F.Via) {
      diag(F.Loc, "%0 may be null%select{: it holds a lock() result and| and}1 "
                  "is passed to %2, which dereferences it without a null "
                  "check; test it first, as in 'if (auto p = w.lock())'")
          << What << (F.Var ? 0 : 1) << F.Callee << F.Range;
      std::string Chain;
      for (const summaries::Step &S : F.Via->Chain)
        Chain += (Chain.empty() ? "" : " -> ") + ("'" + S.Callee + "'");
      if (F.Via->Loc.isValid())
        diag(F.Via->Loc,
             Chain.empty() ? "dereferenced here"
                           : "dereferenced here, through %0",
             DiagnosticIDs::Note)
            << Chain;
      continue;
    }
    if (F.Kind == lockmodel::FindingKind::Unchecked) {
      diag(F.Loc, "%0 may be null%select{: it holds a lock() result and| and}1 "
                  "is dereferenced without a null check; test it first, as in "
                  "'if (auto p = w.lock())'")
          << What << (F.Var ? 0 : 1) << F.Range;
      continue;
    }
    if (F.Var && !DanglingReported.insert(F.Var).second)
      continue;
    diag(F.Loc, "%0 dangles: the owner returned by lock() was a temporary "
                "destroyed at the end of its full-expression; keep the owner "
                "in a variable ('auto p = w.lock();') and use 'p.get()'")
        << What << F.Range;
    if (const auto *VD = dyn_cast_or_null<VarDecl>(F.Var);
        VD && VD->hasInit())
      diag(VD->getInit()->getBeginLoc(),
           "the pointer is taken from a temporary owner here",
           DiagnosticIDs::Note);
  }
}

} // namespace clang::tidy::weakref
