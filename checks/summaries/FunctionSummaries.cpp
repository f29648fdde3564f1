//===-- FunctionSummaries.cpp - what a function does with its object and parameters -===//

#include "summaries/FunctionSummaries.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

namespace clang::tidy::weakref::summaries {

namespace {

/// Recursion guard for summaries that need summaries of their callees.
constexpr unsigned MaxNesting = 64;

bool nameIn(llvm::StringRef Name, const std::vector<std::string> &List) {
  for (const std::string &N : List)
    if (N == Name)
      return true;
  return false;
}

std::string qualifiedName(const NamedDecl *D) {
  return "::" + D->getQualifiedNameAsString();
}

/// Whether \p RD is, or is a specialisation of, a class named in \p Names.
bool isClassIn(const CXXRecordDecl *RD, const std::vector<std::string> &Names) {
  if (!RD)
    return false;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    RD = Spec->getSpecializedTemplate()->getTemplatedDecl();
  return nameIn(qualifiedName(RD), Names);
}

const Expr *ignoreWrappers(const Expr *E) {
  while (true) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(Next))
      Next = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(Next))
      Next = B->getSubExpr();
    else if (const auto *C = dyn_cast<ExprWithCleanups>(Next))
      Next = C->getSubExpr();
    else if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(Next))
      Next = F->getSubExpr();
    if (Next == E)
      return E;
    E = Next;
  }
}

/// std::move(x) / std::forward<T>(x) -> x.
const Expr *ignoreMove(const Expr *E) {
  if (const auto *Call = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *F = Call->getDirectCallee();
        F && Call->getNumArgs() == 1 && F->isInStdNamespace() &&
        F->getIdentifier() &&
        (F->getName() == "move" || F->getName() == "forward"))
      return Call->getArg(0);
  return E;
}

/// Strips wrappers, moves, copies and casts that do not change which object
/// an expression denotes.
const Expr *denoted(const Expr *E) {
  while (true) {
    const Expr *Next = ignoreMove(ignoreWrappers(E));
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(Next);
        Cast && (Cast->getType()->isPointerType() ||
                 Cast->getTypeAsWritten()->isReferenceType()))
      Next = Cast->getSubExpr();
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Next);
             Construct && Construct->getNumArgs() == 1 &&
             (Construct->getConstructor()->isCopyOrMoveConstructor()))
      Next = Construct->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
}

bool isThis(const Expr *E) { return isa<CXXThisExpr>(denoted(E)); }

const FunctionDecl *definitionOf(const FunctionDecl *FD) {
  if (!FD)
    return nullptr;
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def) || !Def || !Def->doesThisDeclarationHaveABody())
    return nullptr;
  return Def;
}

/// Where a storage location or a call's object lives.
struct Root {
  enum KindTy { Other, This, Param, Global } Kind = Other;
  int Index = -1;      ///< Param
  unsigned Levels = 0; ///< member accesses / dereferences on the way
};

} // namespace

llvm::StringRef kindName(FactKind K) {
  switch (K) {
  case FactKind::StoresParam:
    return "stores-param";
  case FactKind::DerefsParam:
    return "derefs-param";
  case FactKind::SharedFromThis:
    return "shared-from-this";
  case FactKind::ReleasesObject:
    return "releases-object";
  case FactKind::ThisEscapes:
    return "this-escapes";
  }
  return "";
}

std::optional<FactKind> kindFromName(llvm::StringRef Name) {
  for (FactKind K : {FactKind::StoresParam, FactKind::DerefsParam,
                     FactKind::SharedFromThis, FactKind::ReleasesObject,
                     FactKind::ThisEscapes})
    if (kindName(K) == Name)
      return K;
  return std::nullopt;
}

const Fact *FunctionSummary::find(FactKind K, std::optional<int> Param) const {
  for (const Fact &F : Facts)
    if (F.Kind == K && (!Param || F.Param == *Param))
      return &F;
  return nullptr;
}

Options Options::forOwnerChecks(llvm::StringRef EnableSharedFromThis,
                                llvm::StringRef StrongOwners,
                                unsigned MaxDepth) {
  Options O;
  O.MaxDepth = MaxDepth;
  O.EnableSharedFromThis = splitOption(EnableSharedFromThis);
  O.StrongOwners = splitOption(StrongOwners);
  return O;
}

std::vector<std::string> splitOption(llvm::StringRef List) {
  std::vector<std::string> Result;
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  List.split(Parts, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef P : Parts)
    if (!P.trim().empty())
      Result.push_back(P.trim().str());
  return Result;
}

std::string usrOf(const Decl *D) {
  llvm::SmallString<128> Buf;
  if (!D || index::generateUSRForDecl(D, Buf))
    return "";
  return std::string(Buf);
}

