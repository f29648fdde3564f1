//===-- Ownership.cpp - which objects a callable owns ---------------------===//

#include "utils/Ownership.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/WeakrefMatchers.h"
#include "llvm/ADT/STLExtras.h"

namespace clang::tidy::weakref::ownership {

OwnershipOptions OwnershipOptions::parse(llvm::StringRef StrongOwners,
                                         llvm::StringRef WeakReferences,
                                         llvm::StringRef Binders,
                                         llvm::StringRef PointerCasts) {
  return {utils::options::parseStringList(StrongOwners),
          utils::options::parseStringList(WeakReferences),
          utils::options::parseStringList(Binders),
          utils::options::parseStringList(PointerCasts)};
}

using namespace ast_matchers;

namespace {

constexpr unsigned MaxDepth = 6;

bool hasQualifiedName(const NamedDecl *D, llvm::ArrayRef<llvm::StringRef> Names) {
  if (!D)
    return false;
  std::string Qualified = "::" + D->getQualifiedNameAsString();
  return llvm::any_of(Names, [&](llvm::StringRef N) {
    return N == Qualified || (!N.starts_with("::") && ("::" + N).str() == Qualified);
  });
}

const CXXRecordDecl *recordOf(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  if (const auto *RD = T->getAsCXXRecordDecl())
    return RD;
  return nullptr;
}

bool isRecordNamedOrDerived(const CXXRecordDecl *RD,
                            llvm::ArrayRef<llvm::StringRef> Names,
                            bool Derived) {
  if (!RD)
    return false;
  if (hasQualifiedName(RD, Names))
    return true;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (hasQualifiedName(Spec->getSpecializedTemplate(), Names))
      return true;
  if (!Derived || !RD->hasDefinition())
    return false;
  for (const CXXBaseSpecifier &Base : RD->bases())
    if (isRecordNamedOrDerived(recordOf(Base.getType()), Names, true))
      return true;
  return false;
}

/// The class an owner type points to: T for shared_ptr<T>.
const CXXRecordDecl *pointeeClass(QualType OwnerType) {
  const auto *Spec =
      dyn_cast_or_null<ClassTemplateSpecializationDecl>(recordOf(OwnerType));
  if (!Spec || Spec->getTemplateArgs().size() < 1 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return nullptr;
  return recordOf(Spec->getTemplateArgs()[0].getAsType());
}

/// The class of the object a member call is made on.
const CXXRecordDecl *objectClass(const Expr *ObjectArg) {
  QualType T = ObjectArg->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return recordOf(T);
}

bool related(const CXXRecordDecl *A, const CXXRecordDecl *B) {
  if (!A || !B)
    return false;
  A = A->getCanonicalDecl();
  B = B->getCanonicalDecl();
  if (A == B)
    return true;
  return (A->hasDefinition() && A->isDerivedFrom(B)) ||
         (B->hasDefinition() && B->isDerivedFrom(A));
}

const Expr *strip(const Expr *E) {
  while (true) {
    const Expr *Next =
        matchers::ignoreTemporaryWrappers(E)->IgnoreParenImpCasts();
    if (const auto *Call = dyn_cast<CallExpr>(Next);
        Call && Call->getNumArgs() == 1 && !isa<CXXOperatorCallExpr>(Call))
      if (const auto *FD = Call->getDirectCallee();
          FD && FD->isInStdNamespace() && FD->getIdentifier() &&
          (FD->getName() == "move" || FD->getName() == "forward"))
        Next = Call->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
}

} // namespace

const char DefaultStrongOwners[] =
    "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr;::pybind11::object";
const char DefaultWeakReferences[] =
    "::std::weak_ptr;::std::__weak_ptr;::boost::weak_ptr;::weakref::ref";
const char DefaultBinders[] =
    "::std::bind;::std::bind_front;::std::bind_back;::boost::bind;"
    "::boost::beast::bind_front_handler;::boost::beast::bind_handler;"
    "::asio::bind_executor;::boost::asio::bind_executor";
const char DefaultPointerCasts[] =
    "::std::static_pointer_cast;::std::dynamic_pointer_cast;"
    "::std::const_pointer_cast;::boost::static_pointer_cast;"
    "::boost::dynamic_pointer_cast;::boost::const_pointer_cast";

std::vector<std::string> splitList(llvm::StringRef Option) {
  std::vector<std::string> Out;
  for (llvm::StringRef S : utils::options::parseStringList(Option))
    if (!S.trim().empty())
      Out.push_back(S.trim().str());
  return Out;
}

bool isClassNamed(QualType T, llvm::ArrayRef<llvm::StringRef> Names) {
  return isRecordNamedOrDerived(recordOf(T), Names, false);
}

bool Ownership::isStrongOwner(QualType T) const {
  return isRecordNamedOrDerived(recordOf(T), Opts.StrongOwners, true);
}

bool Ownership::isWeakReference(QualType T) const {
  if (T->isPointerType())
    T = T->getPointeeType();
  return isRecordNamedOrDerived(recordOf(T), Opts.WeakReferences, false);
}

bool isNeverReassigned(const VarDecl *V, ASTContext &Ctx) {
  const auto *FD = dyn_cast_or_null<FunctionDecl>(V->getParentFunctionOrMethod());
  if (!FD || !FD->getBody())
    return false;
  const auto Ref = ignoringParenImpCasts(declRefExpr(to(varDecl(equalsNode(V)))));
  const auto Change = expr(anyOf(
      cxxOperatorCallExpr(isAssignmentOperator(), hasArgument(0, Ref)),
      binaryOperator(isAssignmentOperator(), hasLHS(Ref)),
      cxxMemberCallExpr(on(Ref), callee(cxxMethodDecl(hasAnyName("reset", "swap")))),
      callExpr(callee(functionDecl(hasAnyName("::std::swap", "::std::exchange",
                                              "::boost::swap"))),
               hasAnyArgument(Ref))));
  return match(findAll(Change.bind("change")), *FD->getBody(), Ctx).empty();
}

ObjectId Ownership::objectOf(const Expr *E, ASTContext &Ctx,
                             const Expr **Origin, const VarDecl **Alias) const {
  return objectOfImpl(E, Ctx, Origin, Alias, 0);
}

ObjectId Ownership::objectOfVar(const VarDecl *V, ASTContext &Ctx,
                                const Expr **Origin, const VarDecl **Alias,
                                unsigned Depth) const {
  // [self = shared_from_this()] and `auto self = shared_from_this();`
  // denote what their initializer denotes.
  bool LocalCopy = V->isLocalVarDecl() && !V->isStaticLocal() &&
                   isStrongOwner(V->getType()) && isNeverReassigned(V, Ctx);
  if ((V->isInitCapture() || LocalCopy) && V->getInit()) {
    const VarDecl *Inner = nullptr;
    const Expr *Saved = Origin ? *Origin : nullptr;
    ObjectId Id = objectOfImpl(V->getInit(), Ctx, Origin, &Inner, Depth + 1);
    if (!Id && Origin)
      *Origin = Saved;
    if (Id) {
      if (Alias && !V->isInitCapture())
        *Alias = V;
      else if (Alias)
        *Alias = Inner;
      return Id;
    }
  }
  if (isa<ParmVarDecl>(V) || V->hasGlobalStorage() || V->isLocalVarDecl() ||
      V->isInitCapture())
    return {ObjectId::Variable, V->getCanonicalDecl()};
  return {};
}

ObjectId Ownership::objectOfImpl(const Expr *E, ASTContext &Ctx,
                                 const Expr **Origin, const VarDecl **Alias,
                                 unsigned Depth) const {
  if (!E || Depth > MaxDepth)
    return {};
  E = strip(E);
  if (Origin)
    *Origin = E;
  // A copy, move or conversion of an owner (shared_ptr<Base> from
  // shared_ptr<Derived>, py::handle from py::object); an owner made from a
  // weak reference.
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
      Construct && Construct->getNumArgs() >= 1 &&
      !isa<CXXDefaultArgExpr>(Construct->getArg(0))) {
    if (Construct->getNumArgs() > 1 &&
        !isa<CXXDefaultArgExpr>(Construct->getArg(1)))
      return {};
    const Expr *Arg = Construct->getArg(0)->IgnoreParenImpCasts();
    if (isWeakReference(Arg->getType()))
      return objectOfWeak(Arg, Ctx, Origin, Alias, Depth + 1);
    if (isStrongOwner(Arg->getType()))
      return objectOfImpl(Arg, Ctx, Origin, Alias, Depth + 1);
    return {};
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
      return objectOfVar(V, Ctx, Origin, Alias, Depth);
    return {};
  }
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(Member->getMemberDecl());
    if (Field && isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()) &&
        isStrongOwner(Field->getType()))
      return {ObjectId::Member, Field};
    return {};
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    const Expr *Object = Call->getImplicitObjectArgument();
    if (!Method || !Object)
      return {};
    if (Method->getIdentifier() && Method->getName() == "lock" &&
        isWeakReference(Object->getType()))
      return objectOfWeak(Object, Ctx, Origin, Alias, Depth + 1);
    // shared_from_this(), websocketpp's get_shared(): a member function
    // returning an owner of its own class yields the object it is called on.
    if (isStrongOwner(Method->getReturnType()) &&
        related(pointeeClass(Method->getReturnType()), objectClass(Object)))
      return objectOfObjectArgument(Object, Ctx, nullptr, Alias, Depth + 1);
    return {};
  }
  if (const auto *Call = dyn_cast<CallExpr>(E);
      Call && Call->getNumArgs() == 1 && !isa<CXXOperatorCallExpr>(Call))
    if (hasQualifiedName(Call->getDirectCallee(), Opts.PointerCasts))
      return objectOfImpl(Call->getArg(0), Ctx, nullptr, Alias, Depth + 1);
  return {};
}

