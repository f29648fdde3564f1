//===-- CallbackArityCheck.cpp - weakref-callback-arity -------------------===//

#include "CallbackArityCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/WeakrefMatchers.h"
#include "utils/Keywords.h"
#include <optional>

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultPybindWeakrefs[] = "::pybind11::weakref";
constexpr char DefaultPybindFunctions[] = "::pybind11::cpp_function";
constexpr char DefaultCapiWeakrefFactories[] =
    "::PyWeakref_NewRef;::PyWeakref_NewProxy";
constexpr char DefaultCapiFunctionFactories[] =
    "::PyCFunction_New;::PyCFunction_NewEx;::PyCMethod_New";
constexpr char DefaultRuntimeRefs[] = "::weakref::ref";
constexpr char DefaultRuntimeFinalizers[] = "::weakref::finalize";

// CPython's METH_NOARGS (stable ABI value, Include/methodobject.h).
constexpr int64_t MethNoArgs = 0x0004;

/// How many positional arguments a callable accepts.
struct Signature {
  unsigned Min = 0;
  unsigned Max = 0;
  bool Unbounded = false;
  bool rejects(unsigned Given) const {
    return Given < Min || (!Unbounded && Given > Max);
  }
};

bool isRecordNamed(QualType T, StringRef Name) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  return RD && RD->getQualifiedNameAsString() == Name;
}

/// The positional arity of a non-template function; a member function taken
/// by pointer also takes the object. py::args takes any number of further
/// arguments and py::kwargs none.
std::optional<Signature> signatureOf(const FunctionDecl *F, bool TakesObject) {
  if (!F || F->getDescribedFunctionTemplate())
    return std::nullopt;
  Signature S;
  if (TakesObject)
    S.Min = S.Max = 1;
  S.Unbounded = F->isVariadic();
  for (const ParmVarDecl *P : F->parameters()) {
    if (P->isParameterPack())
      return std::nullopt;
    if (isRecordNamed(P->getType(), "pybind11::args")) {
      S.Unbounded = true;
      continue;
    }
    if (isRecordNamed(P->getType(), "pybind11::kwargs"))
      continue;
    ++S.Max;
    if (!P->hasDefaultArg())
      ++S.Min;
  }
  return S;
}

/// Strips what does not change which callable or object an expression
/// denotes, including copies and conversions to a base class.
const Expr *stripWrappers(const Expr *E) {
  while (true) {
    const Expr *Next = matchers::ignoreTemporaryWrappers(E)->IgnoreParenCasts();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Next);
        Construct && Construct->getNumArgs() == 1 &&
        Construct->getConstructor()->isCopyOrMoveConstructor())
      Next = Construct->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
}

/// The one value a local variable ever holds: its initializer, or the single
/// assignment to a variable declared without one (or with a null pointer),
/// provided nothing else writes to it or takes its address.
const Expr *onlyValueOf(const VarDecl *V, ASTContext &Ctx) {
  if (!V || !V->isLocalVarDecl() || V->isStaticLocal() ||
      V->getType()->isReferenceType())
    return nullptr;
  const auto *Fn = dyn_cast<FunctionDecl>(V->getDeclContext());
  if (!Fn || !Fn->hasBody())
    return nullptr;
  const auto Ref = ignoringParenImpCasts(declRefExpr(to(varDecl(equalsNode(V)))));
  const auto Writes = match(
      findAll(stmt(anyOf(binaryOperator(isAssignmentOperator(), hasLHS(Ref))
                             .bind("assign"),
                         cxxOperatorCallExpr(isAssignmentOperator(),
                                             hasArgument(0, Ref)),
                         unaryOperator(hasOperatorName("&"),
                                       hasUnaryOperand(Ref))))
                  .bind("write")),
      *Fn->getBody(), Ctx);
  const Expr *Init = V->getInit();
  const bool NullInit =
      !Init || Init->IgnoreParenImpCasts()->isNullPointerConstant(
                   Ctx, Expr::NPC_ValueDependentIsNotNull);
  if (Writes.empty())
    return NullInit ? nullptr : Init;
  if (Writes.size() == 1 && NullInit)
    if (const auto *Assign = Writes[0].getNodeAs<BinaryOperator>("assign");
        Assign && Assign->getOpcode() == BO_Assign)
      return Assign->getRHS();
  return nullptr;
}

