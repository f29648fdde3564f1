//===-- ThisEscape.cpp - where the object under construction or destruction goes -===//

#include "utils/ThisEscape.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "utils/WeakrefMatchers.h"
#include <deque>
#include <set>

namespace clang::tidy::weakref::thisescape {

using namespace ast_matchers;

namespace {

/// Strips what does not change which object a pointer or reference
/// expression denotes: parentheses, implicit casts, explicit casts to a
/// pointer or reference, std::move / std::forward, `&*p`.
const Expr *strip(const Expr *E) {
  while (true) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(Next);
        Cast && (Cast->getType()->isPointerType() ||
                 Cast->getType()->isReferenceType() ||
                 Cast->getTypeAsWritten()->isReferenceType()))
      Next = Cast->getSubExpr();
    else if (const auto *Call = dyn_cast<CallExpr>(Next);
             Call && Call->getNumArgs() == 1 && Call->getDirectCallee() &&
             Call->getDirectCallee()->isInStdNamespace() &&
             Call->getDirectCallee()->getDeclName().isIdentifier() &&
             (Call->getDirectCallee()->getName() == "move" ||
              Call->getDirectCallee()->getName() == "forward"))
      Next = Call->getArg(0);
    else if (const auto *Addr = dyn_cast<UnaryOperator>(Next);
             Addr && Addr->getOpcode() == UO_AddrOf) {
      if (const auto *Deref =
              dyn_cast<UnaryOperator>(Addr->getSubExpr()->IgnoreParens());
          Deref && Deref->getOpcode() == UO_Deref)
        Next = Deref->getSubExpr();
    }
    if (Next == E)
      return E;
    E = Next;
  }
}

bool isTracked(const Expr *E, const Tracked &T) {
  E = strip(E);
  if (isa<CXXThisExpr>(E))
    return T.This;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
      return T.Vars.contains(Var);
  return false;
}

AST_MATCHER_P(Expr, denotesTracked, const Tracked *, T) {
  return isTracked(&Node, *T);
}

AST_MATCHER_P(LambdaExpr, capturesTracked, const Tracked *, T) {
  for (const LambdaCapture &C : Node.captures()) {
    if (C.capturesThis() && T->This)
      return true;
    if (C.capturesVariable())
      if (const auto *Var = dyn_cast<VarDecl>(C.getCapturedVar());
          Var && T->Vars.contains(Var))
        return true;
  }
  return false;
}

AST_MATCHER_P(FunctionDecl, isCurrentFunction, const Tracked *, T) {
  return &Node == T->Function;
}

enum class Place { Local, Own, Foreign };
struct Storage {
  Place P = Place::Local;
  std::string Desc;
};

std::string quoted(const NamedDecl *D) { return "'" + D->getNameAsString() + "'"; }

bool isUniqueOwner(QualType Type, const std::vector<StringRef> &Names) {
  const auto *Record = Type.getCanonicalType()->getAsCXXRecordDecl();
  if (!Record)
    return false;
  std::string Name = "::" + Record->getQualifiedNameAsString();
  for (StringRef N : Names)
    if (N == Name)
      return true;
  return false;
}

Storage classifyObject(const Expr *E, const Tracked &T, const Options &O);

/// The object a pointer (or smart pointer) expression points to.
Storage classifyPointee(const Expr *P, const Tracked &T, const Options &O) {
  P = strip(P);
  // `owner->x` and `owner.get()` on a smart pointer: look at the owner.
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P);
      Op && Op->getOperator() == OO_Arrow && Op->getNumArgs() == 1)
    P = strip(Op->getArg(0));
  else if (const auto *Get = dyn_cast<CXXMemberCallExpr>(P);
           Get && Get->getMethodDecl() &&
           Get->getMethodDecl()->getDeclName().isIdentifier() &&
           Get->getMethodDecl()->getName() == "get" &&
           Get->getImplicitObjectArgument())
    P = strip(Get->getImplicitObjectArgument());
  if (isTracked(P, T))
    return {Place::Own, ""};
  if (const auto *This = dyn_cast<CXXThisExpr>(P)) {
    if (T.ThisOwned)
      return {Place::Own, ""};
    const CXXRecordDecl *Record = This->getType()->getPointeeCXXRecordDecl();
    return {Place::Foreign, Record ? quoted(Record) : "another object"};
  }
  if (isUniqueOwner(P->getType(), O.UniqueOwners)) {
    Storage Owner = classifyObject(P, T, O);
    if (Owner.P != Place::Foreign)
      return Owner;
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(P))
    return {Place::Foreign, "the object behind " + quoted(Ref->getDecl())};
  if (const auto *Member = dyn_cast<MemberExpr>(P))
    return {Place::Foreign,
            "the object behind " + quoted(Member->getMemberDecl())};
  return {Place::Foreign, "another object"};
}

