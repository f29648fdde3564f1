//===-- LockResultModel.cpp - dataflow model of lock() results ------------===//
//
// Every strong pointer object (a RecordStorageLocation of a StrongPointers
// type) gets two synthetic boolean fields:
//   nonnull   - the pointer owns an object;
//   from_lock - the value came from a lock-like call.
// A raw pointer obtained with get() carries the same two facts as properties
// of its PointerValue, plus temp_owner: its owner was a temporary that died
// at the end of the full-expression.
//
// A dereference is reported when the flow condition proves from_lock but does
// not prove nonnull. Values of unknown origin (parameters, members, factory
// results) have an unconstrained from_lock, so they are never reported: only
// what provably came from lock() on every path counts.
//
//===----------------------------------------------------------------------===//

#include "LockResultModel.h"
#include "summaries/FunctionSummaries.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Analysis/FlowSensitive/AdornedCFG.h"
#include "clang/Analysis/FlowSensitive/CFGMatchSwitch.h"
#include "clang/Analysis/FlowSensitive/DataflowAnalysis.h"
#include "clang/Analysis/FlowSensitive/DataflowAnalysisContext.h"
#include "clang/Analysis/FlowSensitive/DataflowEnvironment.h"
#include "clang/Analysis/FlowSensitive/NoopLattice.h"
#include "clang/Analysis/FlowSensitive/StorageLocation.h"
#include "clang/Analysis/FlowSensitive/TypeErasedDataflowAnalysis.h"
#include "clang/Analysis/FlowSensitive/Value.h"
#include "clang/Analysis/FlowSensitive/WatchedLiteralsSolver.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/GlobPattern.h"

namespace clang::tidy::weakref::lockmodel {
namespace {

using namespace clang::dataflow;
using namespace clang::ast_matchers;

constexpr llvm::StringLiteral NonNull = "weakcheck.nonnull";
constexpr llvm::StringLiteral FromLock = "weakcheck.from_lock";
constexpr llvm::StringLiteral TempOwner = "weakcheck.temp_owner";

/// The SAT solver's budget per function: well above what ordinary functions
/// need (a few hundred iterations), low enough that a pathological function
/// costs milliseconds, not seconds.
constexpr std::int64_t MaxSATIterations = 200'000;
constexpr std::int32_t MaxBlockVisits = 5'000;
/// Functions with more CFG blocks than this go straight to the fallback
/// (Boost.Beast's websocket read/write operations have several hundred and
/// exhausted MaxBlockVisits after ~0.25 s each).
constexpr unsigned MaxBlocksForDataflow = 300;
/// Functions with more lock() calls than this go straight to the
/// path-insensitive fallback: their flow conditions grow past the SAT
/// budget above (a function of 30 lock() results, each tested in a
/// branch, already does).
constexpr std::size_t MaxLockCallsForDataflow = 48;

/// Answers "is this class one of the configured names?" once per class.
class ClassNames {
public:
  explicit ClassNames(const std::vector<std::string> &Names) {
    for (const std::string &N : Names)
      Qualified.insert(llvm::StringRef(N).ltrim(':'));
  }
  bool contains(QualType Ty) const {
    if (Ty.isNull())
      return false;
    const CXXRecordDecl *RD = Ty.getNonReferenceType()->getAsCXXRecordDecl();
    if (!RD)
      return false;
    RD = RD->getCanonicalDecl();
    auto [It, Inserted] = Cache.try_emplace(RD, false);
    if (Inserted)
      It->second = Qualified.contains(RD->getQualifiedNameAsString());
    return It->second;
  }

private:
  llvm::StringSet<> Qualified;
  mutable llvm::DenseMap<const CXXRecordDecl *, bool> Cache;
};

/// The synthetic field \p Name of \p Loc, or null when \p Loc is not a
/// tracked pointer.
StorageLocation *syntheticField(const RecordStorageLocation &Loc,
                                llvm::StringRef Name) {
  for (const auto &Entry : Loc.synthetic_fields())
    if (Entry.getKey() == Name)
      return Entry.getValue();
  return nullptr;
}

/// The boolean held in synthetic field \p Name, created if unset.
BoolValue *fieldValue(const RecordStorageLocation *Loc, llvm::StringRef Name,
                      Environment &Env) {
  if (!Loc)
    return nullptr;
  StorageLocation *F = syntheticField(*Loc, Name);
  if (!F)
    return nullptr;
  auto *V = Env.get<BoolValue>(*F);
  if (!V) {
    V = &Env.makeAtomicBoolValue();
    Env.setValue(*F, *V);
  }
  return V;
}

const BoolValue *fieldValue(const RecordStorageLocation *Loc,
                            llvm::StringRef Name, const Environment &Env) {
  if (!Loc)
    return nullptr;
  StorageLocation *F = syntheticField(*Loc, Name);
  return F ? Env.get<BoolValue>(*F) : nullptr;
}

void setField(const RecordStorageLocation *Loc, llvm::StringRef Name,
              BoolValue &V, Environment &Env) {
  if (!Loc)
    return;
  if (StorageLocation *F = syntheticField(*Loc, Name))
    Env.setValue(*F, V);
}

/// The storage of the strong pointer object \p E denotes.
RecordStorageLocation *objectLoc(const Expr &E, const Environment &Env) {
  if (E.isPRValue()) {
    if (!E.getType()->isRecordType())
      return nullptr;
    return &Env.getResultObjectLocation(E);
  }
  RecordStorageLocation *Loc = Env.get<RecordStorageLocation>(E);
  if (Loc && syntheticField(*Loc, NonNull))
    return Loc;
  // A derived-to-base cast to libstdc++'s __shared_ptr may get a location of
  // its own; the object itself is the one whose facts are tracked.
  const Expr *Inner = E.IgnoreParenImpCasts();
  if (Inner != &E && Inner->isGLValue())
    if (auto *InnerLoc = Env.get<RecordStorageLocation>(*Inner))
      return InnerLoc;
  return Loc;
}

bool isTemporaryObject(const Expr *E) {
  E = E->IgnoreParens();
  while (const auto *ICE = dyn_cast<ImplicitCastExpr>(E))
    E = ICE->getSubExpr()->IgnoreParens();
  return isa<MaterializeTemporaryExpr>(E) || E->isPRValue();
}

using State = TransferState<NoopLattice>;

AST_MATCHER(Expr, nullPtrTyped) { return Node.getType()->isNullPtrType(); }

void assumeDereferenced(const CFGElement &Elt, Environment &Env,
                        summaries::FunctionSummaries *Summaries,
                        ASTContext &Ctx);

/// Calls that run only when an assertion's condition failed: the analysis
/// takes them not to return.
using FailureCalls = llvm::DenseSet<const Stmt *>;

class LockAnalysis : public DataflowAnalysis<LockAnalysis, NoopLattice> {
public:
  LockAnalysis(ASTContext &Ctx, Environment &Env, const lockmodel::Options &Opts,
               const FailureCalls &Failures)
      : DataflowAnalysis(Ctx), Strong(Opts.StrongPointers),
        Weak(Opts.WeakReferences), Failures(Failures),
        Summaries(Opts.Summaries) {
    Env.getDataflowAnalysisContext().setSyntheticFieldCallback(
        [this, &Ctx](QualType Ty) -> llvm::StringMap<QualType> {
          if (!Strong.contains(Ty))
            return {};
          return {{NonNull, Ctx.BoolTy}, {FromLock, Ctx.BoolTy}};
        });
    Transfer = buildTransfer(Opts);
  }