/// Follows wrappers and single-value local variables (at most a few steps).
template <class Visit> bool walkValue(const Expr *E, ASTContext &Ctx, Visit F) {
  for (int Step = 0; E && Step < 4; ++Step) {
    E = stripWrappers(E);
    if (F(E))
      return true;
    const auto *Ref = dyn_cast<DeclRefExpr>(E);
    E = Ref ? onlyValueOf(dyn_cast<VarDecl>(Ref->getDecl()), Ctx) : nullptr;
  }
  return false;
}

/// The callable an expression denotes (a lambda, a function, a member
/// function pointer, an object with one non-template operator()), and where
/// it is defined.
struct Callable {
  Signature Sig;
  const Decl *Definition = nullptr;
  SourceLocation Loc;
  bool IsLambda = false;
};

std::optional<Callable> callableOf(const Expr *E, ASTContext &Ctx) {
  std::optional<Callable> Result;
  walkValue(E, Ctx, [&](const Expr *V) {
    const FunctionDecl *F = nullptr;
    bool TakesObject = false;
    bool IsLambda = false;
    SourceLocation Loc;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(V)) {
      F = Lambda->getCallOperator();
      if (Lambda->getDependentCallOperator() || Lambda->isGenericLambda())
        return true; // generic: accepts what its body can use; silent
      IsLambda = true;
      Loc = Lambda->getBeginLoc();
    } else {
      const Expr *Inner = V;
      if (const auto *Addr = dyn_cast<UnaryOperator>(V);
          Addr && Addr->getOpcode() == UO_AddrOf)
        Inner = Addr->getSubExpr()->IgnoreParens();
      if (const auto *Ref = dyn_cast<DeclRefExpr>(Inner)) {
        F = dyn_cast<FunctionDecl>(Ref->getDecl());
        if (const auto *M = dyn_cast_or_null<CXXMethodDecl>(F))
          TakesObject = M->isInstance();
      } else if (const auto *RD = V->getType()->getAsCXXRecordDecl();
                 RD && RD->hasDefinition() && !RD->isLambda()) {
        const CXXMethodDecl *Only = nullptr;
        for (const Decl *D : RD->decls()) {
          const auto *ND = dyn_cast<NamedDecl>(D);
          if (!ND || ND->getDeclName().getCXXOverloadedOperator() != OO_Call)
            continue;
          if (Only || !isa<CXXMethodDecl>(ND))
            return true; // overloaded or a template: unknown
          Only = cast<CXXMethodDecl>(ND);
        }
        F = Only;
      } else if (!isa<DeclRefExpr>(Inner)) {
        return false;
      }
      if (F)
        Loc = F->getLocation();
    }
    if (!F)
      return isa<DeclRefExpr>(V) ? false : true;
    if (auto Sig = signatureOf(F, TakesObject))
      Result = Callable{*Sig, F, Loc, IsLambda};
    return true;
  });
  return Result;
}

/// An expression that denotes a callable that cannot take \p Given
/// positional arguments; binds it as "callable".
AST_MATCHER_P(Expr, callableRejecting, unsigned, Given) {
  std::optional<Callable> C = callableOf(&Node, Finder->getASTContext());
  if (!C || !C->Sig.rejects(Given))
    return false;
  Builder->setBinding("callable", DynTypedNode::create(Node));
  return true;
}

/// weakref::finalize(obj, f, args...) whose f cannot take the args.
AST_MATCHER(CXXConstructExpr, finalizerRejectingItsArguments) {
  if (Node.getNumArgs() < 2)
    return false;
  const Expr *Fn = Node.getArg(1);
  std::optional<Callable> C = callableOf(Fn, Finder->getASTContext());
  if (!C || !C->Sig.rejects(Node.getNumArgs() - 2))
    return false;
  Builder->setBinding("callable", DynTypedNode::create(*Fn));
  return true;
}

/// Matches an expression whose value, after wrappers and single-value local
/// variables, matches \p Inner.
AST_MATCHER_P(Expr, resolvesTo, ast_matchers::internal::Matcher<Expr>, Inner) {
  return walkValue(&Node, Finder->getASTContext(), [&](const Expr *V) {
    ast_matchers::internal::BoundNodesTreeBuilder Attempt(*Builder);
    if (!Inner.matches(*V, Finder, &Attempt))
      return false;
    *Builder = std::move(Attempt);
    return true;
  });
}

