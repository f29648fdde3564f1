//===-- CallbackUsesDeadReferentCheck.cpp - weakref-callback-uses-dead-referent ===//

#include "CallbackUsesDeadReferentCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/Keywords.h"
#include "utils/WeakrefMatchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultRegistrations[] =
    "::weakref::ref;::weakref::proxy;::weakref::finalize";
constexpr char DefaultRawAccessors[] = "get;operator->";

using Model = CallbackUsesDeadReferentCheck::Model;
using ownership::ObjectId;

bool isStdFunction(const CallExpr *Call, llvm::ArrayRef<StringRef> Names) {
  const FunctionDecl *Callee = Call->getDirectCallee();
  return Callee && Callee->isInStdNamespace() && Callee->getIdentifier() &&
         llvm::is_contained(Names, Callee->getName());
}

/// The object that the raw pointer or reference expression \p E reaches:
/// `obj.get()`, `&*obj`, `*obj`, `&obj->field`, `this`, `std::ref(*obj)`,
/// `std::addressof(*obj)`, or a local pointer or reference initialised
/// from one of those and never reassigned (returned in \p Via).
ObjectId rawAliasOf(const Expr *E, const Model &M, ASTContext &Ctx,
                    const VarDecl **Via, unsigned Depth = 0) {
  if (!E || Depth > 6)
    return {};
  E = matchers::ignoreTemporaryWrappers(E)->IgnoreParenImpCasts();
  const auto IsOwner = [&](const Expr *X) {
    return M.Owners.isStrongOwner(X->IgnoreParenImpCasts()->getType());
  };
  if (const auto *This = dyn_cast<CXXThisExpr>(E))
    return {ObjectId::This, This->getType()->getPointeeCXXRecordDecl()};
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (Method && llvm::is_contained(M.RawAccessors, Method->getNameAsString()) &&
        IsOwner(Call->getImplicitObjectArgument()))
      return M.Owners.objectOf(Call->getImplicitObjectArgument(), Ctx);
    return {};
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    if ((Op->getOperator() == OO_Star || Op->getOperator() == OO_Arrow) &&
        Op->getNumArgs() == 1 && IsOwner(Op->getArg(0)))
      return M.Owners.objectOf(Op->getArg(0), Ctx);
    return {};
  }
  if (const auto *Unary = dyn_cast<UnaryOperator>(E)) {
    if (Unary->getOpcode() == UO_AddrOf || Unary->getOpcode() == UO_Deref)
      return rawAliasOf(Unary->getSubExpr(), M, Ctx, Via, Depth + 1);
    return {};
  }
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    if (Member->isArrow() && isa<FieldDecl>(Member->getMemberDecl()))
      return rawAliasOf(Member->getBase(), M, Ctx, Via, Depth + 1);
    return {};
  }
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    if (Call->getNumArgs() == 1 &&
        isStdFunction(Call, {"addressof", "ref", "cref"}))
      return rawAliasOf(Call->getArg(0), M, Ctx, Via, Depth + 1);
    return {};
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal() ||
        !Var->getInit() || IsOwner(Ref) ||
        !(Var->getType()->isPointerType() || Var->getType()->isReferenceType()) ||
        !ownership::isNeverReassigned(Var, Ctx))
      return {};
    ObjectId Id = rawAliasOf(Var->getInit(), M, Ctx, Via, Depth + 1);
    if (Id && Via)
      *Via = Var;
    return Id;
  }
  return {};
}