  static NoopLattice initialElement() { return {}; }

  void transfer(const CFGElement &Elt, NoopLattice &L, Environment &Env) {
    State S(L, Env);
    Transfer(Elt, getASTContext(), S);
    assumeDereferenced(Elt, Env, Summaries, getASTContext());
    // An assertion's failure handler: the path ends here.
    if (auto CS = Elt.getAs<CFGStmt>(); CS && Failures.contains(CS->getStmt()))
      Env.assume(Env.arena().makeLiteral(false));
  }

  // Raw pointers carry their facts as properties; keep them across joins of
  // distinct values, as the framework does for booleans.
  void join(QualType, const Value &Val1, const Environment &Env1,
            const Value &Val2, const Environment &Env2, Value &JoinedVal,
            Environment &JoinedEnv) override {
    if (!isa<PointerValue>(Val1) || !isa<PointerValue>(JoinedVal))
      return;
    for (llvm::StringRef Name : {NonNull, FromLock, TempOwner}) {
      auto *B1 = dyn_cast_or_null<BoolValue>(Val1.getProperty(Name));
      auto *B2 = dyn_cast_or_null<BoolValue>(Val2.getProperty(Name));
      if (!B1 || !B2)
        continue;
      if (B1 == B2) {
        JoinedVal.setProperty(Name, *B1);
        continue;
      }
      Arena &A = JoinedEnv.arena();
      const Formula &J = A.makeAtomRef(A.makeAtom());
      JoinedEnv.assume(A.makeOr(
          A.makeAnd(A.makeAtomRef(Env1.getFlowConditionToken()),
                    A.makeEquals(J, B1->formula())),
          A.makeAnd(A.makeAtomRef(Env2.getFlowConditionToken()),
                    A.makeEquals(J, B2->formula()))));
      JoinedVal.setProperty(Name, A.makeBoolValue(J));
    }
  }

  ComparisonResult compare(QualType, const Value &Val1, const Environment &,
                           const Value &Val2, const Environment &) override {
    if (!isa<PointerValue>(Val1))
      return ComparisonResult::Unknown;
    for (llvm::StringRef Name : {NonNull, FromLock, TempOwner})
      if (!sameFact(Val1.getProperty(Name), Val2.getProperty(Name)))
        return ComparisonResult::Different;
    return ComparisonResult::Same;
  }

  // In loops, a raw pointer's facts that keep changing become unknown (top),
  // which makes the check silent about it rather than never converging.
  std::optional<WidenResult> widen(QualType, Value &Prev, const Environment &,
                                   Value &Current,
                                   Environment &CurrentEnv) override {
    auto *Cur = dyn_cast<PointerValue>(&Current);
    if (!Cur || Current.properties().empty())
      return std::nullopt;
    bool Same = true, PrevTop = true;
    for (llvm::StringRef Name : {NonNull, FromLock, TempOwner}) {
      Same &= sameFact(Prev.getProperty(Name), Current.getProperty(Name));
      Value *P = Prev.getProperty(Name);
      PrevTop &= P == nullptr || isa<TopBoolValue>(P);
    }
    if (Same)
      return WidenResult{&Current, LatticeEffect::Unchanged};
    auto &W = CurrentEnv.create<PointerValue>(Cur->getPointeeLoc());
    for (llvm::StringRef Name : {NonNull, FromLock, TempOwner})
      if (Current.getProperty(Name))
        W.setProperty(Name, CurrentEnv.makeTopBoolValue());
    return WidenResult{&W, PrevTop ? LatticeEffect::Unchanged
                                   : LatticeEffect::Changed};
  }

private:
  static bool sameFact(const Value *A, const Value *B) {
    return A == B || (A && B && isa<TopBoolValue>(A) && isa<TopBoolValue>(B));
  }