/// Where an lvalue lives, relative to the followed object.
Storage classifyObject(const Expr *E, const Tracked &T, const Options &O) {
  E = E->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    if (!Var || T.Vars.contains(Var))
      return {Place::Local, ""};
    if (Var->hasGlobalStorage())
      return {Place::Foreign,
              (Var->isStaticLocal() || Var->isStaticDataMember() ? "static "
                                                                 : "global ") +
                  quoted(Var)};
    // A reference parameter or local may refer to a local of the caller:
    // unknown, so silent.
    return {Place::Local, ""};
  }
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    Storage Base = Member->isArrow() ? classifyPointee(Member->getBase(), T, O)
                                     : classifyObject(Member->getBase(), T, O);
    if (Base.P != Place::Foreign)
      return Base;
    return {Place::Foreign,
            "member " + quoted(Member->getMemberDecl()) + " of " + Base.Desc};
  }
  if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = Subscript->getBase();
    return Base->IgnoreParenImpCasts()->getType()->isArrayType()
               ? classifyObject(Base->IgnoreParenImpCasts(), T, O)
               : classifyPointee(Base, T, O);
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    if (Op->getOperator() == OO_Subscript)
      return classifyObject(Op->getArg(0), T, O);
    if (Op->getOperator() == OO_Star || Op->getOperator() == OO_Arrow)
      return classifyPointee(Op->getArg(0), T, O);
    return {Place::Local, ""};
  }
  if (const auto *Deref = dyn_cast<UnaryOperator>(E);
      Deref && Deref->getOpcode() == UO_Deref) {
    // `*out = this` through a pointer parameter: the target is unknown;
    // only a global pointer is certainly foreign.
    Storage Pointee = classifyPointee(Deref->getSubExpr(), T, O);
    if (Pointee.P == Place::Foreign &&
        isa<DeclRefExpr>(strip(Deref->getSubExpr())) &&
        classifyObject(strip(Deref->getSubExpr()), T, O).P == Place::Foreign)
      return Pointee;
    return Pointee.P == Place::Own ? Pointee : Storage{Place::Local, ""};
  }
  return {Place::Local, ""};
}

/// The object a member call is made on.
Storage classifyCallObject(const CXXMemberCallExpr *Call, const Tracked &T,
                           const Options &O) {
  const Expr *Object = Call->getImplicitObjectArgument();
  if (!Object)
    return {Place::Local, ""};
  if (const auto *Member = dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens());
      Member && Member->isArrow())
    return classifyPointee(Object, T, O);
  return classifyObject(Object, T, O);
}

AST_MATCHER_P2(Expr, isForeignStorage, const Tracked *, T, const Options *,
               O) {
  return classifyObject(&Node, *T, *O).P == Place::Foreign;
}

AST_MATCHER_P2(CXXMemberCallExpr, onForeignObject, const Tracked *, T,
               const Options *, O) {
  return classifyCallObject(&Node, *T, *O).P == Place::Foreign;
}

bool inSystemHeader(const Decl *D, const ASTContext &Ctx) {
  return Ctx.getSourceManager().isInSystemHeader(D->getLocation());
}

} // namespace