/// The first place in \p Body where \p Var (a pointer or a reference), or
/// `this` when \p Var is null, reaches the object it denotes: `p->f()`,
/// `*p`, `p[i]`, any use of a reference but taking its address, a member
/// of `*this`. Comparing, printing or passing on a pointer is not a use:
/// the address as a key is a correct idiom.
const Expr *firstObjectUse(const Stmt *Body, const VarDecl *Var,
                           ASTContext &Ctx) {
  if (!Body)
    return nullptr;
  llvm::SmallVector<const Expr *, 4> Uses;
  if (Var) {
    const bool IsReference = Var->getType()->isReferenceType();
    for (const BoundNodes &N :
         match(findAll(declRefExpr(to(varDecl(equalsNode(Var)))).bind("r")),
               *Body, Ctx)) {
      const Expr *Child = N.getNodeAs<Expr>("r");
      const Expr *Parent = nullptr;
      while (true) {
        DynTypedNodeList Parents = Ctx.getParents(*Child);
        Parent = Parents.empty() ? nullptr : Parents[0].get<Expr>();
        if (Parent && (isa<ParenExpr>(Parent) ||
                       (isa<ImplicitCastExpr>(Parent) &&
                        (cast<ImplicitCastExpr>(Parent)->getCastKind() ==
                             CK_LValueToRValue ||
                         cast<ImplicitCastExpr>(Parent)->getCastKind() ==
                             CK_NoOp)))) {
          Child = Parent;
          continue;
        }
        break;
      }
      const auto *Unary = dyn_cast_or_null<UnaryOperator>(Parent);
      if (IsReference) {
        const auto *Call = dyn_cast_or_null<CallExpr>(Parent);
        if ((Unary && Unary->getOpcode() == UO_AddrOf) ||
            (Call && isStdFunction(Call, {"addressof"})))
          continue;
        Uses.push_back(N.getNodeAs<Expr>("r"));
        continue;
      }
      const auto *Member = dyn_cast_or_null<MemberExpr>(Parent);
      const auto *Subscript = dyn_cast_or_null<ArraySubscriptExpr>(Parent);
      if ((Unary && Unary->getOpcode() == UO_Deref) ||
          (Member && Member->isArrow()) ||
          (Subscript && Subscript->getBase() == Child))
        Uses.push_back(Parent);
    }
  } else {
    const auto This = ignoringParenImpCasts(cxxThisExpr());
    for (const BoundNodes &N :
         match(findAll(expr(anyOf(memberExpr(hasObjectExpression(This)),
                                  unaryOperator(hasOperatorName("*"),
                                                hasUnaryOperand(This))))
                           .bind("use")),
               *Body, Ctx))
      Uses.push_back(N.getNodeAs<Expr>("use"));
  }
  const SourceManager &SM = Ctx.getSourceManager();
  const Expr *First = nullptr;
  for (const Expr *U : Uses)
    if (!First || SM.isBeforeInTranslationUnit(U->getBeginLoc(),
                                               First->getBeginLoc()))
      First = U;
  return First;
}

/// Follows a local callable variable to its initialiser.
const Expr *callableOf(const Expr *E, ASTContext &Ctx) {
  for (unsigned Depth = 0; E && Depth < 4; ++Depth) {
    E = matchers::ignoreTemporaryWrappers(E)->IgnoreParenImpCasts();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
        Construct && Construct->getNumArgs() == 1) {
      E = Construct->getArg(0); // std::function from a lambda
      continue;
    }
    const auto *Ref = dyn_cast<DeclRefExpr>(E);
    const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
    if (!Var || !Var->isLocalVarDecl() || !Var->getInit() ||
        !ownership::isNeverReassigned(Var, Ctx))
      return E;
    E = Var->getInit();
  }
  return E;
}

struct Target {
  const Stmt *Body = nullptr;
  const VarDecl *Param = nullptr; ///< null with Body: `this` of a member call
  const Expr *MemberPointer = nullptr; ///< a member function called on it
};