  CFGMatchSwitch<State> buildTransfer(const lockmodel::Options &Opts);

  /// The value of an operand of ==, with one value per enumerator.
  Value *operandValue(const Expr *E, Environment &Env) {
    if (Value *V = Env.getValue(*E))
      return V;
    const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    const auto *Enumerator =
        Ref ? dyn_cast<EnumConstantDecl>(Ref->getDecl()) : nullptr;
    if (!Enumerator)
      return nullptr;
    IntegerValue *&V = Enumerators[Enumerator];
    if (!V)
      V = &Env.create<IntegerValue>();
    return V;
  }

  ClassNames Strong;
  ClassNames Weak;
  const FailureCalls &Failures;
  summaries::FunctionSummaries *Summaries;
  llvm::DenseMap<const EnumConstantDecl *, IntegerValue *> Enumerators;
  llvm::DenseMap<std::pair<const Value *, const Value *>, BoolValue *>
      Equalities;
  CFGMatchSwitch<State> Transfer;
};

// Matchers shared by the transfer function and the diagnoser.
struct Shapes {
  explicit Shapes(const lockmodel::Options &Opts) {
    std::vector<llvm::StringRef> Strongs(Opts.StrongPointers.begin(),
                                         Opts.StrongPointers.end());
    StrongType = qualType(hasUnqualifiedDesugaredType(
        recordType(hasDeclaration(cxxRecordDecl(hasAnyName(Strongs))))));
    StrongExpr = expr(ignoringParenImpCasts(expr(hasType(StrongType))));
    LockCall = callExpr(lockCall(Opts), hasType(StrongType));
    NullPtr = expr(ignoringParenImpCasts(
        anyOf(cxxNullPtrLiteralExpr(), gnuNullExpr(), integerLiteral(equals(0)),
              nullPtrTyped())));
  }
  TypeMatcher StrongType = qualType();
  StatementMatcher StrongExpr = expr();
  StatementMatcher LockCall = expr();
  StatementMatcher NullPtr = expr();

