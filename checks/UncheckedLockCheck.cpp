//===-- UncheckedLockCheck.cpp - weakref-unchecked-lock -------------------===//

#include "UncheckedLockCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/Keywords.h"
#include "utils/Ownership.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultLockFunctions[] =
    "::std::weak_ptr::lock;::boost::weak_ptr::lock;::weakref::ref::lock;"
    "::weakref::ref::operator()";
constexpr char DefaultStrongPointers[] = "::std::shared_ptr;::boost::shared_ptr";
constexpr char DefaultWeakReferences[] =
    "::std::weak_ptr;::boost::weak_ptr;::weakref::ref";
} // namespace

UncheckedLockCheck::UncheckedLockCheck(StringRef Name,
                                       ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      LockFunctions(Options.get("LockFunctions", DefaultLockFunctions)),
      StrongPointers(Options.get("StrongPointers", DefaultStrongPointers)),
      WeakReferences(Options.get("WeakReferences", DefaultWeakReferences)),
      ModelOptions{ownership::splitList(LockFunctions),
                   ownership::splitList(StrongPointers),
                   ownership::splitList(WeakReferences)} {
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
  llvm::Expected<llvm::SmallVector<lockmodel::Finding>> Findings =
      lockmodel::analyzeFunction(*Func, *Result.Context, ModelOptions);
  if (!Findings) {
    // Not analysable (limits reached): stay silent rather than guess.
    llvm::consumeError(Findings.takeError());
    return;
  }
  // The analysis visits blocks in its own order; report in source order, so
  // that a dangling pointer is reported at its first dereference.
  const SourceManager &SM = *Result.SourceManager;
  llvm::stable_sort(*Findings, [&SM](const lockmodel::Finding &A,
                                     const lockmodel::Finding &B) {
    return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
  });
  llvm::SmallPtrSet<const ValueDecl *, 4> DanglingReported;
  for (const lockmodel::Finding &F : *Findings) {
    std::string What =
        F.Var ? ("'" + F.Var->getName() + "'").str() : "the result of lock()";
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