std::string describeCarrier(const Expr *E, const Tracked &T) {
  E = matchers::ignoreTemporaryWrappers(E);
  const Expr *S = strip(E);
  if (isTracked(S, T)) {
    if (isa<CXXThisExpr>(S))
      return "'this'";
    return quoted(cast<DeclRefExpr>(S)->getDecl());
  }
  if (const auto *Addr = dyn_cast<UnaryOperator>(S);
      Addr && Addr->getOpcode() == UO_AddrOf)
    if (const auto *Member =
            dyn_cast<MemberExpr>(Addr->getSubExpr()->IgnoreParenImpCasts()))
      return "a pointer to member " + quoted(Member->getMemberDecl());
  if (isa<LambdaExpr>(S))
    return T.This ? "a callable capturing 'this'" : "a callable capturing it";
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *Callee = Call->getDirectCallee()) {
      StringRef Name = Callee->getName();
      if (Name == "ref" || Name == "cref")
        return T.This ? "a reference to '*this'" : "a reference to it";
      return "a callable bound by " + quoted(Callee) +
             (T.This ? " to 'this'" : "");
    }
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
    for (const Expr *Arg : Construct->arguments()) {
      std::string Inner = describeCarrier(Arg, T);
      if (!Inner.empty())
        return Inner;
    }
  if (const auto *Init = dyn_cast<InitListExpr>(S))
    for (const Expr *Arg : Init->inits()) {
      std::string Inner = describeCarrier(Arg, T);
      if (!Inner.empty())
        return Inner;
    }
  return T.This ? "'this'" : "the object";
}