  /// A member call on a strong pointer object (through libstdc++'s bases).
  StatementMatcher memberCall(DeclarationMatcher Method) const {
    return cxxMemberCallExpr(on(StrongExpr), callee(Method));
  }
};

void swapFacts(RecordStorageLocation *A, RecordStorageLocation *B,
               Environment &Env) {
  for (llvm::StringRef Name : {NonNull, FromLock}) {
    BoolValue *VA = fieldValue(A, Name, Env);
    BoolValue *VB = fieldValue(B, Name, Env);
    if (VA && VB) {
      setField(A, Name, *VB, Env);
      setField(B, Name, *VA, Env);
    }
  }
}

/// The facts of the strong pointer \p Obj, as formulas, for a raw pointer.
void copyFactsToPointer(const RecordStorageLocation *Obj, PointerValue &P,
                        bool Temporary, Environment &Env) {
  if (BoolValue *N = fieldValue(Obj, NonNull, Env))
    P.setProperty(NonNull, *N);
  if (BoolValue *F = fieldValue(Obj, FromLock, Env))
    P.setProperty(FromLock, *F);
  P.setProperty(TempOwner, Env.getBoolLiteralValue(Temporary));
}

CFGMatchSwitch<State> LockAnalysis::buildTransfer(const lockmodel::Options &Opts) {
  Shapes M(Opts);
  auto BoolOf = [](const Expr *E, BoolValue &V, Environment &Env) {
    Env.setValue(*E, V);
  };
  return CFGMatchSwitchBuilder<State>()
      // p = w.lock(): may be null, came from lock.
      .CaseOfCFGStmt<CallExpr>(
          M.LockCall,
          [](const CallExpr *E, const MatchFinder::MatchResult &, State &S) {
            RecordStorageLocation *Loc = objectLoc(*E, S.Env);
            setField(Loc, NonNull, S.Env.makeAtomicBoolValue(), S.Env);
            setField(Loc, FromLock, S.Env.getBoolLiteralValue(true), S.Env);
          })
      // Constructions that are not copies or moves (the framework copies the
      // synthetic fields of those itself).
      .CaseOfCFGStmt<CXXConstructExpr>(
          cxxConstructExpr(hasType(M.StrongType),
                           unless(hasDeclaration(cxxConstructorDecl(
                               anyOf(isCopyConstructor(),
                                     isMoveConstructor()))))),
          [this](const CXXConstructExpr *E, const MatchFinder::MatchResult &,
                 State &S) {
            RecordStorageLocation &Loc = S.Env.getResultObjectLocation(*E);
            Environment &Env = S.Env;
            auto Set = [&](bool NN) {
              setField(&Loc, NonNull, Env.getBoolLiteralValue(NN), Env);
              setField(&Loc, FromLock, Env.getBoolLiteralValue(false), Env);
            };
            if (E->getNumArgs() == 0) {
              Set(false); // shared_ptr<T>()
              return;
            }
            const Expr *Arg = E->getArg(0);
            if (Arg->getType()->isNullPtrType()) {
              Set(false); // shared_ptr<T>(nullptr)
              return;
            }
            if (Weak.contains(Arg->getType())) {
              Set(true); // shared_ptr<T>(weak): throws when expired
              return;
            }
            if (E->getNumArgs() == 1 && Strong.contains(Arg->getType())) {
              // Converting copy/move: shared_ptr<Base>(shared_ptr<Derived>).
              RecordStorageLocation *From = objectLoc(*Arg, Env);
              if (BoolValue *N = fieldValue(From, NonNull, Env))
                setField(&Loc, NonNull, *N, Env);
              if (BoolValue *F = fieldValue(From, FromLock, Env))
                setField(&Loc, FromLock, *F, Env);
            }
          })
      // p.reset() / p = nullptr: null.
      .CaseOfCFGStmt<CXXMemberCallExpr>(
          M.memberCall(cxxMethodDecl(hasName("reset"), parameterCountIs(0))),
          [](const CXXMemberCallExpr *E, const MatchFinder::MatchResult &,
             State &S) {
            RecordStorageLocation *Loc = objectLoc(*E->getImplicitObjectArgument(), S.Env);
            setField(Loc, NonNull, S.Env.getBoolLiteralValue(false), S.Env);
          })
      .CaseOfCFGStmt<CXXOperatorCallExpr>(
          cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                              hasArgument(0, M.StrongExpr),
                              hasArgument(1, M.NullPtr)),
          [](const CXXOperatorCallExpr *E, const MatchFinder::MatchResult &,
             State &S) {
            RecordStorageLocation *Loc = objectLoc(*E->getArg(0), S.Env);
            setField(Loc, NonNull, S.Env.getBoolLiteralValue(false), S.Env);
            setField(Loc, FromLock, S.Env.getBoolLiteralValue(false), S.Env);
            if (Loc)
              S.Env.setStorageLocation(*E, *Loc);
          })
      // Converting assignment p = shared_ptr<Derived>(...): copy the facts.
      .CaseOfCFGStmt<CXXOperatorCallExpr>(
          cxxOperatorCallExpr(
              hasOverloadedOperatorName("="), argumentCountIs(2),
              hasArgument(0, M.StrongExpr), hasArgument(1, M.StrongExpr),
              unless(callee(cxxMethodDecl(anyOf(isCopyAssignmentOperator(),
                                                isMoveAssignmentOperator()))))),
          [](const CXXOperatorCallExpr *E, const MatchFinder::MatchResult &,
             State &S) {
            RecordStorageLocation *To = objectLoc(*E->getArg(0), S.Env);
            RecordStorageLocation *From = objectLoc(*E->getArg(1), S.Env);
            for (llvm::StringRef Name : {NonNull, FromLock})
              if (BoolValue *V = fieldValue(From, Name, S.Env))
                setField(To, Name, *V, S.Env);
            if (To)
              S.Env.setStorageLocation(*E, *To);
          })
      // p.swap(q)
      .CaseOfCFGStmt<CXXMemberCallExpr>(
          M.memberCall(cxxMethodDecl(hasName("swap"), parameterCountIs(1))),
          [](const CXXMemberCallExpr *E, const MatchFinder::MatchResult &,
             State &S) {
            swapFacts(objectLoc(*E->getImplicitObjectArgument(), S.Env),
                      objectLoc(*E->getArg(0), S.Env), S.Env);
          })
      // swap(p, q), std::swap(p, q)
      .CaseOfCFGStmt<CallExpr>(
          callExpr(callee(functionDecl(hasName("swap"))), argumentCountIs(2),
                   hasArgument(0, M.StrongExpr), hasArgument(1, M.StrongExpr)),
          [](const CallExpr *E, const MatchFinder::MatchResult &, State &S) {
            swapFacts(objectLoc(*E->getArg(0), S.Env),
                      objectLoc(*E->getArg(1), S.Env), S.Env);
          })
      // if (p), !p, static_cast<bool>(p)
      .CaseOfCFGStmt<CXXMemberCallExpr>(
          M.memberCall(cxxConversionDecl(returns(booleanType()))),
          [BoolOf](const CXXMemberCallExpr *E, const MatchFinder::MatchResult &,
                   State &S) {
            if (BoolValue *N = fieldValue(objectLoc(*E->getImplicitObjectArgument(), S.Env),
                                          NonNull, S.Env))
              BoolOf(E, *N, S.Env);
          })
      .CaseOfCFGStmt<CastExpr>(
          castExpr(hasCastKind(CK_UserDefinedConversion),
                   hasType(booleanType())),
          [BoolOf](const CastExpr *E, const MatchFinder::MatchResult &,
                   State &S) {
            if (auto *V = S.Env.get<BoolValue>(*E->getSubExpr()))
              BoolOf(E, *V, S.Env);
          })
      // p == nullptr, nullptr != p, ...
      .CaseOfCFGStmt<CXXOperatorCallExpr>(
          cxxOperatorCallExpr(hasAnyOverloadedOperatorName("==", "!="),
                              argumentCountIs(2),
                              hasEitherOperand(M.StrongExpr),
                              hasEitherOperand(M.NullPtr)),
          [BoolOf](const CXXOperatorCallExpr *E,
                   const MatchFinder::MatchResult &, State &S) {
            const Expr *Ptr = E->getArg(0);
            if (Ptr->IgnoreParenImpCasts()->getType()->isNullPtrType())
              Ptr = E->getArg(1);
            BoolValue *N = fieldValue(objectLoc(*Ptr, S.Env), NonNull, S.Env);
            if (!N)
              return;
            BoolOf(E,
                   E->getOperator() == OO_ExclaimEqual ? *N
                                                       : S.Env.makeNot(*N),
                   S.Env);
          })
      // raw = p.get(): the raw pointer inherits the facts.
      .CaseOfCFGStmt<CXXMemberCallExpr>(
          M.memberCall(cxxMethodDecl(hasName("get"), parameterCountIs(0))),
          [](const CXXMemberCallExpr *E, const MatchFinder::MatchResult &,
             State &S) {
            RecordStorageLocation *Obj = objectLoc(*E->getImplicitObjectArgument(), S.Env);
            if (!Obj || !syntheticField(*Obj, NonNull))
              return;
            QualType Pointee = E->getType()->getPointeeType();
            if (Pointee.isNull())
              return;
            auto &P = S.Env.create<PointerValue>(
                S.Env.createStorageLocation(Pointee));
            copyFactsToPointer(
                Obj, P, isTemporaryObject(E->getImplicitObjectArgument()),
                S.Env);
            S.Env.setValue(*E, P);
          })
      // if (raw), !raw
      .CaseOfCFGStmt<ImplicitCastExpr>(
          implicitCastExpr(hasCastKind(CK_PointerToBoolean)),
          [BoolOf](const ImplicitCastExpr *E, const MatchFinder::MatchResult &,
                   State &S) {
            Value *P = S.Env.getValue(*E->getSubExpr());
            if (auto *N = P ? dyn_cast_or_null<BoolValue>(
                                  P->getProperty(NonNull))
                            : nullptr)
              BoolOf(E, *N, S.Env);
          })
      // raw == nullptr, raw != nullptr
      .CaseOfCFGStmt<BinaryOperator>(
          binaryOperator(hasAnyOperatorName("==", "!="),
                         hasEitherOperand(M.NullPtr),
                         hasEitherOperand(hasType(pointerType()))),
          [BoolOf](const BinaryOperator *E, const MatchFinder::MatchResult &R,
                   State &S) {
            const Expr *Ptr = E->getLHS();
            if (Ptr->isNullPointerConstant(*R.Context,
                                           Expr::NPC_ValueDependentIsNotNull))
              Ptr = E->getRHS();
            Value *P = S.Env.getValue(*Ptr);
            auto *N =
                P ? dyn_cast_or_null<BoolValue>(P->getProperty(NonNull)) : nullptr;
            if (!N)
              return;
            BoolOf(E,
                   E->getOpcode() == BO_NE ? *N : S.Env.makeNot(*N), S.Env);
          })
      // Scoped enums have no values in the framework: give variables a value
      // when read (and enumerators one value each, below), so that
      // comparisons of the same variable with the same enumerator agree.
      .CaseOfCFGStmt<ImplicitCastExpr>(
          implicitCastExpr(hasCastKind(CK_LValueToRValue),
                           hasType(hasCanonicalType(enumType()))),
          [](const ImplicitCastExpr *E, const MatchFinder::MatchResult &,
             State &S) {
            if (S.Env.getValue(*E))
              return;
            StorageLocation *Loc = S.Env.getStorageLocation(*E->getSubExpr());
            if (!Loc)
              return;
            Value *V = S.Env.getValue(*Loc);
            if (!V) {
              V = &S.Env.create<IntegerValue>();
              S.Env.setValue(*Loc, *V);
            }
            S.Env.setValue(*E, *V);
          })
      // e = f(): the framework keeps the old value when the new one is
      // unknown.
      .CaseOfCFGStmt<BinaryOperator>(
          binaryOperator(hasOperatorName("="), hasType(hasCanonicalType(enumType()))),
          [](const BinaryOperator *E, const MatchFinder::MatchResult &,
             State &S) {
            if (S.Env.getValue(*E->getRHS()))
              return;
            if (StorageLocation *Loc = S.Env.getStorageLocation(*E->getLHS()))
              S.Env.setValue(*Loc, S.Env.create<IntegerValue>());
          })
      // a == b: where neither operand has a value (floating point, ...) the
      // framework says "equal" (two missing values are the same), which
      // makes every else-branch unreachable; where both have distinct
      // non-boolean values it makes a fresh unknown each time. Unknown, but
      // one unknown per pair of values, so that `x == A` tested twice agrees
      // with itself.
      .CaseOfCFGStmt<BinaryOperator>(
          binaryOperator(hasAnyOperatorName("==", "!=")),
          [this](const BinaryOperator *E, const MatchFinder::MatchResult &,
                 State &S) {
            Value *L = operandValue(E->getLHS(), S.Env);
            Value *R = operandValue(E->getRHS(), S.Env);
            BoolValue *Equal = nullptr;
            if (!L && !R) {
              Equal = &S.Env.makeAtomicBoolValue();
            } else if (L && R && L != R && isa<IntegerValue>(L) &&
                       isa<IntegerValue>(R)) {
              BoolValue *&Cached = Equalities[{std::min(L, R), std::max(L, R)}];
              if (!Cached)
                Cached = &S.Env.makeAtomicBoolValue();
              Equal = Cached;
            }
            if (Equal)
              S.Env.setValue(*E, E->getOpcode() == BO_EQ ? *Equal
                                                         : S.Env.makeNot(*Equal));
          })
      .Build();
}

/// Whether \p S or something in it was written as an argument of a macro.
bool mentionsMacroArgument(const Stmt *S, const SourceManager &SM) {
  if (!S)
    return false;
  if (SM.isMacroArgExpansion(S->getBeginLoc()))
    return true;
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return mentionsMacroArgument(Child, SM);
  });
}