/// The PyMethodDef entry an expression points to (`&def`, `&table[i]`,
/// `table + i`, `table`), when its flags are METH_NOARGS; binds the entry's
/// initializer as "method-entry".
AST_MATCHER(Expr, pointsToNoArgsMethodDef) {
  ASTContext &Ctx = Finder->getASTContext();
  const Expr *E = Node.IgnoreParenImpCasts();
  const Expr *Base = E;
  uint64_t Index = 0;
  bool Indexed = false;
  if (const auto *Addr = dyn_cast<UnaryOperator>(E);
      Addr && Addr->getOpcode() == UO_AddrOf) {
    Base = Addr->getSubExpr()->IgnoreParens();
    if (const auto *Sub = dyn_cast<ArraySubscriptExpr>(Base)) {
      Expr::EvalResult R;
      if (!Sub->getIdx()->EvaluateAsInt(R, Ctx))
        return false;
      Index = R.Val.getInt().getZExtValue();
      Base = Sub->getBase()->IgnoreParenImpCasts();
      Indexed = true;
    }
  } else if (const auto *Plus = dyn_cast<BinaryOperator>(E);
             Plus && Plus->getOpcode() == BO_Add) {
    Expr::EvalResult R;
    if (!Plus->getRHS()->EvaluateAsInt(R, Ctx))
      return false;
    Index = R.Val.getInt().getZExtValue();
    Base = Plus->getLHS()->IgnoreParenImpCasts();
    Indexed = true;
  } else {
    Indexed = true; // a table decays to its first entry
  }
  const auto *Ref = dyn_cast<DeclRefExpr>(Base);
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var || !Var->getAnyInitializer())
    return false;
  const bool IsArray = Var->getType()->isArrayType();
  if (IsArray != Indexed)
    return false;
  const auto *Init =
      dyn_cast<InitListExpr>(Var->getAnyInitializer()->IgnoreParenImpCasts());
  if (Init && IsArray)
    Init = Index < Init->getNumInits()
               ? dyn_cast<InitListExpr>(
                     Init->getInit(Index)->IgnoreParenImpCasts())
               : nullptr;
  if (!Init)
    return false;
  const RecordDecl *RD = Init->getType()->getAsRecordDecl();
  if (!RD)
    return false;
  unsigned FieldIndex = 0;
  for (const FieldDecl *Field : RD->fields()) {
    if (Field->getName() == "ml_flags") {
      if (FieldIndex >= Init->getNumInits())
        return false;
      Expr::EvalResult R;
      const Expr *Flags = Init->getInit(FieldIndex);
      if (Flags->isValueDependent() || !Flags->EvaluateAsInt(R, Ctx) ||
          !(R.Val.getInt().getExtValue() & MethNoArgs))
        return false;
      Builder->setBinding("method-entry", DynTypedNode::create(*Init));
      Builder->setBinding("method-table", DynTypedNode::create(*Var));
      return true;
    }
    ++FieldIndex;
  }
  return false;
}

std::string describe(const Callable &C) {
  if (C.IsLambda)
    return "the lambda";
  if (const auto *F = dyn_cast_or_null<FunctionDecl>(C.Definition))
    return "'" + F->getQualifiedNameAsString() + "'";
  return "the callable";
}

std::string describeArity(const Signature &S) {
  std::string Count = std::to_string(S.Min);
  if (S.Unbounded)
    return "at least " + Count;
  if (S.Min == S.Max)
    return Count;
  return Count + " to " + std::to_string(S.Max);
}
} // namespace

CallbackArityCheck::CallbackArityCheck(StringRef Name,
                                       ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      PybindWeakrefs(Options.get("PybindWeakrefs", DefaultPybindWeakrefs)),
      PybindFunctions(Options.get("PybindFunctions", DefaultPybindFunctions)),
      CapiWeakrefFactories(
          Options.get("CapiWeakrefFactories", DefaultCapiWeakrefFactories)),
      CapiFunctionFactories(
          Options.get("CapiFunctionFactories", DefaultCapiFunctionFactories)),
      RuntimeRefs(Options.get("RuntimeRefs", DefaultRuntimeRefs)),
      RuntimeFinalizers(
          Options.get("RuntimeFinalizers", DefaultRuntimeFinalizers)) {
  // Every report is about one of these weak references or finalizers.
  keywords::declare(this, {PybindWeakrefs, CapiWeakrefFactories, RuntimeRefs,
                           RuntimeFinalizers});
}

void CallbackArityCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "PybindWeakrefs", PybindWeakrefs);
  Options.store(Opts, "PybindFunctions", PybindFunctions);
  Options.store(Opts, "CapiWeakrefFactories", CapiWeakrefFactories);
  Options.store(Opts, "CapiFunctionFactories", CapiFunctionFactories);
  Options.store(Opts, "RuntimeRefs", RuntimeRefs);
  Options.store(Opts, "RuntimeFinalizers", RuntimeFinalizers);
}

