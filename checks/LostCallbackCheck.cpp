//===-- LostCallbackCheck.cpp - weakref-lost-callback ---------------------===//

#include "LostCallbackCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/Ownership.h"
#include "utils/Keywords.h"
#include "utils/WeakrefMatchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultCallbackReferences[] = "::weakref::ref;::weakref::proxy";
constexpr char DefaultStrongOwners[] = "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr";

/// The variable or member of `*this` an owner expression names.
const ValueDecl *ownerKey(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<VarDecl>(Ref->getDecl());
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    if (isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()))
      return dyn_cast<FieldDecl>(Member->getMemberDecl());
  return nullptr;
}

const Expr *parentExpr(const Expr *E, ASTContext &Ctx) {
  DynTypedNodeList Parents = Ctx.getParents(*E);
  return Parents.empty() ? nullptr : Parents[0].get<Expr>();
}

/// Whether \p E, a use of the ref variable, only asks the ref something:
/// `r()`, `r.lock()`, `r.expired()` (const member functions), `(void)r`.
bool onlyQueries(const Expr *E, ASTContext &Ctx) {
  const Expr *Child = E;
  const Expr *Parent = parentExpr(E, Ctx);
  while (Parent && (isa<ParenExpr>(Parent) ||
                    (isa<ImplicitCastExpr>(Parent) &&
                     cast<ImplicitCastExpr>(Parent)->getCastKind() == CK_NoOp))) {
    Child = Parent;
    Parent = parentExpr(Parent, Ctx);
  }
  if (!Parent)
    return false;
  if (const auto *Cast = dyn_cast<CStyleCastExpr>(Parent))
    return Cast->getType()->isVoidType();
  if (const auto *Member = dyn_cast<MemberExpr>(Parent)) {
    const auto *Method = dyn_cast<CXXMethodDecl>(Member->getMemberDecl());
    return Method && Method->isConst() && Member->getBase() == Child;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Parent)) {
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee());
    return Method && Method->isConst() && Op->getNumArgs() >= 1 &&
           Op->getArg(0) == Child;
  }
  return false;
}

/// Whether \p S may assign, reset, move from, swap or otherwise change the
/// owner \p Key: a mutating call on it, passing it to a call as anything
/// but a const reference, taking its address, capturing it by reference,
/// or (for a member) calling a non-const member function of `*this`.
bool mayChangeOwner(const Stmt *S, const ValueDecl *Key, ASTContext &Ctx) {
  if (!S)
    return false;
  if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
    for (const LambdaCapture &Capture : Lambda->captures())
      if ((Capture.capturesVariable() && Capture.getCapturedVar() == Key &&
           Capture.getCaptureKind() == LCK_ByRef) ||
          (Capture.capturesThis() && isa<FieldDecl>(Key)))
        return true;
  }
  if (const auto *E = dyn_cast<Expr>(S); E && ownerKey(E) == Key &&
                                          (isa<DeclRefExpr, MemberExpr>(E))) {
    const Expr *Child = E;
    const Expr *Parent = parentExpr(E, Ctx);
    // `obj.reset()` reaches a base class's member through a derived-to-base
    // cast.
    while (Parent &&
           (isa<ParenExpr>(Parent) ||
            (isa<ImplicitCastExpr>(Parent) &&
             (cast<ImplicitCastExpr>(Parent)->getCastKind() == CK_DerivedToBase ||
              cast<ImplicitCastExpr>(Parent)->getCastKind() ==
                  CK_UncheckedDerivedToBase)))) {
      Child = Parent;
      Parent = parentExpr(Parent, Ctx);
    }
    if (Parent) {
      // Only const access is harmless: a const reference binding or a
      // const member function gets an lvalue-to-const (NoOp) cast first.
      if (const auto *Member = dyn_cast<MemberExpr>(Parent)) {
        const auto *Method = dyn_cast<CXXMethodDecl>(Member->getMemberDecl());
        if (Method && !Method->isConst())
          return true;
      } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Parent)) {
        const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee());
        if (Op->getArg(0) == Child && (!Method || !Method->isConst()))
          return true;
      } else if (isa<CallExpr, CXXConstructExpr>(Parent)) {
        return true;
      } else if (const auto *Unary = dyn_cast<UnaryOperator>(Parent);
                 Unary && Unary->getOpcode() == UO_AddrOf) {
        return true;
      } else if (const auto *Binary = dyn_cast<BinaryOperator>(Parent);
                 Binary && Binary->isAssignmentOp()) {
        return true;
      }
    }
  }
  if (isa<FieldDecl>(Key))
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
      if (const CXXMethodDecl *Method = Call->getMethodDecl();
          Method && !Method->isConst() &&
          isa<CXXThisExpr>(Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
        return true;
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return mayChangeOwner(Child, Key, Ctx);
  });
}