bool isEmptyStatement(const Stmt *S) {
  if (!S || isa<NullStmt>(S))
    return true;
  const auto *Block = dyn_cast<CompoundStmt>(S);
  return Block && llvm::all_of(Block->body(), isEmptyStatement);
}

void collectCalls(const Stmt *S, FailureCalls &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (isa<CallExpr, CXXConstructExpr, CXXThrowExpr>(S))
    Out.insert(S);
  for (const Stmt *Child : S->children())
    collectCalls(Child, Out);
}

/// Finds, in \p S, the branches of assertion macros that run when the
/// asserted condition fails, and collects their calls:
///   if (!(c)) fail(...);           if (__builtin_expect(!(c), 0)) fail();
///   (c) ? (void)0 : fail(...)      !(c) ? fail(...) : void(0)
///   (void)((c) || (fail(...), 0))
/// (any of them inside do { ... } while (0)). The condition must contain
/// the macro's argument, and the other branch must do nothing.
void collectFailureCalls(const Stmt *S, ASTContext &Ctx,
                         const AssertMacroNames &Names, FailureCalls &Out) {
  if (!S)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  if (S->getBeginLoc().isMacroID()) {
    const Stmt *Failure = nullptr;
    if (const auto *If = dyn_cast<IfStmt>(S)) {
      if (Names.inExpansion(If->getIfLoc(), SM, Ctx.getLangOpts()) &&
          mentionsMacroArgument(If->getCond(), SM)) {
        if (isEmptyStatement(If->getElse()) && !isEmptyStatement(If->getThen()))
          Failure = If->getThen();
        else if (isEmptyStatement(If->getThen()))
          Failure = If->getElse();
      }
    } else if (const auto *Cond = dyn_cast<ConditionalOperator>(S)) {
      if (Names.inExpansion(Cond->getQuestionLoc(), SM, Ctx.getLangOpts()) &&
          mentionsMacroArgument(Cond->getCond(), SM)) {
        bool TrueDoesNothing = !Cond->getTrueExpr()->HasSideEffects(Ctx);
        bool FalseDoesNothing = !Cond->getFalseExpr()->HasSideEffects(Ctx);
        if (TrueDoesNothing && !FalseDoesNothing)
          Failure = Cond->getFalseExpr();
        else if (FalseDoesNothing && !TrueDoesNothing)
          Failure = Cond->getTrueExpr();
      }
    } else if (const auto *Or = dyn_cast<BinaryOperator>(S);
               Or && Or->getOpcode() == BO_LOr &&
               Names.inExpansion(Or->getOperatorLoc(), SM, Ctx.getLangOpts()) &&
               mentionsMacroArgument(Or->getLHS(), SM)) {
      Failure = Or->getRHS();
    }
    if (Failure) {
      collectCalls(Failure, Out);
      return;
    }
  }
  for (const Stmt *Child : S->children())
    collectFailureCalls(Child, Ctx, Names, Out);
}

} // namespace