ObjectId Ownership::objectOfWeak(const Expr *E, ASTContext &Ctx,
                                 const Expr **Origin, const VarDecl **Alias,
                                 unsigned Depth) const {
  if (Depth > MaxDepth)
    return {};
  E = strip(E);
  // weak_from_this(): a member function returning a weak reference to its
  // own class.
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    const Expr *Object = Call->getImplicitObjectArgument();
    if (Method && Object && isWeakReference(Method->getReturnType()) &&
        related(pointeeClass(Method->getReturnType()), objectClass(Object)))
      return objectOfObjectArgument(Object, Ctx, nullptr, Alias, Depth + 1);
  }
  return {};
}

ObjectId Ownership::objectOfObjectArgument(const Expr *E, ASTContext &Ctx,
                                           const Expr **Origin,
                                           const VarDecl **Alias,
                                           unsigned Depth) const {
  E = E->IgnoreParenImpCasts();
  if (const auto *This = dyn_cast<CXXThisExpr>(E))
    return {ObjectId::This, objectClass(This)};
  if (const auto *Deref = dyn_cast<UnaryOperator>(E);
      Deref && Deref->getOpcode() == UO_Deref)
    return objectOfObjectArgument(Deref->getSubExpr(), Ctx, Origin, Alias,
                                  Depth + 1);
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
      Op && Op->getNumArgs() >= 1 &&
      (Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
      isStrongOwner(Op->getArg(0)->IgnoreParenImpCasts()->getType()))
    return objectOfImpl(Op->getArg(0), Ctx, Origin, Alias, Depth + 1);
  return {};
}