std::string locationString(SourceLocation Loc, const SourceManager &SM) {
  if (Loc.isInvalid())
    return "";
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Loc));
  if (P.isInvalid())
    return "";
  return std::string(P.getFilename()) + ":" + std::to_string(P.getLine()) +
         ":" + std::to_string(P.getColumn());
}

/// Computes one function's summary; asks the owner for its callees'.
class FunctionSummaries::Builder {
public:
  Builder(FunctionSummaries &Owner, const FunctionDecl *FD, ASTContext &Ctx,
          FunctionSummary &Out)
      : Owner(Owner), Opts(Owner.Opts), FD(FD), Ctx(Ctx),
        SM(Ctx.getSourceManager()), Out(Out) {
    for (unsigned I = 0; I < FD->getNumParams(); ++I)
      Params[FD->getParamDecl(I)] = I;
    Derefs.resize(FD->getNumParams());
    if (const auto *Method = dyn_cast<CXXMethodDecl>(FD))
      Class = Method->getParent();
  }

  void run() {
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
      for (const CXXCtorInitializer *Init : Ctor->inits()) {
        if (!Init->getInit() || !Init->isWritten())
          continue;
        walk(Init->getInit(), false);
        if (const FieldDecl *Field = Init->getAnyMember())
          if (std::optional<int> P = carriedParam(Init->getInit()))
            addFact({FactKind::StoresParam, *P, -1,
                     "'" + Field->getNameAsString() + "'", "",
                     Init->getSourceLocation(), Init->getInit(), {}});
      }
    walk(FD->getBody(), false);
    // A parameter that is dereferenced and never tested, compared,
    // reassigned or otherwise looked at.
    for (auto &[Param, Index] : Params) {
      const DerefInfo &D = Derefs[Index];
      if (!D.Loc.isValid() || D.OtherUse)
        continue;
      addFact({FactKind::DerefsParam, static_cast<int>(Index), -1,
               "'" + Param->getNameAsString() + "'", "", D.Loc, nullptr,
               D.Chain});
    }
    for (Fact &F : Out.Facts)
      F.Location = locationString(F.Loc, SM);
  }

private:
  struct DerefInfo {
    SourceLocation Loc;
    std::vector<Step> Chain;
    bool OtherUse = false;
  };