AssertMacroNames::AssertMacroNames(const std::vector<std::string> &Patterns) {
  for (const std::string &P : Patterns) {
    std::string Lower = llvm::StringRef(P).trim().lower();
    if (Lower.find_first_of("*?[\\") == std::string::npos)
      Exact.insert(Lower);
    else
      GlobSources.push_back(std::move(Lower));
  }
  // A GlobPattern refers into its source text: GlobSources no longer grows.
  for (const std::string &Source : GlobSources) {
    if (llvm::Expected<llvm::GlobPattern> Glob =
            llvm::GlobPattern::create(Source))
      Globs.push_back(std::move(*Glob));
    else
      llvm::consumeError(Glob.takeError());
  }
}

bool AssertMacroNames::matches(llvm::StringRef MacroName) const {
  if (MacroName.empty())
    return false;
  auto [It, Inserted] = Cache.try_emplace(MacroName, false);
  if (Inserted) {
    std::string Name = MacroName.lower();
    It->second = Exact.contains(Name) ||
                 llvm::any_of(Globs, [&](const llvm::GlobPattern &G) {
                   return G.match(Name);
                 });
  }
  return It->second;
}

bool AssertMacroNames::inExpansion(SourceLocation Loc, const SourceManager &SM,
                                   const LangOptions &LO) const {
  for (unsigned Depth = 0; Loc.isMacroID() && Depth < 16; ++Depth) {
    if (!SM.isMacroArgExpansion(Loc) &&
        matches(Lexer::getImmediateMacroName(Loc, SM, LO)))
      return true;
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  }
  return false;
}

StatementMatcher lockCall(const lockmodel::Options &Opts) {
  std::vector<ast_matchers::internal::DynTypedMatcher> Methods;
  for (llvm::StringRef Name : Opts.LockFunctions) {
    auto [Class, Method] = Name.rsplit("::");
    if (Class.empty() || Method.empty())
      continue;
    Methods.push_back(
        cxxMethodDecl(hasName(Method), ofClass(cxxRecordDecl(hasName(Class)))));
  }
  if (Methods.empty())
    return callExpr(unless(anything()));
  using ast_matchers::internal::DynTypedMatcher;
  return callExpr(callee(
      DynTypedMatcher::constructVariadic(DynTypedMatcher::VO_AnyOf,
                                         ASTNodeKind::getFromNodeKind<Decl>(),
                                         std::move(Methods))
          .convertTo<Decl>()));
}

