//===-- FinalizerCapturesReferentCheck.cpp - weakref-finalizer-captures-referent ===//

#include "FinalizerCapturesReferentCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "utils/WeakrefMatchers.h"
#include "utils/Keywords.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultFinalizers[] =
    "::weakref::finalize;::weakref::ref;::pybind11::weakref";

using ownership::Holding;
using ownership::ObjectId;

/// A registration `F(referent, callable, args...)` where the callable or one
/// of the arguments holds a strong owner of the referent. Binds the holding
/// (see ownership::bindHolding) and "referent".
AST_MATCHER_P(CXXConstructExpr, registersFinalizerOwningReferent,
              const ownership::Ownership *, Model) {
  if (Node.getNumArgs() < 2)
    return false;
  ASTContext &Ctx = Finder->getASTContext();
  const Expr *Referent = Node.getArg(0);
  ObjectId Object = Model->objectOf(Referent, Ctx);
  if (!Object)
    return false;
  for (unsigned I = 1; I < Node.getNumArgs(); ++I) {
    const Expr *Arg = Node.getArg(I);
    if (isa<CXXDefaultArgExpr>(Arg))
      continue;
    if (std::optional<Holding> H =
            Model->findHolding(Arg, {Object}, Ctx, /*AllowDirect=*/true)) {
      ownership::bindHolding(*H, Builder);
      Builder->setBinding("referent", DynTypedNode::create(*Referent));
      return true;
    }
  }
  return false;
}

std::string sourceText(const Expr *E, const ASTContext &Ctx) {
  StringRef Text = Lexer::getSourceText(
      CharSourceRange::getTokenRange(E->getSourceRange()),
      Ctx.getSourceManager(), Ctx.getLangOpts());
  std::string S = Text.str();
  if (S.empty() || S.size() > 60)
    return "";
  return "'" + S + "' ";
}
} // namespace

FinalizerCapturesReferentCheck::FinalizerCapturesReferentCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      Finalizers(Options.get("Finalizers", DefaultFinalizers)),
      StrongOwners(Options.get("StrongOwners", ownership::DefaultStrongOwners)),
      WeakReferences(
          Options.get("WeakReferences", ownership::DefaultWeakReferences)),
      Binders(Options.get("Binders", ownership::DefaultBinders)),
      PointerCasts(Options.get("PointerCasts", ownership::DefaultPointerCasts)),
      Model(ownership::OwnershipOptions::parse(StrongOwners, WeakReferences,
                                                   Binders, PointerCasts)) {
  // Every report is about the construction of one of these.
  keywords::declare(this, {Finalizers});
}

void FinalizerCapturesReferentCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "Finalizers", Finalizers);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "WeakReferences", WeakReferences);
  Options.store(Opts, "Binders", Binders);
  Options.store(Opts, "PointerCasts", PointerCasts);
}

void FinalizerCapturesReferentCheck::registerMatchers(MatchFinder *Finder) {
  // weakref::finalize(obj, f, args...), weakref::ref<T>(obj, cb),
  // py::weakref(obj, callback): the first argument is the referent, the
  // others are kept until it dies.
  const auto FinalizerType = matchers::classTypeNamed(
      utils::options::parseStringList(Finalizers));
  Finder->addMatcher(
      traverse(TK_AsIs,
               cxxConstructExpr(hasType(FinalizerType),
                                registersFinalizerOwningReferent(&Model))
                   .bind("registration")),
      this);
}

void FinalizerCapturesReferentCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *Registration =
      Result.Nodes.getNodeAs<CXXConstructExpr>("registration");
  const auto *Referent = Result.Nodes.getNodeAs<Expr>("referent");
  const Holding H = ownership::readHolding(Result.Nodes);
  const std::string Object = ownership::describe(H.Object);
  const ASTContext &Ctx = *Result.Context;

  SourceLocation Loc;
  unsigned Form;
  std::string Holder;
  if (H.Capture) {
    Loc = H.Capture->getLocation();
    Form = H.Capture->isImplicit() ? 1 : 0;
    Holder = "'" + H.Capture->getCapturedVar()->getNameAsString() + "' ";
  } else {
    Loc = H.Arg->getBeginLoc();
    Form = H.Kind == Holding::Bound ? 2 : 3;
    Holder = sourceText(H.Arg, Ctx);
  }
  const CXXRecordDecl *Class = Registration->getType()->getAsCXXRecordDecl();
  const unsigned IsCallback =
      Class && Class->getIdentifier() && Class->getName() == "finalize" ? 0 : 1;
  diag(Loc, "%select{capture|implicit capture|bound argument|argument}0 %1"
            "keeps the %select{finalizer's|death callback's}2 own referent %3 "
            "alive, so it can never die and the %select{finalizer|callback}2 "
            "never runs; pass only the state the %select{finalizer|callback}2 "
            "needs, or a weak reference")
      << Form << Holder << IsCallback << Object;
  diag(Referent->getBeginLoc(),
       "the %select{finalizer|death callback}0 is registered for %1 here",
       DiagnosticIDs::Note)
      << IsCallback << Object << Registration->getSourceRange();
  if (H.Alias)
    diag(H.Alias->getLocation(), "%0 is a strong owner of %1",
         DiagnosticIDs::Note)
        << H.Alias << Object;
  else if (H.Origin && H.Origin->getBeginLoc() != Loc)
    diag(H.Origin->getBeginLoc(), "strong owner of %0 obtained here",
         DiagnosticIDs::Note)
        << Object << H.Origin->getSourceRange();
}

} // namespace clang::tidy::weakref