  std::optional<int> paramIndex(const Expr *E) const {
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *P = dyn_cast<ParmVarDecl>(Ref->getDecl())) {
        auto It = Params.find(P);
        if (It != Params.end())
          return It->second;
      }
      if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
        auto It = Aliases.find(V);
        if (It != Aliases.end())
          return It->second;
      }
    }
    return std::nullopt;
  }

  /// The parameter whose value \p E carries: the parameter itself, a move
  /// or copy of it, a local initialised from it, a lambda capturing it, a
  /// callable or aggregate built from it.
  std::optional<int> carriedParam(const Expr *E, unsigned Depth = 0) const {
    if (!E || Depth > 4)
      return std::nullopt;
    E = denoted(E);
    if (std::optional<int> P = paramIndex(E))
      return P;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(E)) {
      for (const LambdaCapture &C : Lambda->captures()) {
        if (!C.capturesVariable())
          continue;
        const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
        if (!V)
          continue;
        if (const auto *P = dyn_cast<ParmVarDecl>(V); P && Params.count(P))
          return Params.lookup(P);
        if (V->isInitCapture() && V->getInit())
          if (std::optional<int> P = carriedParam(V->getInit(), Depth + 1))
            return P;
        if (auto It = Aliases.find(V); It != Aliases.end())
          return It->second;
      }
      return std::nullopt;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      for (const Expr *Arg : Construct->arguments())
        if (std::optional<int> P = carriedParam(Arg, Depth + 1))
          return P;
      return std::nullopt;
    }
    if (const auto *Init = dyn_cast<InitListExpr>(E)) {
      for (const Expr *Arg : Init->inits())
        if (std::optional<int> P = carriedParam(Arg, Depth + 1))
          return P;
      return std::nullopt;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E))
      if (const FunctionDecl *Callee = Call->getDirectCallee();
          Callee && Callee->getIdentifier() &&
          (Callee->getName().starts_with("bind") ||
           Callee->getName().starts_with("make_pair") ||
           Callee->getName().starts_with("make_tuple") ||
           Callee->getName() == "bind_front_handler"))
        for (const Expr *Arg : Call->arguments())
          if (std::optional<int> P = carriedParam(Arg, Depth + 1))
            return P;
    return std::nullopt;
  }

  /// Whether \p E is `this` or an owner of it (shared_from_this()).
  bool carriesThis(const Expr *E) const {
    E = denoted(E);
    if (isa<CXXThisExpr>(E))
      return true;
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E))
      return ownerRequestOn(Call) == std::optional<int>(-1);
    return false;
  }

  Root variableRoot(const DeclRefExpr *Ref, unsigned Levels) const {
    if (std::optional<int> P = paramIndex(Ref);
        P && isa<ParmVarDecl>(Ref->getDecl()))
      return {Root::Param, *P, Levels};
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl());
        V && V->hasGlobalStorage())
      return {Root::Global, -1, Levels};
    return {Root::Other, -1, Levels};
  }

  /// Where the object an lvalue expression denotes lives; Levels counts
  /// the member accesses on the way (`this->a_.b_` is This with 2).
  Root rootOf(const Expr *E, unsigned Levels = 0) const {
    E = ignoreWrappers(E);
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return variableRoot(Ref, Levels);
    if (const auto *Member = dyn_cast<MemberExpr>(E))
      return Member->isArrow() ? pointeeRoot(Member->getBase(), Levels + 1)
                               : rootOf(Member->getBase(), Levels + 1);
    if (const auto *Sub = dyn_cast<ArraySubscriptExpr>(E))
      return rootOf(Sub->getBase(), Levels);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (Op->getOperator() == OO_Subscript && Op->getNumArgs() >= 1)
        return rootOf(Op->getArg(0), Levels);
      if ((Op->getOperator() == OO_Star || Op->getOperator() == OO_Arrow) &&
          Op->getNumArgs() == 1)
        return rootOf(Op->getArg(0), Levels);
      return {Root::Other, -1, Levels};
    }
    if (const auto *Deref = dyn_cast<UnaryOperator>(E);
        Deref && Deref->getOpcode() == UO_Deref)
      return pointeeRoot(Deref->getSubExpr(), Levels);
    return {Root::Other, -1, Levels};
  }

  /// Where the object a pointer expression points to lives: `this`, a
  /// pointer parameter, a smart pointer member (owned); a raw pointer
  /// member or local points to some other object.
  Root pointeeRoot(const Expr *E, unsigned Levels) const {
    E = denoted(E);
    if (isa<CXXThisExpr>(E))
      return {Root::This, -1, Levels};
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return variableRoot(Ref, Levels);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
        Op && Op->getOperator() == OO_Arrow && Op->getNumArgs() == 1)
      return rootOf(Op->getArg(0), Levels);
    if (const auto *Get = dyn_cast<CXXMemberCallExpr>(E);
        Get && Get->getMethodDecl() && Get->getMethodDecl()->getIdentifier() &&
        Get->getMethodDecl()->getName() == "get" &&
        Get->getImplicitObjectArgument())
      return rootOf(Get->getImplicitObjectArgument(), Levels);
    if (const auto *Addr = dyn_cast<UnaryOperator>(E);
        Addr && Addr->getOpcode() == UO_AddrOf)
      return rootOf(Addr->getSubExpr(), Levels);
    return {Root::Other, -1, Levels};
  }

  /// Where the object a call's callee works on lives, given the argument
  /// (or object expression) \p E for a parameter of type \p T.
  Root argumentRoot(const Expr *E, QualType T) const {
    return T->isPointerType() ? pointeeRoot(E, 0) : rootOf(E);
  }

  /// -1 if \p Call asks for a strong owner of `*this`, the parameter index
  /// if of a parameter's object, nothing otherwise.
  std::optional<int> ownerRequestOn(const CXXMemberCallExpr *Call) const {
    const CXXMethodDecl *M = Call->getMethodDecl();
    if (!M || !M->getIdentifier() || !Call->getImplicitObjectArgument())
      return std::nullopt;
    const Expr *Object = Call->getImplicitObjectArgument();
    if (M->getName() == "lock") {
      const auto *Weak = dyn_cast<CXXMemberCallExpr>(ignoreWrappers(Object));
      if (!Weak || !Weak->getMethodDecl() ||
          !Weak->getMethodDecl()->getIdentifier() ||
          Weak->getMethodDecl()->getName() != "weak_from_this")
        return std::nullopt;
      return objectOfOwnerRequest(Weak);
    }
    if (M->getName() != "shared_from_this")
      return std::nullopt;
    return objectOfOwnerRequest(Call);
  }

  std::optional<int> objectOfOwnerRequest(const CXXMemberCallExpr *Call) const {
    if (!isClassIn(Call->getMethodDecl()->getParent(),
                   Opts.EnableSharedFromThis))
      return std::nullopt;
    const Expr *Object = denoted(Call->getImplicitObjectArgument());
    if (isa<CXXThisExpr>(Object))
      return -1;
    if (std::optional<int> P = paramIndex(Object);
        P && isa<ParmVarDecl>(cast<DeclRefExpr>(Object)->getDecl()))
      return P;
    return std::nullopt;
  }

  std::string text(const Expr *E) const {
    std::string S =
        Lexer::getSourceText(CharSourceRange::getTokenRange(E->getSourceRange()),
                             SM, Ctx.getLangOpts())
            .str();
    if (S.empty() || S.size() > 60 || S.find('\n') != std::string::npos)
      return "";
    return S;
  }

  void addFact(Fact F) {
    if (F.Chain.size() > Opts.MaxDepth)
      return;
    for (Fact &Old : Out.Facts)
      if (Old.Kind == F.Kind && Old.Param == F.Param &&
          Old.IntoParam == F.IntoParam) {
        if (F.Chain.size() < Old.Chain.size())
          Old = std::move(F);
        return;
      }
    Out.Facts.push_back(std::move(F));
  }

  /// Whether \p V is a member strong owner of the function's own class.
  bool isSelfKeepAlive(const Expr *E) const {
    const auto *Member = dyn_cast<MemberExpr>(ignoreWrappers(E));
    if (!Member || !Class || !isThis(Member->getBase()))
      return false;
    const auto *Owner =
        Member->getType().getNonReferenceType()->getAsCXXRecordDecl();
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(Owner);
    if (!Spec || !isClassIn(Spec, Opts.StrongOwners) ||
        Spec->getTemplateArgs().size() < 1 ||
        Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
      return false;
    const CXXRecordDecl *Pointee =
        Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
    if (!Pointee)
      return false;
    Pointee = Pointee->getCanonicalDecl();
    const CXXRecordDecl *Own = Class->getCanonicalDecl();
    return Pointee == Own ||
           (Own->hasDefinition() && Own->isDerivedFrom(Pointee)) ||
           (Pointee->hasDefinition() && Pointee->isDerivedFrom(Own));
  }

  void noteDeref(const Expr *Pointer, bool Cond) {
    const auto *Ref = dyn_cast<DeclRefExpr>(Pointer->IgnoreParenImpCasts());
    if (!Ref)
      return;
    const auto *P = dyn_cast<ParmVarDecl>(Ref->getDecl());
    if (!P || !Params.count(P))
      return;
    Neutral.insert(Ref);
    DerefInfo &D = Derefs[Params.lookup(P)];
    if (!Cond && D.Loc.isInvalid()) {
      D.Loc = Ref->getBeginLoc();
      D.Chain.clear();
    }
  }

  Step stepFor(const Expr *Call, const FunctionDecl *Callee) const {
    return {qualifiedName(Callee).substr(2), usrOf(Callee),
            locationString(Call->getExprLoc(), SM), Call->getExprLoc(),
            Callee, Call};
  }

  /// Facts of a callee with a visible body, seen through the call.
  void applyCallee(const CallExpr *Call, const FunctionDecl *Callee,
                   std::optional<Root> Object, bool Cond) {
    const FunctionSummary *S = Owner.getNested(Callee, Ctx);
    if (!S)
      return;
    const Step Here = stepFor(Call, Callee);
    const unsigned FirstArg = isa<CXXOperatorCallExpr>(Call) &&
                                      isa<CXXMethodDecl>(Callee) ? 1 : 0;
    const auto ArgAt = [&](int K) -> const Expr * {
      unsigned I = FirstArg + static_cast<unsigned>(K);
      return K >= 0 && I < Call->getNumArgs() ? Call->getArg(I) : nullptr;
    };
    const auto Through = [&](const Fact &F, FactKind K, int Param, int Into) {
      Fact N = F;
      N.Kind = K;
      N.Param = Param;
      N.IntoParam = Into;
      N.Chain.insert(N.Chain.begin(), Here);
      addFact(std::move(N));
    };
    // Where the callee's `this`, or its parameter K's object, is for us.
    const auto ObjectOf = [&](int K) -> std::optional<Root> {
      if (K < 0)
        return Object;
      if (const Expr *A = ArgAt(K);
          A && static_cast<unsigned>(K) < Callee->getNumParams())
        return argumentRoot(A, Callee->getParamDecl(K)->getType());
      return std::nullopt;
    };
    for (const Fact &F : S->Facts) {
      switch (F.Kind) {
      case FactKind::StoresParam: {
        const Expr *A = ArgAt(F.Param);
        std::optional<Root> Target = ObjectOf(F.IntoParam);
        if (!A || !Target)
          break;
        std::optional<int> P = carriedParam(A);
        if (!P)
          break;
        if (Target->Kind == Root::This)
          Through(F, FactKind::StoresParam, *P, -1);
        else if (Target->Kind == Root::Param)
          Through(F, FactKind::StoresParam, *P, Target->Index);
        break;
      }
      case FactKind::DerefsParam: {
        const Expr *A = ArgAt(F.Param);
        if (!A)
          break;
        const auto *Ref = dyn_cast<DeclRefExpr>(denoted(A));
        const auto *P = Ref ? dyn_cast<ParmVarDecl>(Ref->getDecl()) : nullptr;
        if (!P || !Params.count(P))
          break;
        // Handing it to a callee that dereferences it is no test of it.
        Neutral.insert(Ref);
        if (Cond)
          break;
        DerefInfo &D = Derefs[Params.lookup(P)];
        if (D.Loc.isInvalid() ||
            (!D.Chain.empty() && D.Chain.size() > F.Chain.size() + 1)) {
          D.Loc = F.Loc.isValid() ? F.Loc : Call->getExprLoc();
          D.Chain = F.Chain;
          D.Chain.insert(D.Chain.begin(), Here);
        }
        break;
      }
      case FactKind::SharedFromThis: {
        std::optional<Root> Target = ObjectOf(F.Param);
        if (!Target || Target->Levels != 0)
          break;
        if (Target->Kind == Root::This)
          Through(F, FactKind::SharedFromThis, -1, -1);
        else if (Target->Kind == Root::Param)
          Through(F, FactKind::SharedFromThis, Target->Index, -1);
        break;
      }
      case FactKind::ReleasesObject:
      case FactKind::ThisEscapes:
        if (Object && Object->Kind == Root::This && Object->Levels == 0)
          Through(F, F.Kind, -1, -1);
        break;
      }
    }
  }

  void visitCall(const CallExpr *Call, bool Cond) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee)
      return;
    std::optional<Root> Object;
    const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(Call);
    if (MemberCall && MemberCall->getImplicitObjectArgument()) {
      const Expr *O = MemberCall->getImplicitObjectArgument();
      const auto *ME = dyn_cast<MemberExpr>(MemberCall->getCallee()->IgnoreParens());
      if (ME && ME->isArrow()) {
        Object = pointeeRoot(O, 0);
        noteDeref(O, Cond);
      } else {
        Object = rootOf(O);
      }
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call)) {
      if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
          Op->getNumArgs() == 1)
        noteDeref(Op->getArg(0), Cond);
      if (isa<CXXMethodDecl>(Callee) && Op->getNumArgs() >= 1)
        Object = rootOf(Op->getArg(0));
      if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
        visitAssignment(Op->getArg(0), Op->getArg(1), Op);
      if (Op->getOperator() == OO_PlusEqual && Op->getNumArgs() == 2)
        visitStoringCall(Op, rootOf(Op->getArg(0)), {Op->getArg(1)});
    }
    if (MemberCall) {
      if (std::optional<int> On = ownerRequestOn(MemberCall)) {
        std::string What = MemberCall->getMethodDecl()->getName() == "lock"
                               ? "'weak_from_this().lock()'"
                               : "'shared_from_this()'";
        addFact({FactKind::SharedFromThis, *On, -1, What, "",
                 MemberCall->getExprLoc(), MemberCall, {}});
      }
      if (Callee->getIdentifier() &&
          (Callee->getName() == "reset" || Callee->getName() == "swap") &&
          isSelfKeepAlive(MemberCall->getImplicitObjectArgument()))
        addFact({FactKind::ReleasesObject, -1, -1,
                 "'" + text(MemberCall) + "'", "", MemberCall->getExprLoc(), MemberCall, {}});
    }
    const FunctionDecl *Def = definitionOf(Callee);
    const bool Visible = Def && !SM.isInSystemHeader(Def->getLocation());
    if (Visible) {
      applyCallee(Call, Def, Object, Cond);
      return;
    }
    if (MemberCall && Object && Callee->getIdentifier() &&
        nameIn(Callee->getName().str(), Opts.StoringMethods))
      visitStoringCall(MemberCall, *Object,
                       llvm::ArrayRef<const Expr *>(MemberCall->getArgs(),
                                                    MemberCall->getNumArgs()));
  }

  /// `storage.push_back(value)` and friends on a class we cannot see into.
  void visitStoringCall(const CallExpr *Call, Root Object,
                        llvm::ArrayRef<const Expr *> Values) {
    const Expr *Storage = nullptr;
    if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call))
      Storage = M->getImplicitObjectArgument();
    else if (Call->getNumArgs())
      Storage = Call->getArg(0);
    std::string Where = Storage ? text(Storage) : "";
    for (const Expr *V : Values) {
      if (std::optional<int> P = carriedParam(V)) {
        if (Object.Kind == Root::This && Object.Levels > 0)
          addFact({FactKind::StoresParam, *P, -1, "'" + Where + "'", "",
                   Call->getExprLoc(), Call, {}});
        else if (Object.Kind == Root::Param)
          addFact({FactKind::StoresParam, *P, Object.Index, "'" + Where + "'",
                   "", Call->getExprLoc(), Call, {}});
      }
      if (carriesThis(V) && (Object.Kind == Root::Global ||
                             Object.Kind == Root::Param ||
                             (Object.Kind == Root::Other && Object.Levels > 0)))
        addFact({FactKind::ThisEscapes, -1, -1, "'" + Where + "'", "",
                 Call->getExprLoc(), Call, {}});
    }
  }

  void visitAssignment(const Expr *LHS, const Expr *RHS, const Expr *Site) {
    Root Target = rootOf(LHS);
    if (std::optional<int> P = carriedParam(RHS)) {
      if (Target.Kind == Root::This && Target.Levels > 0)
        addFact({FactKind::StoresParam, *P, -1, "'" + text(LHS) + "'", "",
                 Site->getExprLoc(), Site, {}});
      else if (Target.Kind == Root::Param && Target.Levels > 0)
        addFact({FactKind::StoresParam, *P, Target.Index,
                 "'" + text(LHS) + "'", "", Site->getExprLoc(), Site, {}});
    }
    if (carriesThis(RHS) &&
        (Target.Kind == Root::Global ||
         (Target.Kind == Root::Param && Target.Levels > 0) ||
         (Target.Kind == Root::Other && Target.Levels > 0)))
      addFact({FactKind::ThisEscapes, -1, -1, "'" + text(LHS) + "'", "",
               Site->getExprLoc(), Site, {}});
    if (isSelfKeepAlive(LHS) &&
        isa<CXXNullPtrLiteralExpr>(ignoreWrappers(RHS)))
      addFact({FactKind::ReleasesObject, -1, -1, "'" + text(Site) + "'", "",
               Site->getExprLoc(), Site, {}});
  }

  void visit(const Stmt *S, bool Cond) {
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
      if (const auto *P = dyn_cast<ParmVarDecl>(Ref->getDecl());
          P && Params.count(P) && !Neutral.count(Ref))
        Derefs[Params.lookup(P)].OtherUse = true;
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      visitCall(Call, Cond);
      return;
    }
    if (const auto *Member = dyn_cast<MemberExpr>(S)) {
      if (Member->isArrow())
        noteDeref(Member->getBase(), Cond);
      return;
    }
    if (const auto *Op = dyn_cast<UnaryOperator>(S)) {
      if (Op->getOpcode() == UO_Deref)
        noteDeref(Op->getSubExpr(), Cond);
      return;
    }
    if (const auto *Sub = dyn_cast<ArraySubscriptExpr>(S)) {
      noteDeref(Sub->getBase(), Cond);
      return;
    }
    if (const auto *Op = dyn_cast<BinaryOperator>(S)) {
      if (Op->isAssignmentOp())
        visitAssignment(Op->getLHS(), Op->getRHS(), Op);
      return;
    }
    if (const auto *Delete = dyn_cast<CXXDeleteExpr>(S)) {
      if (Delete->getArgument() && isThis(Delete->getArgument()))
        addFact({FactKind::ReleasesObject, -1, -1, "'delete this'", "",
                 Delete->getBeginLoc(), Delete, {}});
      return;
    }
    if (const auto *Decls = dyn_cast<DeclStmt>(S)) {
      for (const Decl *D : Decls->decls())
        if (const auto *V = dyn_cast<VarDecl>(D);
            V && V->getInit() && !V->hasGlobalStorage())
          if (std::optional<int> P = carriedParam(V->getInit()))
            Aliases[V] = *P;
      return;
    }
  }

  void walk(const Stmt *S, bool Cond) {
    if (!S)
      return;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      // The body runs later; only init-captures are evaluated here.
      for (const LambdaCapture &C : Lambda->captures())
        if (C.capturesVariable())
          if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
              V && V->isInitCapture() && V->getInit())
            walk(V->getInit(), Cond);
      return;
    }
    if (isa<BlockExpr>(S))
      return;
    visit(S, Cond);
    if (const auto *If = dyn_cast<IfStmt>(S)) {
      walk(If->getInit(), Cond);
      walk(If->getConditionVariableDeclStmt(), Cond);
      walk(If->getCond(), Cond);
      walk(If->getThen(), true);
      walk(If->getElse(), true);
      return;
    }
    if (const auto *Op = dyn_cast<BinaryOperator>(S); Op && Op->isLogicalOp()) {
      walk(Op->getLHS(), Cond);
      walk(Op->getRHS(), true);
      return;
    }
    if (const auto *Op = dyn_cast<AbstractConditionalOperator>(S)) {
      walk(Op->getCond(), Cond);
      walk(Op->getTrueExpr(), true);
      walk(Op->getFalseExpr(), true);
      return;
    }
    if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
      walk(Try->getTryBlock(), Cond);
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
        walk(Try->getHandler(I), true);
      return;
    }
    const bool Branches = isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt,
                              SwitchStmt, CaseStmt, DefaultStmt>(S);
    for (const Stmt *Child : S->children())
      walk(Child, Cond || Branches);
  }

  FunctionSummaries &Owner;
  const Options &Opts;
  const FunctionDecl *FD;
  ASTContext &Ctx;
  const SourceManager &SM;
  FunctionSummary &Out;
  const CXXRecordDecl *Class = nullptr;
  llvm::DenseMap<const ParmVarDecl *, unsigned> Params;
  llvm::DenseMap<const VarDecl *, int> Aliases;
  llvm::DenseSet<const DeclRefExpr *> Neutral;
  std::vector<DerefInfo> Derefs;
};