EscapeFinder::EscapeFinder(Options O) : Opts(std::move(O)) {
  using matchers::classTypeNamed;
  using matchers::ignoringTemporaryWrappers;
  const Tracked *const T = &Current;
  const Options *const OP = &Opts;

  // ---- asking for a strong owner of the object itself ----
  // Called on the object: on `this` where it is followed, or on a
  // parameter or alias that holds it.
  const auto OnThis = onImplicitObjectArgument(expr(denotesTracked(T)));
  const auto EsftMethod = [&](StringRef Name) {
    return cxxMethodDecl(hasName(Name),
                         ofClass(hasAnyName(Opts.EnableSharedFromThis)));
  };
  const auto SharedFromThis =
      cxxMemberCallExpr(callee(EsftMethod("shared_from_this")), OnThis);
  const auto WeakFromThis =
      cxxMemberCallExpr(callee(EsftMethod("weak_from_this")), OnThis);
  const auto StrongOwner = classTypeNamed(Opts.StrongOwners);
  const auto LockOfWeakFromThis = cxxMemberCallExpr(
      callee(cxxMethodDecl(hasName("lock"))),
      on(ignoringTemporaryWrappers(WeakFromThis)));
  const auto OwnerFromWeakFromThis = cxxConstructExpr(
      hasType(StrongOwner),
      hasArgument(0, ignoringTemporaryWrappers(WeakFromThis)));
  const auto OwnerOfThis = ignoringTemporaryWrappers(
      expr(anyOf(SharedFromThis, LockOfWeakFromThis, OwnerFromWeakFromThis,
                 cxxConstructExpr(hasType(StrongOwner),
                                  hasArgument(0, ignoringParenImpCasts(
                                                     cxxThisExpr()))))));
  const auto WeakReferenceToThis =
      cxxConstructExpr(hasType(classTypeNamed(Opts.RuntimeWeakReferences)),
                       hasArgument(0, OwnerOfThis));

  // ---- values that carry the object ----
  const auto Direct = expr(denotesTracked(T));
  const auto AddressOfMember = unaryOperator(
      hasOperatorName("&"),
      hasUnaryOperand(ignoringParenImpCasts(
          memberExpr(hasObjectExpression(expr(denotesTracked(T)))))));
  const auto ReferenceToObject = callExpr(
      callee(functionDecl(hasAnyName("::std::ref", "::std::cref",
                                     "::boost::ref", "::boost::cref"))),
      hasArgument(0, ignoringParenImpCasts(unaryOperator(
                         hasOperatorName("*"),
                         hasUnaryOperand(expr(denotesTracked(T)))))));
  const auto Level0 =
      ignoringTemporaryWrappers(expr(anyOf(Direct, AddressOfMember,
                                           ReferenceToObject)));
  const auto Wrap = [&](const ast_matchers::internal::Matcher<Expr> &Inner) {
    return ignoringTemporaryWrappers(expr(anyOf(
        Inner,
        lambdaExpr(anyOf(capturesTracked(T),
                         hasAnyCapture(capturesVar(
                             varDecl(hasInitializer(Inner)))))),
        callExpr(callee(functionDecl(hasAnyName(Opts.Binders))),
                 hasAnyArgument(Inner)),
        cxxConstructExpr(hasAnyArgument(Inner)),
        initListExpr(has(Inner)))));
  };
  const auto Carrier = Wrap(Wrap(Level0));

  // ---- where it goes ----
  const auto Store = expr(anyOf(
      binaryOperator(isAssignmentOperator(),
                     hasLHS(expr(isForeignStorage(T, OP)).bind("target")),
                     hasRHS(expr(Carrier).bind("value"))),
      cxxOperatorCallExpr(
          hasOverloadedOperatorName("="),
          hasArgument(0, expr(isForeignStorage(T, OP)).bind("target")),
          hasArgument(1, expr(Carrier).bind("value")))));
  const auto Insert = cxxMemberCallExpr(
      callee(cxxMethodDecl(hasAnyName(Opts.InsertMethods))),
      onForeignObject(T, OP), hasAnyArgument(expr(Carrier).bind("value")));
  const auto Sink =
      callExpr(callee(functionDecl(hasAnyName(Opts.CallbackSinks)).bind("sink")),
               hasAnyArgument(expr(Carrier).bind("value")));
  const auto StaticInit = declStmt(has(varDecl(
      hasGlobalStorage(), hasInitializer(expr(Carrier).bind("value")))
      .bind("static")));

  // ---- calls to follow ----
  const auto CallOnThis = cxxMemberCallExpr(
      OnThis, callee(cxxMethodDecl().bind("member-callee")));
  const auto PassesObject =
      callExpr(forEachArgumentWithParam(expr(Carrier).bind("arg"),
                                        parmVarDecl().bind("param")),
               callee(functionDecl().bind("callee")));

  const auto Here = forCallable(functionDecl(isCurrentFunction(T)));
  Events = stmt(
      Here,
      eachOf(SharedFromThis.bind("shared-from-this"),
             LockOfWeakFromThis.bind("weak-lock"),
             OwnerFromWeakFromThis.bind("owner-from-weak"),
             WeakReferenceToThis.bind("weak-reference"),
             Store.bind("store"), Insert.bind("insert"), Sink.bind("sink-call"),
             StaticInit.bind("static-init"), CallOnThis.bind("call-on-this"),
             PassesObject.bind("passes")));
  Aliases = varDecl(hasInitializer(expr(denotesTracked(T))),
                    unless(hasGlobalStorage()),
                    hasType(qualType(anyOf(pointerType(), referenceType()))))
                .bind("alias");
}

void EscapeFinder::addAliases(Frame &F, ASTContext &Ctx) {
  Current = F.T;
  for (int Round = 0; Round < 2; ++Round) {
    bool Added = false;
    for (const BoundNodes &N :
         match(functionDecl(forEachDescendant(*Aliases)), *F.T.Function, Ctx))
      if (const auto *Var = N.getNodeAs<VarDecl>("alias"))
        Added |= F.T.Vars.insert(Var).second;
    Current = F.T;
    if (!Added)
      break;
  }
}