namespace {

/// True when the flow condition proves \p V.
bool proves(const Environment &Env, const Value *V) {
  const auto *B = dyn_cast_or_null<BoolValue>(V);
  return B && Env.proves(B->formula());
}

const ValueDecl *namedVariable(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  // p.get() passed on: name p.
  if (const auto *Get = dyn_cast<CXXMemberCallExpr>(E);
      Get && Get->getMethodDecl() && Get->getMethodDecl()->getIdentifier() &&
      Get->getMethodDecl()->getName() == "get" && Get->getNumArgs() == 0)
    E = Get->getImplicitObjectArgument()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl();
  return nullptr;
}

/// The arguments of \p Call that its callee dereferences without a check
/// (per its summary), with the summary's fact.
llvm::SmallVector<std::pair<const Expr *, const summaries::Fact *>, 2>
derefedArguments(const CallExpr *Call, summaries::FunctionSummaries *Summaries,
                 ASTContext &Ctx) {
  llvm::SmallVector<std::pair<const Expr *, const summaries::Fact *>, 2> Out;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Summaries || !Callee || isa<CXXOperatorCallExpr>(Call))
    return Out;
  const summaries::FunctionSummary *S = Summaries->get(Callee, Ctx);
  if (!S)
    return Out;
  for (const summaries::Fact &F : S->Facts) {
    if (F.Kind != summaries::FactKind::DerefsParam || F.Param < 0 ||
        static_cast<unsigned>(F.Param) >= Call->getNumArgs())
      continue;
    const Expr *Arg = Call->getArg(F.Param);
    // A by-value parameter is a copy constructed from the argument.
    if (const auto *Copy =
            dyn_cast<CXXConstructExpr>(Arg->IgnoreParenImpCasts());
        Copy && Copy->getNumArgs() == 1)
      Arg = Copy->getArg(0);
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(Arg))
      Arg = M->getSubExpr();
    Out.push_back({Arg, &F});
  }
  return Out;
}

using DiagnoseSwitch =
    CFGMatchSwitch<const Environment, llvm::SmallVector<Finding>>;

DiagnoseSwitch buildDiagnoser(const lockmodel::Options &Opts) {
  Shapes M(Opts);
  // *p, p->m on a strong pointer.
  auto OnStrong = [](const Expr *Ptr, SourceLocation Loc,
                     const Environment &Env) -> llvm::SmallVector<Finding> {
    const RecordStorageLocation *Obj = objectLoc(*Ptr, Env);
    if (!Obj)
      return {};
    const BoolValue *From = fieldValue(Obj, FromLock, Env);
    const BoolValue *NN = fieldValue(Obj, NonNull, Env);
    if (!proves(Env, From) || proves(Env, NN))
      return {};
    return {Finding{FindingKind::Unchecked, Loc, Ptr->getSourceRange(),
                    namedVariable(Ptr)}};
  };
  // *raw, raw->m on a raw pointer taken with get().
  auto OnRaw = [](const Expr *Ptr, SourceLocation Loc,
                  const Environment &Env) -> llvm::SmallVector<Finding> {
    const Value *P = Env.getValue(*Ptr);
    if (!P || P->properties().empty())
      return {};
    const Expr *Bare = Ptr->IgnoreParenImpCasts();
    // Still inside the full-expression that holds the temporary owner?
    bool SameFullExpr = isa<CXXMemberCallExpr>(Bare);
    if (!SameFullExpr && proves(Env, P->getProperty(TempOwner)))
      return {Finding{FindingKind::Dangling, Loc, Ptr->getSourceRange(),
                      namedVariable(Ptr)}};
    if (proves(Env, P->getProperty(FromLock)) &&
        !proves(Env, P->getProperty(NonNull)))
      return {Finding{FindingKind::Unchecked, Loc, Ptr->getSourceRange(),
                      namedVariable(Ptr)}};
    return {};
  };
  summaries::FunctionSummaries *Summaries = Opts.Summaries;
  return CFGMatchSwitchBuilder<const Environment, llvm::SmallVector<Finding>>()
      // f(p) where f dereferences that parameter unchecked (a summary).
      .CaseOfCFGStmt<CallExpr>(
          callExpr(unless(cxxOperatorCallExpr()),
                   callee(functionDecl(hasBody(stmt())))),
          [Summaries, OnStrong, OnRaw](const CallExpr *E,
                                       const MatchFinder::MatchResult &R,
                                       const Environment &Env) {
            llvm::SmallVector<Finding> Out;
            for (const auto &[Arg, Fact] : derefedArguments(E, Summaries, *R.Context)) {
              llvm::SmallVector<Finding> F = OnStrong(Arg, Arg->getBeginLoc(), Env);
              if (F.empty() && Arg->getType()->isPointerType())
                F = OnRaw(Arg, Arg->getBeginLoc(), Env);
              for (Finding &One : F)
                if (One.Kind == FindingKind::Unchecked) {
                  One.Callee = E->getDirectCallee();
                  One.Via = Fact;
                  Out.push_back(One);
                }
            }
            return Out;
          })
      .CaseOfCFGStmt<CXXOperatorCallExpr>(
          cxxOperatorCallExpr(hasAnyOverloadedOperatorName("->", "*"),
                              argumentCountIs(1), hasArgument(0, M.StrongExpr)),
          [OnStrong](const CXXOperatorCallExpr *E,
                     const MatchFinder::MatchResult &, const Environment &Env) {
            return OnStrong(E->getArg(0), E->getOperatorLoc(), Env);
          })
      .CaseOfCFGStmt<UnaryOperator>(
          unaryOperator(hasOperatorName("*"),
                        hasUnaryOperand(hasType(pointerType()))),
          [OnRaw](const UnaryOperator *E, const MatchFinder::MatchResult &,
                  const Environment &Env) {
            return OnRaw(E->getSubExpr(), E->getOperatorLoc(), Env);
          })
      .CaseOfCFGStmt<MemberExpr>(
          memberExpr(isArrow(), unless(hasObjectExpression(cxxThisExpr()))),
          [OnRaw](const MemberExpr *E, const MatchFinder::MatchResult &,
                  const Environment &Env) {
            return OnRaw(E->getBase(), E->getOperatorLoc(), Env);
          })
      .Build();
}