FunctionSummaries::FunctionSummaries(Options O) : Opts(std::move(O)) {}
FunctionSummaries::~FunctionSummaries() = default;

void FunctionSummaries::reset() {
  Done.clear();
  InProgress.clear();
  Tentative.clear();
  Stack.clear();
  ForContext = nullptr;
}

const FunctionSummary *FunctionSummaries::get(const FunctionDecl *FD,
                                              ASTContext &Ctx) {
  return getNested(FD, Ctx);
}

const FunctionSummary *FunctionSummaries::getNested(const FunctionDecl *FD,
                                                    ASTContext &Ctx) {
  if (ForContext != &Ctx) {
    reset();
    ForContext = &Ctx;
  }
  const FunctionDecl *Def = definitionOf(FD);
  if (!Def || Ctx.getSourceManager().isInSystemHeader(Def->getLocation()))
    return nullptr;
  // A summary computed while a function of its call cycle was still being
  // summarised lacks that function's facts: it is tentative, used only
  // until the outermost request returns, then computed again when asked.
  const auto MarkTentative = [&] {
    if (!Stack.empty())
      Stack.back().second = true;
  };
  if (auto It = Done.find(Def); It != Done.end()) {
    if (Tentative.contains(Def))
      MarkTentative();
    return It->second.get();
  }
  if (InProgress.contains(Def)) {
    if (Stack.empty() || Stack.back().first != Def)
      MarkTentative();
    return nullptr;
  }
  if (Stack.size() >= MaxNesting) {
    MarkTentative();
    return nullptr;
  }
  InProgress.insert(Def);
  Stack.push_back({Def, false});
  auto S = std::make_unique<FunctionSummary>();
  S->USR = usrOf(Def);
  S->Name = Def->getQualifiedNameAsString();
  S->Location = locationString(Def->getLocation(), Ctx.getSourceManager());
  Builder(*this, Def, Ctx, *S).run();
  const bool IsTentative = Stack.back().second;
  Stack.pop_back();
  InProgress.erase(Def);
  const FunctionSummary *Result = S.get();
  Done[Def] = std::move(S);
  if (!Stack.empty()) {
    if (IsTentative) {
      Tentative.insert(Def);
      MarkTentative();
    }
  } else if (!Tentative.empty()) {
    // The outermost summary is complete: every function of its cycles was
    // in progress beneath it. The tentative ones are forgotten.
    for (const FunctionDecl *T : Tentative)
      if (T != Def)
        Done.erase(T);
    Tentative.clear();
  }
  return Result;
}