std::vector<Event> EscapeFinder::walk(Frame Start, ASTContext &Ctx) {
  std::vector<Event> Result;
  std::set<const Stmt *> Seen;
  std::set<std::pair<const FunctionDecl *, const void *>> Visited;
  std::deque<Frame> Queue;
  Queue.push_back(std::move(Start));
  while (!Queue.empty()) {
    Frame F = std::move(Queue.front());
    Queue.pop_front();
    if (!F.T.Function || !F.T.Function->hasBody())
      continue;
    const void *Key = F.T.This ? nullptr : *F.T.Vars.begin();
    if (!Visited.insert({F.T.Function, Key}).second)
      continue;
    addAliases(F, Ctx);
    Current = F.T;
    auto Matches =
        match(functionDecl(forEachDescendant(*Events)), *F.T.Function, Ctx);
    // Calls already reported as a store or a hand-over are not followed.
    std::set<const Stmt *> Reported;
    for (const BoundNodes &N : Matches)
      for (const char *Id : {"insert", "sink-call"})
        if (const auto *S = N.getNodeAs<Stmt>(Id))
          Reported.insert(S);
    const auto Add = [&](EventKind Kind, const Stmt *Site, std::string What,
                         std::string Where) {
      if (!Seen.insert(Site).second)
        return;
      Result.push_back({Kind, Site, std::move(What), std::move(Where), F.Hops});
    };
    const auto WhatOf = [&](const BoundNodes &N) {
      if (!F.What.empty())
        return F.What;
      return describeCarrier(N.getNodeAs<Expr>("value"), F.T);
    };
    // Weak references are reported as such, not as the owner inside them.
    for (const BoundNodes &N : Matches)
      if (const auto *E = N.getNodeAs<CXXConstructExpr>("weak-reference")) {
        {
          Add(EventKind::WeakReferenceToThis, E, "",
              "'" + E->getType().getAsString(Ctx.getPrintingPolicy()) + "'");
          for (const Expr *Arg : E->arguments())
            for (const Stmt *Child = Arg; Child;) {
              Seen.insert(Child);
              const auto *Sub = dyn_cast<Expr>(Child);
              const Expr *Next =
                  Sub ? matchers::ignoreTemporaryWrappers(Sub) : nullptr;
              if (Next != Child) {
                Child = Next;
                continue;
              }
              Child = nullptr;
            }
          for (const Expr *Arg : E->arguments())
            if (const auto *Inner = dyn_cast<CXXConstructExpr>(
                    matchers::ignoreTemporaryWrappers(Arg)))
              for (const Expr *A : Inner->arguments())
                Seen.insert(matchers::ignoreTemporaryWrappers(A));
        }
      }
    for (const BoundNodes &N : Matches) {
      {
        if (const auto *S = N.getNodeAs<Stmt>("shared-from-this"))
          Add(EventKind::SharedFromThis, S, "", "");
        if (const auto *S = N.getNodeAs<Stmt>("weak-lock"))
          Add(EventKind::WeakFromThisLock, S, "", "");
        if (const auto *S = N.getNodeAs<Stmt>("owner-from-weak"))
          Add(EventKind::OwnerFromWeak, S, "", "");
      }
      if (!Opts.OwnerRequestsOnly) {
        if (const auto *S = N.getNodeAs<Stmt>("store"))
          Add(EventKind::Stored, S, WhatOf(N),
              classifyObject(N.getNodeAs<Expr>("target"), F.T, Opts).Desc);
        if (const auto *S = N.getNodeAs<CXXMemberCallExpr>("insert"))
          Add(EventKind::Stored, S, WhatOf(N),
              classifyCallObject(S, F.T, Opts).Desc);
        if (const auto *S = N.getNodeAs<Stmt>("sink-call"))
          Add(EventKind::HandedToSink, S, WhatOf(N),
              quoted(N.getNodeAs<FunctionDecl>("sink")));
        if (const auto *S = N.getNodeAs<Stmt>("static-init"))
          Add(EventKind::Stored, S, WhatOf(N),
              "static " + quoted(N.getNodeAs<VarDecl>("static")));
      }
      if (F.Depth >= Opts.CallDepth)
        continue;
      if (const auto *Call = N.getNodeAs<CXXMemberCallExpr>("call-on-this");
          Call) {
        const auto *Method = N.getNodeAs<CXXMethodDecl>("member-callee");
        const FunctionDecl *Def = Method->getDefinition();
        if (Def && !inSystemHeader(Def, Ctx) &&
            !Reported.count(Call)) {
          Frame Next{Tracked{}, F.Hops, F.What, F.Depth + 1};
          Next.T.This = true;
          Next.T.ThisOwned = true;
          Next.T.Function = Def;
          Next.Hops.push_back({Call, F.T.Function, Def});
          Queue.push_back(std::move(Next));
        }
      }
      if (const auto *Call = N.getNodeAs<CallExpr>("passes")) {
        if (Reported.count(Call))
          continue;
        const auto *Callee = N.getNodeAs<FunctionDecl>("callee");
        const auto *Param = N.getNodeAs<ParmVarDecl>("param");
        const FunctionDecl *Def = Callee->getDefinition();
        if (!Def || inSystemHeader(Def, Ctx) || Param->getFunctionScopeIndex() >= Def->getNumParams())
          continue;
        const ParmVarDecl *DefParam = Def->getParamDecl(Param->getFunctionScopeIndex());
        Frame Next{Tracked{}, F.Hops, F.What, F.Depth + 1};
        if (Next.What.empty())
          Next.What = describeCarrier(N.getNodeAs<Expr>("arg"), F.T);
        Next.T.Vars.insert(DefParam);
        Next.T.Function = Def;
        const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(Call);
        Next.T.ThisOwned =
            MemberCall &&
            classifyCallObject(MemberCall, F.T, Opts).P == Place::Own;
        Next.Hops.push_back({Call, F.T.Function, Def});
        Queue.push_back(std::move(Next));
      }
    }
  }
  return Result;
}