/// What receives stored argument \p Index of the function \p F: a parameter
/// of a lambda or of a function with a body, or the object of a member
/// function pointer.
Target receiverOf(const Expr *F, unsigned Index, ASTContext &Ctx) {
  F = callableOf(F, Ctx);
  if (!F)
    return {};
  if (const auto *Lambda = dyn_cast<LambdaExpr>(F)) {
    const CXXMethodDecl *Call = Lambda->getCallOperator();
    if (Index < Call->getNumParams())
      return {Lambda->getBody(), Call->getParamDecl(Index), nullptr};
    return {};
  }
  const auto *Unary = dyn_cast<UnaryOperator>(F);
  const Expr *Named = Unary && Unary->getOpcode() == UO_AddrOf
                          ? Unary->getSubExpr()->IgnoreParenImpCasts()
                          : F;
  const auto *Ref = dyn_cast<DeclRefExpr>(Named);
  const auto *Function = Ref ? dyn_cast<FunctionDecl>(Ref->getDecl()) : nullptr;
  if (!Function)
    return {};
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Function);
      Method && !Method->isStatic()) {
    if (Index == 0)
      return {nullptr, nullptr, F};
    --Index;
  }
  const FunctionDecl *Definition = Function->getDefinition();
  if (!Definition || Index >= Definition->getNumParams())
    return {};
  return {Definition->getBody(), Definition->getParamDecl(Index), nullptr};
}

void bindObject(const ObjectId &Object,
                ast_matchers::internal::BoundNodesTreeBuilder *Builder) {
  if (Object.D)
    Builder->setBinding(Object.Kind == ObjectId::This       ? "object-this"
                        : Object.Kind == ObjectId::Variable ? "object-var"
                                                            : "object-member",
                        DynTypedNode::create(*Object.D));
}

/// A lambda capture that is a raw pointer or reference to \p Object and
/// that the lambda's body uses to reach it. Binds "lambda", "capture",
/// "use" and possibly "alias".
bool captureReachingObject(const LambdaExpr *Lambda, const ObjectId &Object,
                           const Model &M, ASTContext &Ctx,
                           ast_matchers::internal::BoundNodesTreeBuilder *Builder) {
  for (const LambdaCapture &Capture : Lambda->captures()) {
    const Expr *Use = nullptr;
    const VarDecl *Alias = nullptr;
    if (Capture.capturesThis()) {
      if (Object.Kind != ObjectId::This)
        continue;
      Use = firstObjectUse(Lambda->getBody(), nullptr, Ctx);
    } else if (Capture.capturesVariable()) {
      const auto *Var = dyn_cast<VarDecl>(Capture.getCapturedVar());
      if (!Var)
        continue;
      QualType T = Var->getType();
      // A by-copy capture of a reference copies the object: not an alias.
      if (!T->isPointerType() && !(T->isReferenceType() &&
                                   (Var->isInitCapture() ||
                                    Capture.getCaptureKind() == LCK_ByRef)))
        continue;
      ObjectId Id;
      if (Var->isInitCapture())
        Id = rawAliasOf(Var->getInit(), M, Ctx, &Alias);
      else if (Var->isLocalVarDecl() && Var->getInit() &&
               ownership::isNeverReassigned(Var, Ctx)) {
        Id = rawAliasOf(Var->getInit(), M, Ctx, &Alias);
        Alias = Var;
      }
      if (!Id || !(Id == Object))
        continue;
      Use = firstObjectUse(Lambda->getBody(), Var, Ctx);
    }
    if (!Use)
      continue;
    Builder->setBinding("lambda", DynTypedNode::create(*Lambda));
    Builder->setBinding("capture", DynTypedNode::create(Capture));
    Builder->setBinding("use", DynTypedNode::create(*Use));
    if (Alias)
      Builder->setBinding("alias", DynTypedNode::create(*Alias));
    return true;
  }
  return false;
}