llvm::SmallVector<ObjectId, 2> Ownership::holdersOf(const Expr *Storage,
                                                    ASTContext &Ctx) const {
  llvm::SmallVector<ObjectId, 2> Holders;
  const Expr *E = Storage;
  for (unsigned Depth = 0; E && Depth <= MaxDepth; ++Depth) {
    E = E->IgnoreParenImpCasts();
    const Expr *Next = nullptr;
    if (const auto *This = dyn_cast<CXXThisExpr>(E)) {
      Holders.push_back({ObjectId::This, objectClass(This)});
    } else if (const auto *Member = dyn_cast<MemberExpr>(E)) {
      const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
      // A value member belongs to its object; `p->x` to the object `p`
      // owns when `p` is a strong owner (or `this`). A raw pointer owns
      // nothing.
      if (!Member->isArrow() || isa<CXXThisExpr>(Base) ||
          isa<CXXOperatorCallExpr>(Base))
        Next = Base;
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
          Op->getNumArgs() >= 1) {
        const Expr *Pointer = Op->getArg(0);
        if (ObjectId Id = objectOf(Pointer, Ctx))
          Holders.push_back(Id);
        Next = Pointer;
      } else if (Op->getOperator() == OO_Subscript) {
        Next = Op->getArg(0);
      }
    } else if (const auto *Deref = dyn_cast<UnaryOperator>(E);
               Deref && Deref->getOpcode() == UO_Deref &&
               isa<CXXThisExpr>(Deref->getSubExpr()->IgnoreParenImpCasts())) {
      Next = Deref->getSubExpr();
    }
    E = Next;
  }
  return Holders;
}