std::vector<const FunctionSummary *>
FunctionSummaries::summarizeAll(ASTContext &Ctx) {
  std::vector<const FunctionSummary *> Result;
  llvm::DenseSet<const FunctionSummary *> Seen;
  std::vector<const DeclContext *> Work{Ctx.getTranslationUnitDecl()};
  while (!Work.empty()) {
    const DeclContext *DC = Work.back();
    Work.pop_back();
    std::vector<const DeclContext *> Inner;
    for (const Decl *D : DC->decls()) {
      if (Ctx.getSourceManager().isInSystemHeader(D->getLocation()))
        continue;
      const FunctionDecl *FD = dyn_cast<FunctionDecl>(D);
      if (const auto *T = dyn_cast<FunctionTemplateDecl>(D))
        FD = T->getTemplatedDecl();
      if (FD && FD->doesThisDeclarationHaveABody() && !FD->isDependentContext())
        if (const FunctionSummary *S = get(FD, Ctx); S && Seen.insert(S).second)
          Result.push_back(S);
      if (const auto *Inner2 = dyn_cast<DeclContext>(D);
          Inner2 && (isa<NamespaceDecl, CXXRecordDecl, LinkageSpecDecl>(D)))
        Inner.push_back(Inner2);
    }
    // Keep declaration order: visit nested contexts in order.
    for (auto It = Inner.rbegin(); It != Inner.rend(); ++It)
      Work.push_back(*It);
  }
  return Result;
}

