//===-- SharedFromThisInConstructorCheck.cpp - weakref-shared-from-this-in-constructor --===//

#include "SharedFromThisInConstructorCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/Keywords.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultEnableSharedFromThis[] =
    "::std::enable_shared_from_this;::std::__enable_shared_from_this;::boost::enable_shared_from_this";
constexpr char DefaultStrongOwners[] = "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr";
constexpr unsigned DefaultCallDepth = 2;
constexpr unsigned DefaultSummaryDepth = 4;
} // namespace

SharedFromThisInConstructorCheck::SharedFromThisInConstructorCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      EnableSharedFromThis(
          Options.get("EnableSharedFromThis", DefaultEnableSharedFromThis)),
      StrongOwners(Options.get("StrongOwners", DefaultStrongOwners)),
      CallDepth(Options.get("CallDepth", DefaultCallDepth)),
      SummaryDepth(Options.get("SummaryDepth", DefaultSummaryDepth)),
      Summaries(summaries::Options::forOwnerChecks(
          EnableSharedFromThis, StrongOwners, SummaryDepth)) {
  thisescape::Options O;
  O.EnableSharedFromThis =
      utils::options::parseStringList(EnableSharedFromThis);
  O.StrongOwners = utils::options::parseStringList(StrongOwners);
  O.CallDepth = CallDepth;
  O.OwnerRequestsOnly = true;
  Requests = std::make_unique<thisescape::EscapeFinder>(std::move(O));
  // Every report is about shared_from_this() / weak_from_this() of these.
  keywords::declare(this, {EnableSharedFromThis});
}

void SharedFromThisInConstructorCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "EnableSharedFromThis", EnableSharedFromThis);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "CallDepth", CallDepth);
  Options.store(Opts, "SummaryDepth", SummaryDepth);
}

void SharedFromThisInConstructorCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(
      cxxConstructorDecl(isDefinition(), hasBody(stmt()),
                         unless(isExpansionInSystemHeader()))
          .bind("ctor"), this);
}

void SharedFromThisInConstructorCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *Ctor = Result.Nodes.getNodeAs<CXXConstructorDecl>("ctor");
  using thisescape::EventKind;
  std::vector<thisescape::Event> Events =
      Requests->fromThis(Ctor, *Result.Context);
  // Deeper call chains, from the function summaries.
  // Only a class with an EnableSharedFromThis base can ask for an owner of
  // itself: the summaries are computed for those alone.
  if (EsftBases.empty())
    EsftBases = utils::options::parseStringList(EnableSharedFromThis);
  const CXXRecordDecl *Class = Ctor->getParent();
  const bool HasEsftBase =
      Class->hasDefinition() &&
      !Class->forallBases([&](const CXXRecordDecl *Base) {
        const CXXRecordDecl *B = Base;
        if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(B))
          B = Spec->getSpecializedTemplate()->getTemplatedDecl();
        const std::string Name = "::" + B->getQualifiedNameAsString();
        return llvm::none_of(EsftBases,
                             [&](StringRef N) { return N == Name; });
      });
  if (HasEsftBase) {
    std::vector<thisescape::Event> Deeper = thisescape::summaryEvents(
        Ctor, Summaries, *Result.Context, Events, /*OwnerRequestsOnly=*/true);
    Events.insert(Events.end(), Deeper.begin(), Deeper.end());
  }
  for (const thisescape::Event &E : Events) {
    std::string Event, Consequence;
    switch (E.Kind) {
    case EventKind::SharedFromThis:
      Event = "'shared_from_this()'";
      Consequence = "throws std::bad_weak_ptr";
      break;
    case EventKind::WeakFromThisLock:
      Event = "'weak_from_this().lock()'";
      Consequence = "always returns an empty owner";
      break;
    case EventKind::OwnerFromWeak:
      Event = "a strong owner built from 'weak_from_this()'";
      Consequence = "throws std::bad_weak_ptr";
      break;
    default:
      continue;
    }
    const std::string Rest =
        " the constructor of %0 " + Consequence +
        ": no owner exists until the constructor returns; create the owner "
        "first and call it afterwards, for example from a static factory "
        "function";
    if (E.Hops.empty()) {
      diag(E.Site->getBeginLoc(), Event + " in" + Rest) << Ctor->getParent();
      continue;
    }
    diag(E.Hops.front().Call->getExprLoc(), Event + " through %1 in" + Rest)
        << Ctor->getParent() << E.Hops.front().Callee;
    for (size_t I = 1; I < E.Hops.size(); ++I)
      diag(E.Hops[I].Call->getExprLoc(),
           "%0 calls %1 here, in the call chain from %2", DiagnosticIDs::Note)
          << E.Hops[I].Caller << E.Hops[I].Callee << E.Hops.front().Caller;
    diag(E.Site->getBeginLoc(), "%0 does it here", DiagnosticIDs::Note)
        << E.Hops.back().Callee;
  }
}

} // namespace clang::tidy::weakref