std::optional<Holding> Ownership::findHolding(const Expr *Callable,
                                              llvm::ArrayRef<ObjectId> Objects,
                                              ASTContext &Ctx,
                                              bool AllowDirect,
                                              unsigned Depth) const {
  if (!Callable || Depth > MaxDepth || Objects.empty())
    return std::nullopt;
  const Expr *E = strip(Callable);
  if (AllowDirect && isStrongOwner(E->getType())) {
    Holding H;
    H.Kind = Holding::Direct;
    H.Arg = E;
    H.Object = objectOf(E, Ctx, &H.Origin, &H.Alias);
    if (H.Object && llvm::is_contained(Objects, H.Object))
      return H;
    return std::nullopt;
  }
  if (const auto *Lambda = dyn_cast<LambdaExpr>(E)) {
    for (const LambdaCapture &Capture : Lambda->captures()) {
      if (!Capture.capturesVariable() || Capture.getCaptureKind() != LCK_ByCopy)
        continue;
      const auto *V = dyn_cast<VarDecl>(Capture.getCapturedVar());
      if (!V || !isStrongOwner(V->getType()))
        continue;
      Holding H;
      H.Kind = Holding::Captured;
      H.Lambda = Lambda;
      H.Capture = &Capture;
      H.Object = objectOfVar(V, Ctx, &H.Origin, &H.Alias, 0);
      if (H.Object && llvm::is_contained(Objects, H.Object))
        return H;
    }
    return std::nullopt;
  }
  if (const auto *Call = dyn_cast<CallExpr>(E);
      Call && !isa<CXXOperatorCallExpr>(Call) &&
      hasQualifiedName(Call->getDirectCallee(), Opts.Binders)) {
    for (const Expr *Arg : Call->arguments()) {
      std::optional<Holding> H =
          findHolding(Arg, Objects, Ctx, /*AllowDirect=*/true, Depth + 1);
      if (!H)
        continue;
      if (H->Kind == Holding::Direct)
        H->Kind = Holding::Bound;
      return H;
    }
    return std::nullopt;
  }
  // std::function, boost::function, py::cpp_function, a pair built from a
  // callable: the constructed object stores what it is built from.
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    for (const Expr *Arg : Construct->arguments())
      if (std::optional<Holding> H =
              findHolding(Arg, Objects, Ctx, /*AllowDirect=*/false, Depth + 1))
        return H;
    return std::nullopt;
  }
  if (const auto *List = dyn_cast<InitListExpr>(E)) {
    for (const Expr *Init : List->inits())
      if (std::optional<Holding> H =
              findHolding(Init, Objects, Ctx, /*AllowDirect=*/false, Depth + 1))
        return H;
    return std::nullopt;
  }
  // `auto cb = [self]{...}; handler_ = cb;`
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl());
        V && V->isLocalVarDecl() && !V->isStaticLocal() && V->getInit() &&
        !isStrongOwner(V->getType()) && isNeverReassigned(V, Ctx))
      return findHolding(V->getInit(), Objects, Ctx, /*AllowDirect=*/false,
                         Depth + 1);
  return std::nullopt;
}

void bindHolding(const Holding &H,
                 ast_matchers::internal::BoundNodesTreeBuilder *Builder) {
  auto Bind = [&](llvm::StringRef ID, const auto &Node) {
    Builder->setBinding(ID.str(), DynTypedNode::create(Node));
  };
  if (H.Lambda) {
    Bind("lambda", *H.Lambda);
    Bind("capture", *H.Capture);
  }
  if (H.Arg) {
    Bind("holder-arg", *H.Arg);
    Bind(H.Kind == Holding::Bound ? "bound" : "direct", *H.Arg);
  }
  if (H.Origin)
    Bind("origin", *H.Origin);
  if (H.Alias)
    Bind("alias", *H.Alias);
  if (H.Object.D)
    Bind(H.Object.Kind == ObjectId::This       ? "object-this"
         : H.Object.Kind == ObjectId::Variable ? "object-var"
                                               : "object-member",
         *H.Object.D);
}

Holding readHolding(const ast_matchers::BoundNodes &Nodes) {
  Holding H;
  H.Lambda = Nodes.getNodeAs<LambdaExpr>("lambda");
  H.Capture = Nodes.getNodeAs<LambdaCapture>("capture");
  H.Arg = Nodes.getNodeAs<Expr>("holder-arg");
  H.Kind = H.Lambda ? Holding::Captured
           : Nodes.getNodeAs<Expr>("bound") ? Holding::Bound
                                            : Holding::Direct;
  H.Origin = Nodes.getNodeAs<Expr>("origin");
  H.Alias = Nodes.getNodeAs<VarDecl>("alias");
  if ((H.Object.D = Nodes.getNodeAs<NamedDecl>("object-this")))
    H.Object.Kind = ObjectId::This;
  else if ((H.Object.D = Nodes.getNodeAs<NamedDecl>("object-var")))
    H.Object.Kind = ObjectId::Variable;
  else if ((H.Object.D = Nodes.getNodeAs<NamedDecl>("object-member")))
    H.Object.Kind = ObjectId::Member;
  return H;
}

std::string describe(const ObjectId &Object) {
  switch (Object.Kind) {
  case ObjectId::Variable:
    return "'" + Object.D->getNameAsString() + "'";
  case ObjectId::This:
    return Object.D ? "the '" + Object.D->getNameAsString() + "' object"
                    : "'*this'";
  case ObjectId::Member:
    return "the object of member '" + Object.D->getNameAsString() + "'";
  case ObjectId::Unknown:
    break;
  }
  return "the object";
}

} // namespace clang::tidy::weakref::ownership