// ---- serialisation ------------------------------------------------------

std::string serialize(llvm::ArrayRef<const FunctionSummary *> Summaries) {
  llvm::json::Array Functions;
  for (const FunctionSummary *S : Summaries) {
    llvm::json::Array Facts;
    for (const Fact &F : S->Facts) {
      llvm::json::Array Chain;
      for (const Step &St : F.Chain)
        Chain.push_back(llvm::json::Object{{"callee", St.Callee},
                                           {"usr", St.CalleeUSR},
                                           {"location", St.Location}});
      Facts.push_back(llvm::json::Object{{"kind", kindName(F.Kind)},
                                         {"param", F.Param},
                                         {"into", F.IntoParam},
                                         {"detail", F.Detail},
                                         {"location", F.Location},
                                         {"chain", std::move(Chain)}});
    }
    Functions.push_back(llvm::json::Object{{"usr", S->USR},
                                           {"name", S->Name},
                                           {"location", S->Location},
                                           {"facts", std::move(Facts)}});
  }
  llvm::json::Object Doc{{"format", FormatName},
                         {"version", static_cast<int64_t>(FormatVersion)},
                         {"functions", std::move(Functions)}};
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << llvm::formatv("{0:1}", llvm::json::Value(std::move(Doc)));
  OS.flush();
  Out += "\n";
  return Out;
}