/// After a dereference the program may assume the pointer is not null (it
/// would be undefined behaviour otherwise): reports each unchecked path once.
void assumeDereferenced(const CFGElement &Elt, Environment &Env,
                        summaries::FunctionSummaries *Summaries,
                        ASTContext &Ctx) {
  auto S = Elt.getAs<CFGStmt>();
  if (!S)
    return;
  const Stmt *St = S->getStmt();
  if (const auto *Call = dyn_cast<CallExpr>(St);
      Call && Summaries && !isa<CXXOperatorCallExpr>(Call)) {
    for (const auto &[Arg, Fact] : derefedArguments(Call, Summaries, Ctx)) {
      if (BoolValue *N = fieldValue(objectLoc(*Arg, Env), NonNull, Env))
        Env.assume(N->formula());
      else if (Value *P = Env.getValue(*Arg))
        if (auto *PN = dyn_cast_or_null<BoolValue>(P->getProperty(NonNull)))
          Env.assume(PN->formula());
    }
    return;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(St)) {
    if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
        Op->getNumArgs() == 1)
      if (BoolValue *N =
              fieldValue(objectLoc(*Op->getArg(0), Env), NonNull, Env))
        Env.assume(N->formula());
    return;
  }
  const Expr *Ptr = nullptr;
  if (const auto *U = dyn_cast<UnaryOperator>(St);
      U && U->getOpcode() == UO_Deref)
    Ptr = U->getSubExpr();
  else if (const auto *ME = dyn_cast<MemberExpr>(St); ME && ME->isArrow())
    Ptr = ME->getBase();
  if (!Ptr)
    return;
  if (Value *P = Env.getValue(*Ptr))
    if (auto *N = dyn_cast_or_null<BoolValue>(P->getProperty(NonNull)))
      Env.assume(N->formula());
}

} // namespace

llvm::SmallVector<Finding>
analyzeFunctionPathInsensitively(const FunctionDecl &Func, const CFG &Graph,
                                 ASTContext &Ctx,
                                 const llvm::DenseSet<const Stmt *> &LockCalls,
                                 const llvm::DenseSet<const Stmt *> &Failures);

llvm::Expected<FunctionAnalysis>
analyzeFunction(const FunctionDecl &Func, ASTContext &Ctx,
                const lockmodel::Options &Opts) {
  llvm::Expected<AdornedCFG> CFG = AdornedCFG::build(Func);
  if (!CFG)
    return CFG.takeError();
  FailureCalls Failures;
  if (Opts.AssertMacros)
    collectFailureCalls(Func.getBody(), Ctx, *Opts.AssertMacros, Failures);

  llvm::DenseSet<const Stmt *> LockCalls;
  for (const BoundNodes &N :
       match(findAll(expr(Shapes(Opts).LockCall).bind("lock")),
             *Func.getBody(), Ctx))
    LockCalls.insert(N.getNodeAs<Stmt>("lock"));

  FunctionAnalysis Result;
  if (unsigned Blocks = CFG->getCFG().getNumBlockIDs();
      Blocks > MaxBlocksForDataflow) {
    Result.Incomplete = std::to_string(Blocks) +
                        " CFG blocks, more than the dataflow analysis "
                        "handles (" +
                        std::to_string(MaxBlocksForDataflow) + ")";
  } else if (LockCalls.size() > MaxLockCallsForDataflow) {
    // Certain to exhaust the budget: do not spend it first.
    Result.Incomplete = std::to_string(LockCalls.size()) +
                        " lock() calls, more than the dataflow analysis "
                        "handles (" +
                        std::to_string(MaxLockCallsForDataflow) + ")";
  } else {
    auto Solver = std::make_unique<WatchedLiteralsSolver>(MaxSATIterations);
    DataflowAnalysisContext AnalysisContext(*Solver);
    Environment Env(AnalysisContext, Func);
    LockAnalysis Analysis(Ctx, Env, Opts, Failures);
    DiagnoseSwitch Diagnose = buildDiagnoser(Opts);
    CFGEltCallbacksTypeErased Callbacks;
    Callbacks.Before = [&](const CFGElement &Elt,
                           const TypeErasedDataflowAnalysisState &State) {
      llvm::append_range(Result.Findings, Diagnose(Elt, Ctx, State.Env));
    };
    if (llvm::Error Err = runTypeErasedDataflowAnalysis(
                              *CFG, Analysis, Env, Callbacks, MaxBlockVisits)
                              .takeError())
      Result.Incomplete = llvm::toString(std::move(Err));
    else if (Solver->reachedLimit())
      Result.Incomplete = "the SAT solver's budget (" +
                          std::to_string(MaxSATIterations) +
                          " iterations) ran out";
  }
  if (Result.Incomplete.empty())
    return Result;

  // The cheaper analysis: path-insensitive, over the same CFG.
  Result.Findings = analyzeFunctionPathInsensitively(
      Func, CFG->getCFG(), Ctx, LockCalls, Failures);
  return Result;
}

} // namespace clang::tidy::weakref::lockmodel