void CallbackArityCheck::registerMatchers(MatchFinder *Finder) {
  using matchers::classTypeNamed;
  using utils::options::parseStringList;

  // CPython: PyWeakref_NewRef(obj, PyCFunction_New(&def, self)) with
  // def.ml_flags == METH_NOARGS; the callback gets the weak reference.
  const auto FunctionFromNoArgsDef =
      callExpr(callee(functionDecl(
                   hasAnyName(parseStringList(CapiFunctionFactories)))),
               hasArgument(0, pointsToNoArgsMethodDef()));
  Finder->addMatcher(
      callExpr(callee(functionDecl(
                          hasAnyName(parseStringList(CapiWeakrefFactories)))
                          .bind("factory")),
               hasArgument(1, resolvesTo(FunctionFromNoArgsDef)))
          .bind("capi"),
      this);

  // The rest is C++ only.
  if (!getLangOpts().CPlusPlus11)
    return;

  // pybind11: py::weakref(obj, py::cpp_function(f)); f gets the weakref.
  const auto CppFunctionOfWrongArity = cxxConstructExpr(
      hasType(classTypeNamed(parseStringList(PybindFunctions))),
      argumentCountIs(1), hasArgument(0, callableRejecting(1)));
  Finder->addMatcher(
      cxxConstructExpr(hasType(classTypeNamed(parseStringList(PybindWeakrefs))),
                       hasArgument(1, resolvesTo(CppFunctionOfWrongArity)))
          .bind("pybind"),
      this);

  // The runtime: weakref::ref<T> r(sp, cb) calls cb(r);
  // weakref::finalize fin(sp, f, args...) calls f(args...).
  Finder->addMatcher(
      cxxConstructExpr(hasType(classTypeNamed(parseStringList(RuntimeRefs))),
                       argumentCountIs(2),
                       hasArgument(1, callableRejecting(1)))
          .bind("ref"),
      this);
  Finder->addMatcher(
      cxxConstructExpr(
          hasType(classTypeNamed(parseStringList(RuntimeFinalizers))),
          finalizerRejectingItsArguments())
          .bind("finalize"),
      this);
}

void CallbackArityCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("capi")) {
    const auto *Entry = Result.Nodes.getNodeAs<InitListExpr>("method-entry");
    const auto *Table = Result.Nodes.getNodeAs<VarDecl>("method-table");
    if (!Entry || !Table || !Reported.insert(Call).second)
      return;
    const SourceLocation Callback =
        Result.SourceManager->getExpansionLoc(Call->getArg(1)->getBeginLoc());
    diag(Callback,
         "the callback of %0 is called with 1 argument, the weak reference, "
         "but its method takes none; declare it METH_O")
        << Result.Nodes.getNodeAs<FunctionDecl>("factory");
    diag(Entry->getBeginLoc(), "the PyMethodDef entry in %0 is declared METH_NOARGS here",
         DiagnosticIDs::Note)
        << Table;
    return;
  }
  const auto *CallableExpr = Result.Nodes.getNodeAs<Expr>("callable");
  std::optional<Callable> C =
      callableOf(CallableExpr, *Result.Context);
  if (!C)
    return;
  const std::string Name = describe(*C);
  const std::string Takes = describeArity(C->Sig);
  if (const auto *Construct =
          Result.Nodes.getNodeAs<CXXConstructExpr>("pybind")) {
    diag(Construct->getArg(1)->getBeginLoc(),
         "the callback of py::weakref is called with 1 argument, the weak "
         "reference, but %0 takes %1; give it exactly one required parameter")
        << Name << Takes << Construct->getArg(1)->getSourceRange();
  } else if (Result.Nodes.getNodeAs<CXXConstructExpr>("ref")) {
    diag(CallableExpr->getBeginLoc(),
         "the callback of weakref::ref is called with 1 argument, the dead "
         "ref, but %0 takes %1; give it exactly one required parameter")
        << Name << Takes << CallableExpr->getSourceRange();
  } else if (const auto *Construct =
                 Result.Nodes.getNodeAs<CXXConstructExpr>("finalize")) {
    const unsigned Given = Construct->getNumArgs() - 2;
    diag(CallableExpr->getBeginLoc(),
         "the function of weakref::finalize is called with the %0 stored "
         "argument%s0 but %1 takes %2; pass exactly the arguments it takes")
        << Given << Name << Takes << CallableExpr->getSourceRange();
  } else {
    return;
  }
  diag(C->Loc, "%0 is defined here", DiagnosticIDs::Note) << Name;
}

} // namespace clang::tidy::weakref