std::string serialize(llvm::ArrayRef<FunctionSummary> Summaries) {
  std::vector<const FunctionSummary *> Ptrs;
  for (const FunctionSummary &S : Summaries)
    Ptrs.push_back(&S);
  return serialize(llvm::ArrayRef<const FunctionSummary *>(Ptrs));
}

namespace {
llvm::Error malformed(const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "malformed function summaries: " + What);
}

bool readString(const llvm::json::Object &O, llvm::StringRef Key,
                std::string &Out) {
  std::optional<llvm::StringRef> S = O.getString(Key);
  if (!S)
    return false;
  Out = S->str();
  return true;
}

bool readInt(const llvm::json::Object &O, llvm::StringRef Key, int &Out) {
  std::optional<int64_t> I = O.getInteger(Key);
  if (!I || *I < -1 || *I > 65535)
    return false;
  Out = static_cast<int>(*I);
  return true;
}
} // namespace

llvm::Expected<std::vector<FunctionSummary>> parse(llvm::StringRef Text) {
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(Text);
  if (!Doc)
    return Doc.takeError();
  const llvm::json::Object *Root = Doc->getAsObject();
  if (!Root)
    return malformed("not a JSON object");
  if (Root->getString("format") != std::optional<llvm::StringRef>(FormatName))
    return malformed("\"format\" is not \"" + llvm::Twine(FormatName) + "\"");
  std::optional<int64_t> Version = Root->getInteger("version");
  if (!Version || *Version != FormatVersion)
    return malformed("unsupported \"version\" (this weakcheck reads " +
                     llvm::Twine(FormatVersion) + ")");
  const llvm::json::Array *Functions = Root->getArray("functions");
  if (!Functions)
    return malformed("no \"functions\" array");
  std::vector<FunctionSummary> Result;
  for (const llvm::json::Value &FV : *Functions) {
    const llvm::json::Object *FO = FV.getAsObject();
    FunctionSummary S;
    const llvm::json::Array *Facts = FO ? FO->getArray("facts") : nullptr;
    if (!FO || !readString(*FO, "usr", S.USR) ||
        !readString(*FO, "name", S.Name) ||
        !readString(*FO, "location", S.Location) || !Facts)
      return malformed("function entry " + llvm::Twine(Result.size()));
    for (const llvm::json::Value &XV : *Facts) {
      const llvm::json::Object *XO = XV.getAsObject();
      Fact F;
      std::string Kind;
      const llvm::json::Array *Chain = XO ? XO->getArray("chain") : nullptr;
      if (!XO || !readString(*XO, "kind", Kind) ||
          !readInt(*XO, "param", F.Param) ||
          !readInt(*XO, "into", F.IntoParam) ||
          !readString(*XO, "detail", F.Detail) ||
          !readString(*XO, "location", F.Location) || !Chain)
        return malformed("a fact of '" + S.Name + "'");
      std::optional<FactKind> K = kindFromName(Kind);
      if (!K)
        return malformed("unknown fact kind '" + Kind + "'");
      F.Kind = *K;
      for (const llvm::json::Value &SV : *Chain) {
        const llvm::json::Object *SO = SV.getAsObject();
        Step St;
        if (!SO || !readString(*SO, "callee", St.Callee) ||
            !readString(*SO, "usr", St.CalleeUSR) ||
            !readString(*SO, "location", St.Location))
          return malformed("a call chain step of '" + S.Name + "'");
        F.Chain.push_back(std::move(St));
      }
      S.Facts.push_back(std::move(F));
    }
    Result.push_back(std::move(S));
  }
  return Result;
}

} // namespace clang::tidy::weakref::summaries