std::vector<Event> EscapeFinder::fromThis(const FunctionDecl *Root,
                                          ASTContext &Ctx) {
  Frame Start{Tracked{}, {}, "", 0};
  Start.T.This = true;
  Start.T.ThisOwned = true;
  Start.T.Function = Root;
  return walk(std::move(Start), Ctx);
}

std::vector<Event> EscapeFinder::fromFirstParameter(const FunctionDecl *Root,
                                                    ASTContext &Ctx) {
  if (Root->getNumParams() == 0)
    return {};
  Frame Start{Tracked{}, {}, "", 0};
  Start.T.Vars.insert(Root->getParamDecl(0));
  Start.T.Function = Root;
  return walk(std::move(Start), Ctx);
}

std::vector<Event> summaryEvents(const FunctionDecl *Root,
                                 summaries::FunctionSummaries &Summaries,
                                 ASTContext &Ctx,
                                 const std::vector<Event> &Known,
                                 bool OwnerRequestsOnly) {
  using summaries::FactKind;
  std::vector<Event> Result;
  const summaries::FunctionSummary *S = Summaries.get(Root, Ctx);
  if (!S)
    return Result;
  std::set<const Stmt *> Seen;
  for (const Event &E : Known)
    Seen.insert(E.Site);
  for (const summaries::Fact &F : S->Facts) {
    const bool Request = F.Kind == FactKind::SharedFromThis && F.Param == -1;
    const bool Escape = F.Kind == FactKind::ThisEscapes && !OwnerRequestsOnly;
    if ((!Request && !Escape) || !F.Site || F.Chain.empty() ||
        Seen.count(F.Site))
      continue;
    Event E;
    E.Site = F.Site;
    if (Request) {
      E.Kind = F.Detail == "'weak_from_this().lock()'"
                   ? EventKind::WeakFromThisLock
                   : EventKind::SharedFromThis;
    } else {
      E.Kind = EventKind::Stored;
      E.What = "'this'";
      E.Where = F.Detail;
    }
    const FunctionDecl *Caller = Root;
    bool Complete = true;
    for (const summaries::Step &St : F.Chain) {
      if (!St.Call || !St.CalleeDecl) {
        Complete = false;
        break;
      }
      E.Hops.push_back({St.Call, Caller, St.CalleeDecl});
      Caller = St.CalleeDecl;
    }
    if (Complete)
      Result.push_back(std::move(E));
  }
  return Result;
}

} // namespace clang::tidy::weakref::thisescape