/// Matches a local weak reference with a callback, initialised from an
/// owner that certainly outlives it: a parameter, a global, a member of
/// `*this`, or a local declared earlier in the same function, none of which
/// is changed in the rest of the ref's scope, while the ref itself never
/// escapes (it is only queried). Binds "referent" (the owner's declaration)
/// and "scope" (the block whose end destroys the ref).
AST_MATCHER_P(VarDecl, diesBeforeItsReferent, std::vector<llvm::StringRef>,
              Owners) {
  ASTContext &Ctx = Finder->getASTContext();
  const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(
      matchers::ignoreTemporaryWrappers(Node.getInit()));
  if (!Construct || Construct->getNumArgs() < 1)
    return false;
  const Expr *Referent = Construct->getArg(0);
  const ValueDecl *Key = ownerKey(Referent);
  if (!Key || !ownership::isClassNamed(Key->getType(), Owners))
    return false;
  const auto *Function = dyn_cast_or_null<FunctionDecl>(Node.getParentFunctionOrMethod());
  if (!Function || !Function->getBody())
    return false;
  if (const auto *Var = dyn_cast<VarDecl>(Key)) {
    const bool Parameter = isa<ParmVarDecl>(Var) && Var->getDeclContext() == Function;
    const bool Local = Var->isLocalVarDecl() && !Var->isStaticLocal() &&
                       Var->getDeclContext() == Node.getDeclContext() &&
                       !Var->getType()->isReferenceType();
    if (!Parameter && !Local && !Var->hasGlobalStorage())
      return false;
  } else if (!isa<CXXMethodDecl>(Function) || isa<CXXDestructorDecl>(Function)) {
    return false;
  }
  // The block whose end destroys the ref.
  DynTypedNodeList Decls = Ctx.getParents(Node);
  const auto *Decl = Decls.empty() ? nullptr : Decls[0].get<DeclStmt>();
  if (!Decl)
    return false;
  DynTypedNodeList Blocks = Ctx.getParents(*Decl);
  const auto *Block = Blocks.empty() ? nullptr : Blocks[0].get<CompoundStmt>();
  if (!Block)
    return false;
  // The ref only queried: not returned, moved, copied, stored, captured.
  for (const BoundNodes &Use :
       match(findAll(declRefExpr(to(varDecl(equalsNode(&Node)))).bind("use")),
             *Function->getBody(), Ctx))
    if (!onlyQueries(Use.getNodeAs<Expr>("use"), Ctx))
      return false;
  // The referent unchanged from the ref's declaration to its scope's end.
  const auto *It = llvm::find(Block->body(), Decl);
  for (++It; It != Block->body_end(); ++It)
    if (mayChangeOwner(*It, Key, Ctx))
      return false;
  Builder->setBinding("referent", DynTypedNode::create(*Key));
  Builder->setBinding("scope", DynTypedNode::create(*Block));
  return true;
}
} // namespace

LostCallbackCheck::LostCallbackCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      CallbackReferences(
          Options.get("CallbackReferences", DefaultCallbackReferences)),
      StrongOwners(Options.get("StrongOwners", DefaultStrongOwners)),
      OwnerNames(utils::options::parseStringList(StrongOwners)) {
  // Every report is about the construction of one of these.
  keywords::declare(this, {CallbackReferences});
}

void LostCallbackCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "CallbackReferences", CallbackReferences);
  Options.store(Opts, "StrongOwners", StrongOwners);
}

void LostCallbackCheck::registerMatchers(MatchFinder *Finder) {
  using matchers::ignoringTemporaryWrappers;
  const auto RefType = matchers::classTypeNamed(
      utils::options::parseStringList(CallbackReferences));
  // weakref::ref<T>(obj, cb) with a callback (not nullptr).
  const auto WithCallback =
      cxxConstructExpr(hasType(RefType), argumentCountIs(2),
                       hasArgument(1, unless(ignoringParenImpCasts(
                                          cxxNullPtrLiteralExpr()))))
          .bind("ctor");
  // `weakref::ref<T>(obj, cb);` and `(void)weakref::ref<T>(obj, cb);`:
  // destroyed at the end of the statement.
  const auto Discarded = expr(ignoringTemporaryWrappers(anyOf(
      WithCallback, cStyleCastExpr(hasDestinationType(voidType()),
                                   hasSourceExpression(
                                       ignoringTemporaryWrappers(WithCallback))))));
  Finder->addMatcher(
      traverse(TK_AsIs, compoundStmt(forEach(Discarded.bind("discarded")))),
      this);
  // `weakref::ref<T> r(obj, cb);` dying before `obj`.
  Finder->addMatcher(
      traverse(TK_AsIs,
               varDecl(hasLocalStorage(), unless(parmVarDecl()), hasType(RefType),
                       hasInitializer(ignoringTemporaryWrappers(WithCallback)),
                       diesBeforeItsReferent(OwnerNames))
                   .bind("var")),
      this);
}

void LostCallbackCheck::check(const MatchFinder::MatchResult &Result) {
  const char *const Remedy =
      "use weakref::finalize, which stays registered until the referent dies";
  const auto *Ctor = Result.Nodes.getNodeAs<CXXConstructExpr>("ctor");
  if (Result.Nodes.getNodeAs<Expr>("discarded")) {
    diag(Ctor->getBeginLoc(),
         "death callback can never run: this temporary weak reference is "
         "destroyed at the end of the full-expression, before its referent "
         "can die; %0")
        << Remedy << Ctor->getSourceRange();
    return;
  }
  const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var");
  const auto *Referent = Result.Nodes.getNodeAs<ValueDecl>("referent");
  const auto *Scope = Result.Nodes.getNodeAs<CompoundStmt>("scope");
  diag(Var->getLocation(),
       "death callback of %0 can never run: %0 is destroyed while its "
       "referent %1 is still alive; %2")
      << Var << Referent << Remedy;
  diag(Scope->getRBracLoc(), "%0 is destroyed here, with its callback",
       DiagnosticIDs::Note)
      << Var;
  diag(Referent->getLocation(), "%0 %select{is declared before %1 and "
                                "outlives it|outlives the function}2",
       DiagnosticIDs::Note)
      << Referent << Var
      << (isa<VarDecl>(Referent) && cast<VarDecl>(Referent)->isLocalVarDecl()
              ? 0
              : 1);
}

} // namespace clang::tidy::weakref