/// Stored arguments `Args[First...]` of \p F (a finalizer's function or a
/// binder's target) that are raw pointers to \p Object which \p F uses to
/// reach it. Binds "arg", "use" or "member-pointer", possibly "alias".
bool argumentReachingObject(const Expr *F, llvm::ArrayRef<const Expr *> Args,
                            const ObjectId &Object, const Model &M,
                            ASTContext &Ctx,
                            ast_matchers::internal::BoundNodesTreeBuilder *Builder) {
  for (unsigned I = 0; I < Args.size(); ++I) {
    const Expr *Arg = Args[I];
    if (isa<CXXDefaultArgExpr>(Arg))
      continue;
    QualType T = Arg->IgnoreParenImpCasts()->getType();
    const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
    const bool Wrapper = Record && Record->getIdentifier() &&
                         Record->getName() == "reference_wrapper";
    if (!T->isPointerType() && !Wrapper)
      continue;
    const VarDecl *Alias = nullptr;
    ObjectId Id = rawAliasOf(Arg, M, Ctx, &Alias);
    if (!Id || !(Id == Object))
      continue;
    Target R = receiverOf(F, I, Ctx);
    const Expr *Use = R.Body ? firstObjectUse(R.Body, R.Param, Ctx) : nullptr;
    if (!Use && !R.MemberPointer)
      continue;
    Builder->setBinding("arg", DynTypedNode::create(*Arg));
    if (Use)
      Builder->setBinding("use", DynTypedNode::create(*Use));
    else
      Builder->setBinding("member-pointer", DynTypedNode::create(*R.MemberPointer));
    if (Alias)
      Builder->setBinding("alias", DynTypedNode::create(*Alias));
    return true;
  }
  return false;
}

/// A registration `F(referent, callable, args...)` whose callable (a
/// lambda, a binder call, a local holding one) or stored arguments reach
/// the referent through a raw pointer or reference. Binds "referent",
/// the object, and what the helpers above bind.
AST_MATCHER_P(CXXConstructExpr, reachesReferentRaw, const Model *, M) {
  if (Node.getNumArgs() < 2)
    return false;
  ASTContext &Ctx = Finder->getASTContext();
  const Expr *Referent = Node.getArg(0);
  ObjectId Object = M->Owners.objectOf(Referent, Ctx);
  if (!Object)
    return false;
  const Expr *Callable = callableOf(Node.getArg(1), Ctx);
  bool Found = false;
  if (const auto *Lambda = dyn_cast_or_null<LambdaExpr>(Callable))
    Found = captureReachingObject(Lambda, Object, *M, Ctx, Builder);
  if (const auto *Bind = dyn_cast_or_null<CallExpr>(Callable);
      !Found && Bind && Bind->getNumArgs() >= 2 && Bind->getDirectCallee() &&
      llvm::is_contained(M->Binders,
                         "::" + Bind->getDirectCallee()->getQualifiedNameAsString())) {
    llvm::SmallVector<const Expr *, 4> Bound(Bind->arg_begin() + 1,
                                             Bind->arg_end());
    Found = argumentReachingObject(Bind->getArg(0), Bound, Object, *M, Ctx,
                                   Builder);
    if (Found)
      Builder->setBinding("bound", DynTypedNode::create(*Bind));
  }
  if (!Found && Node.getNumArgs() > 2) {
    llvm::SmallVector<const Expr *, 4> Stored(Node.arg_begin() + 2,
                                              Node.arg_end());
    Found = argumentReachingObject(Node.getArg(1), Stored, Object, *M, Ctx,
                                   Builder);
  }
  if (!Found)
    return false;
  Builder->setBinding("referent", DynTypedNode::create(*Referent));
  bindObject(Object, Builder);
  return true;
}

ObjectId readObject(const BoundNodes &Nodes) {
  ObjectId Object;
  if ((Object.D = Nodes.getNodeAs<NamedDecl>("object-this")))
    Object.Kind = ObjectId::This;
  else if ((Object.D = Nodes.getNodeAs<NamedDecl>("object-var")))
    Object.Kind = ObjectId::Variable;
  else if ((Object.D = Nodes.getNodeAs<NamedDecl>("object-member")))
    Object.Kind = ObjectId::Member;
  return Object;
}
} // namespace

CallbackUsesDeadReferentCheck::CallbackUsesDeadReferentCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      Registrations(Options.get("Registrations", DefaultRegistrations)),
      RawAccessors(Options.get("RawAccessors", DefaultRawAccessors)),
      StrongOwners(Options.get("StrongOwners", ownership::DefaultStrongOwners)),
      WeakReferences(
          Options.get("WeakReferences", ownership::DefaultWeakReferences)),
      Binders(Options.get("Binders", ownership::DefaultBinders)),
      PointerCasts(Options.get("PointerCasts", ownership::DefaultPointerCasts)),
      Names{ownership::Ownership(ownership::OwnershipOptions::parse(
                StrongOwners, WeakReferences, Binders, PointerCasts)),
            utils::options::parseStringList(RawAccessors),
            utils::options::parseStringList(Binders)} {
  // Every report is about the construction of one of these.
  keywords::declare(this, {Registrations});
}

void CallbackUsesDeadReferentCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "Registrations", Registrations);
  Options.store(Opts, "RawAccessors", RawAccessors);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "WeakReferences", WeakReferences);
  Options.store(Opts, "Binders", Binders);
  Options.store(Opts, "PointerCasts", PointerCasts);
}

void CallbackUsesDeadReferentCheck::registerMatchers(MatchFinder *Finder) {
  // weakref::finalize(obj, f, args...), weakref::ref<T>(obj, cb),
  // weakref::proxy<T>(obj, cb): the first argument is the referent, the
  // others run (or are passed) once it is destroyed.
  const auto RegistrationType = matchers::classTypeNamed(
      utils::options::parseStringList(Registrations));
  Finder->addMatcher(
      traverse(TK_AsIs, cxxConstructExpr(hasType(RegistrationType),
                                         reachesReferentRaw(&Names))
                            .bind("registration")),
      this);
}

void CallbackUsesDeadReferentCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto &Nodes = Result.Nodes;
  const auto *Registration = Nodes.getNodeAs<CXXConstructExpr>("registration");
  const auto *Referent = Nodes.getNodeAs<Expr>("referent");
  const auto *Capture = Nodes.getNodeAs<LambdaCapture>("capture");
  const auto *Arg = Nodes.getNodeAs<Expr>("arg");
  const auto *Use = Nodes.getNodeAs<Expr>("use");
  const auto *Alias = Nodes.getNodeAs<VarDecl>("alias");
  const std::string Object = ownership::describe(readObject(Nodes));
  const CXXRecordDecl *Class = Registration->getType()->getAsCXXRecordDecl();
  const unsigned IsCallback =
      Class && Class->getIdentifier() && Class->getName() == "finalize" ? 0 : 1;

  SourceLocation Loc;
  unsigned Form;
  std::string Name;
  bool IsReference = false;
  if (Capture) {
    Loc = Capture->getLocation();
    Form = Capture->isImplicit() ? 1 : 0;
    if (Capture->capturesThis()) {
      Name = "'this' ";
    } else {
      const auto *Var = cast<VarDecl>(Capture->getCapturedVar());
      Name = "'" + Var->getNameAsString() + "' ";
      IsReference = Var->getType()->isReferenceType();
    }
  } else {
    Loc = Arg->getBeginLoc();
    Form = Nodes.getNodeAs<CallExpr>("bound") ? 3 : 2;
    IsReference = !Arg->IgnoreParenImpCasts()->getType()->isPointerType();
  }
  diag(Loc, "%select{capture|implicit capture|argument|bound argument}0 %1"
            "is a raw %select{pointer|reference}2 to the %select{finalizer's|"
            "death callback's}3 referent %4, which is already destroyed when "
            "the %select{finalizer|callback}3 runs; pass the state it needs "
            "by value, or use the address only as a key")
      << Form << Name << (IsReference ? 1 : 0) << IsCallback << Object;
  if (Use)
    diag(Use->getBeginLoc(), "the dead referent is reached through it here",
         DiagnosticIDs::Note)
        << Use->getSourceRange();
  else if (const auto *Member = Nodes.getNodeAs<Expr>("member-pointer"))
    diag(Member->getBeginLoc(),
         "this member function is called on the dead referent",
         DiagnosticIDs::Note)
        << Member->getSourceRange();
  if (Alias)
    diag(Alias->getLocation(), "%0 points into %1", DiagnosticIDs::Note)
        << Alias << Object;
  diag(Referent->getBeginLoc(),
       "the %select{finalizer|death callback}0 is registered for %1 here",
       DiagnosticIDs::Note)
      << IsCallback << Object << Registration->getSourceRange();
}

} // namespace clang::tidy::weakref
