//===-- LockResultFallback.cpp - path-insensitive lock() result check -----===//
//
// The cheaper analysis weakref-unchecked-lock falls back to when a function
// exceeds the dataflow framework's budget (see LockResultModel.h). It walks
// clang's CFG once to a fixpoint, with one fact per local variable:
//   MaybeNull - holds a lock() result on every path, tested on none of some;
//   NonNull   - holds a lock() result tested (or dereferenced) on every path;
// and no fact for anything else. Branches on `p`, `!p`, `p == nullptr`,
// `p.get()`, `raw` refine the fact on their edges; a path through an
// assertion's failure handler ends.
//
// It knows nothing of correlated conditions (`bool ok = p != nullptr;
// if (ok) ...`), so it only reports variables whose every use it
// understands: tested in a branch condition, dereferenced, copied, passed by
// value or by const reference, get(), reset(), assigned. Any other use of a
// variable (an address taken, a non-const reference, a comparison kept in a
// variable) makes it silent about that variable. Raw pointers from a
// temporary owner (`w.lock().get()`) are not followed here.
//
//===----------------------------------------------------------------------===//

#include "LockResultModel.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/CFG.h"
#include "clang/Analysis/FlowSensitive/DataflowWorklist.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace clang::tidy::weakref::lockmodel {
namespace {

enum class Fact { MaybeNull, NonNull };

struct BlockState {
  bool Reachable = false;
  llvm::SmallDenseMap<const VarDecl *, Fact, 8> Facts;

  bool operator==(const BlockState &O) const {
    if (Reachable != O.Reachable || Facts.size() != O.Facts.size())
      return false;
    for (const auto &[Var, F] : Facts) {
      auto It = O.Facts.find(Var);
      if (It == O.Facts.end() || It->second != F)
        return false;
    }
    return true;
  }

  void join(const BlockState &O) {
    if (!O.Reachable)
      return;
    if (!Reachable) {
      *this = O;
      return;
    }
    llvm::SmallVector<const VarDecl *, 8> Gone;
    for (auto &[Var, F] : Facts) {
      auto It = O.Facts.find(Var);
      if (It == O.Facts.end())
        Gone.push_back(Var);
      else if (It->second == Fact::MaybeNull)
        F = Fact::MaybeNull;
    }
    for (const VarDecl *Var : Gone)
      Facts.erase(Var);
  }
};

const Expr *strip(const Expr *E) {
  while (true) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(Next))
      Next = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(Next))
      Next = B->getSubExpr();
    else if (const auto *C = dyn_cast<CXXConstructExpr>(Next);
             C && C->getNumArgs() == 1 &&
             (C->isElidable() || C->getConstructor()->isCopyOrMoveConstructor()))
      Next = C->getArg(0);
    else if (const auto *W = dyn_cast<ExprWithCleanups>(Next))
      Next = W->getSubExpr();
    if (Next == E)
      return E;
    E = Next;
  }
}

/// The expression block \p B branches on: for `if (a && b)` the block that
/// evaluates `b` has the `if` as terminator and branches on `b`.
const Expr *branchCondition(const CFGBlock &B) {
  const auto *Cond = dyn_cast_or_null<Expr>(B.getTerminatorCondition());
  while (Cond) {
    const auto *Logical = dyn_cast<BinaryOperator>(Cond->IgnoreParens());
    if (!Logical || !Logical->isLogicalOp() ||
        B.getTerminatorStmt() == Logical)
      break;
    Cond = Logical->getRHS();
  }
  return Cond;
}

const VarDecl *varOf(const Expr *E) {
  if (!E)
    return nullptr;
  const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  return Var && Var->isLocalVarDecl() && !Var->isStaticLocal() &&
                 !Var->getType()->isReferenceType()
             ? Var
             : nullptr;
}

/// The variable \p E names, or that \p E assigns: `(p = w.lock())`.
const VarDecl *varOrAssigned(const Expr *E) {
  const Expr *Bare = E->IgnoreParenImpCasts();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Bare);
      Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
    return varOf(Op->getArg(0));
  if (const auto *Bin = dyn_cast<BinaryOperator>(Bare);
      Bin && Bin->getOpcode() == BO_Assign)
    return varOf(Bin->getLHS());
  return varOf(E);
}

bool isNullConstant(const Expr *E, ASTContext &Ctx) {
  return E->IgnoreParenImpCasts()->isNullPointerConstant(
      Ctx, Expr::NPC_ValueDependentIsNotNull);
}

class Fallback {
public:
  Fallback(const FunctionDecl &Func, const CFG &Graph, ASTContext &Ctx,
           const llvm::DenseSet<const Stmt *> &LockCalls,
           const llvm::DenseSet<const Stmt *> &Failures)
      : Func(Func), Graph(Graph), Ctx(Ctx), LockCalls(LockCalls),
        Failures(Failures) {}

  llvm::SmallVector<Finding> run();

private:
  bool isLock(const Expr *E) const {
    return E && LockCalls.contains(strip(E));
  }
  /// The tracked variable whose value \p E tests, and whether the test is
  /// true when the variable is not null.
  const VarDecl *testedVar(const Expr *E, bool &NonNullWhenTrue) const;
  void transfer(const Stmt *S, BlockState &St, llvm::SmallVector<Finding> *Out);
  void assignFrom(const VarDecl *Var, const Expr *Init, BlockState &St);
  void deref(const Expr *Ptr, SourceLocation Loc, BlockState &St,
             llvm::SmallVector<Finding> *Out);
  void findUnderstoodVariables();
  bool understoodUse(const DeclRefExpr *Ref) const;
  const Stmt *parentOf(const Stmt *S) const {
    auto It = Parents.find(S);
    return It == Parents.end() ? nullptr : It->second;
  }

  const FunctionDecl &Func;
  const CFG &Graph;
  ASTContext &Ctx;
  const llvm::DenseSet<const Stmt *> &LockCalls;
  const llvm::DenseSet<const Stmt *> &Failures;
  llvm::DenseMap<const Stmt *, const Stmt *> Parents;
  llvm::DenseSet<const Expr *> Conditions;
  llvm::SmallPtrSet<const VarDecl *, 16> Understood;
  llvm::SmallPtrSet<const Stmt *, 16> Reported;
};

const VarDecl *Fallback::testedVar(const Expr *E, bool &NonNullWhenTrue) const {
  E = E->IgnoreParenImpCasts();
  if (const auto *Not = dyn_cast<UnaryOperator>(E);
      Not && Not->getOpcode() == UO_LNot) {
    const VarDecl *V = testedVar(Not->getSubExpr(), NonNullWhenTrue);
    NonNullWhenTrue = !NonNullWhenTrue;
    return V;
  }
  NonNullWhenTrue = true;
  if (const auto *Rewritten = dyn_cast<CXXRewrittenBinaryOperator>(E))
    return testedVar(Rewritten->getSemanticForm(), NonNullWhenTrue);
  // p (operator bool), p.get(), raw
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
    const auto *Method = Call->getMethodDecl();
    if (Method && (isa<CXXConversionDecl>(Method) ||
                   (Method->getIdentifier() && Method->getName() == "get")))
      return varOrAssigned(Call->getImplicitObjectArgument());
    return nullptr;
  }
  if (const VarDecl *V = varOrAssigned(E))
    return V;
  const Expr *L = nullptr, *R = nullptr;
  bool Equal = false;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
      Op && Op->getNumArgs() == 2 &&
      (Op->getOperator() == OO_EqualEqual ||
       Op->getOperator() == OO_ExclaimEqual)) {
    L = Op->getArg(0);
    R = Op->getArg(1);
    Equal = Op->getOperator() == OO_EqualEqual;
  } else if (const auto *Bin = dyn_cast<BinaryOperator>(E);
             Bin && (Bin->getOpcode() == BO_EQ || Bin->getOpcode() == BO_NE)) {
    L = Bin->getLHS();
    R = Bin->getRHS();
    Equal = Bin->getOpcode() == BO_EQ;
  }
  if (!L)
    return nullptr;
  if (isNullConstant(L, Ctx))
    std::swap(L, R);
  if (!isNullConstant(R, Ctx))
    return nullptr;
  NonNullWhenTrue = !Equal;
  bool Ignored;
  return testedVar(L, Ignored);
}

bool Fallback::understoodUse(const DeclRefExpr *Ref) const {
  const Stmt *Child = Ref;
  const Stmt *P = parentOf(Child);
  while (P && isa<ImplicitCastExpr, ParenExpr>(P)) {
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(P);
        Cast && Cast->getCastKind() == CK_PointerToBoolean)
      break;
    Child = P;
    P = parentOf(P);
  }
  if (!P)
    return false;
  // Declared or assigned here.
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
    if (Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star)
      return true;
    if (Op->getOperator() == OO_Equal && Op->getArg(0) == Child)
      return true;
  }
  if (const auto *Bin = dyn_cast<BinaryOperator>(P);
      Bin && Bin->getOpcode() == BO_Assign && Bin->getLHS() == Child)
    return true;
  if (const auto *U = dyn_cast<UnaryOperator>(P); U && U->getOpcode() == UO_Deref)
    return true;
  if (const auto *M = dyn_cast<MemberExpr>(P)) {
    if (M->isArrow())
      return true;
    const auto *Method = dyn_cast<CXXMethodDecl>(M->getMemberDecl());
    if (!Method)
      return false;
    if (Method->getIdentifier() && Method->getName() == "reset" &&
        Method->getNumParams() == 0)
      return true;
    if (isa<CXXConversionDecl>(Method) ||
        (Method->getIdentifier() && Method->getName() == "get")) {
      // The test or the raw pointer must be used where this analysis sees it.
      const Stmt *Call = parentOf(M);
      const Stmt *Up = Call ? parentOf(Call) : nullptr;
      while (Up && isa<ImplicitCastExpr, ParenExpr, UnaryOperator>(Up) &&
             !Conditions.contains(cast<Expr>(Call))) {
        if (const auto *U = dyn_cast<UnaryOperator>(Up);
            U && U->getOpcode() != UO_LNot)
          break;
        Call = Up;
        Up = parentOf(Up);
      }
      if (Call && isa<Expr>(Call) && Conditions.contains(cast<Expr>(Call)))
        return true;
      // raw = p.get(), use(p.get()), p.get()->m
      return Method->getName() == "get";
    }
    return false;
  }
  // A test: p, !p, p == nullptr as a branch condition.
  for (const Stmt *C = Child; C; C = parentOf(C)) {
    const auto *E = dyn_cast<Expr>(C);
    if (!E)
      break;
    if (Conditions.contains(E))
      return true;
    const Stmt *Up = parentOf(C);
    if (!Up || !isa<ImplicitCastExpr, ParenExpr, UnaryOperator,
                    CXXOperatorCallExpr, BinaryOperator,
                    CXXRewrittenBinaryOperator>(Up))
      break;
    if (const auto *Bin = dyn_cast<BinaryOperator>(Up);
        Bin && !Bin->isEqualityOp())
      break;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Up);
        Op && Op->getOperator() != OO_EqualEqual &&
        Op->getOperator() != OO_ExclaimEqual)
      break;
  }
  // Copied, or passed by value or const reference.
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(P))
    return Construct->getConstructor()->isCopyConstructor();
  if (const auto *Call = dyn_cast<CallExpr>(P)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || isa<CXXOperatorCallExpr>(Call))
      return false;
    for (unsigned I = 0; I < Call->getNumArgs() && I < Callee->getNumParams();
         ++I)
      if (Call->getArg(I) == Child) {
        QualType T = Callee->getParamDecl(I)->getType();
        return !T->isReferenceType() ||
               T.getNonReferenceType().isConstQualified();
      }
    return false;
  }
  if (const auto *Var = dyn_cast_or_null<VarDecl>(
          isa<DeclStmt>(P) ? cast<DeclStmt>(P)->getSingleDecl() : nullptr))
    return Var->getInit() == Child && !Var->getType()->isReferenceType();
  return false;
}

void Fallback::findUnderstoodVariables() {
  // Parents within the body, and the branch conditions of the CFG.
  llvm::SmallVector<const Stmt *, 64> Work{Func.getBody()};
  llvm::SmallVector<const DeclRefExpr *, 64> Refs;
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      Refs.push_back(Ref);
    if (const auto *Decl = dyn_cast<DeclStmt>(S))
      for (const auto *D : Decl->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit()) {
          Parents[V->getInit()] = S;
          Work.push_back(V->getInit());
        }
    for (const Stmt *Child : S->children())
      if (Child) {
        Parents[Child] = S;
        Work.push_back(Child);
      }
  }
  for (const CFGBlock *B : Graph)
    if (const Expr *E = branchCondition(*B)) {
      Conditions.insert(E);
      Conditions.insert(E->IgnoreParenImpCasts());
    }
  llvm::SmallPtrSet<const VarDecl *, 16> Rejected;
  for (const DeclRefExpr *Ref : Refs) {
    const VarDecl *Var = varOf(Ref);
    if (!Var || Rejected.contains(Var))
      continue;
    if (understoodUse(Ref))
      Understood.insert(Var);
    else
      Rejected.insert(Var);
  }
  for (const VarDecl *Var : Rejected)
    Understood.erase(Var);
}

void Fallback::assignFrom(const VarDecl *Var, const Expr *Init,
                          BlockState &St) {
  St.Facts.erase(Var);
  if (!Var || !Init || !Understood.contains(Var))
    return;
  if (isLock(Init)) {
    St.Facts[Var] = Fact::MaybeNull;
    return;
  }
  // raw = p.get(): the raw pointer has p's fact.
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(strip(Init)))
    if (const CXXMethodDecl *M = Call->getMethodDecl();
        M && M->getIdentifier() && M->getName() == "get")
      if (const VarDecl *Owner = varOf(Call->getImplicitObjectArgument()))
        if (auto It = St.Facts.find(Owner); It != St.Facts.end())
          St.Facts[Var] = It->second;
}

void Fallback::deref(const Expr *Ptr, SourceLocation Loc, BlockState &St,
                     llvm::SmallVector<Finding> *Out) {
  if (const VarDecl *Var = varOf(Ptr)) {
    auto It = St.Facts.find(Var);
    if (It == St.Facts.end())
      return;
    if (It->second == Fact::MaybeNull && Out && Reported.insert(Ptr).second)
      Out->push_back(
          {FindingKind::Unchecked, Loc, Ptr->getSourceRange(), Var});
    It->second = Fact::NonNull;
    return;
  }
  // w.lock()->f(), *w.lock(), w.lock().get()->f()
  const Expr *Owner = strip(Ptr);
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Owner))
    if (const CXXMethodDecl *M = Call->getMethodDecl();
        M && M->getIdentifier() && M->getName() == "get")
      Owner = Call->getImplicitObjectArgument();
  if (isLock(Owner) && Out && Reported.insert(Ptr).second)
    Out->push_back({FindingKind::Unchecked, Loc, Ptr->getSourceRange(), nullptr});
}

void Fallback::transfer(const Stmt *S, BlockState &St,
                        llvm::SmallVector<Finding> *Out) {
  if (Failures.contains(S)) {
    St.Reachable = false;
    St.Facts.clear();
    return;
  }
  if (const auto *Decl = dyn_cast<DeclStmt>(S)) {
    for (const auto *D : Decl->decls())
      if (const auto *V = dyn_cast<VarDecl>(D))
        assignFrom(V, V->getInit(), St);
    return;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
    if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
        Op->getNumArgs() == 1)
      deref(Op->getArg(0), Op->getOperatorLoc(), St, Out);
    else if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      if (const VarDecl *V = varOf(Op->getArg(0)))
        assignFrom(V, Op->getArg(1), St);
    return;
  }
  if (const auto *Bin = dyn_cast<BinaryOperator>(S);
      Bin && Bin->getOpcode() == BO_Assign) {
    if (const VarDecl *V = varOf(Bin->getLHS()))
      assignFrom(V, Bin->getRHS(), St);
    return;
  }
  if (const auto *U = dyn_cast<UnaryOperator>(S);
      U && U->getOpcode() == UO_Deref &&
      U->getSubExpr()->getType()->isPointerType()) {
    deref(U->getSubExpr(), U->getOperatorLoc(), St, Out);
    return;
  }
  if (const auto *M = dyn_cast<MemberExpr>(S); M && M->isArrow()) {
    if (!isa<CXXThisExpr>(M->getBase()->IgnoreParenImpCasts()))
      deref(M->getBase(), M->getOperatorLoc(), St, Out);
    return;
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
    if (const CXXMethodDecl *M = Call->getMethodDecl();
        M && M->getIdentifier() && M->getName() == "reset")
      if (const VarDecl *V = varOf(Call->getImplicitObjectArgument()))
        St.Facts.erase(V);
}

llvm::SmallVector<Finding> Fallback::run() {
  findUnderstoodVariables();
  llvm::SmallVector<Finding> Findings;
  if (Understood.empty() && LockCalls.empty())
    return Findings;
  std::vector<BlockState> In(Graph.getNumBlockIDs());
  In[Graph.getEntry().getBlockID()].Reachable = true;
  PostOrderCFGView Order(&Graph);
  ForwardDataflowWorklist Worklist(Graph, &Order);
  Worklist.enqueueBlock(&Graph.getEntry());
  auto Out = [&](const CFGBlock &B, llvm::SmallVector<Finding> *Report) {
    BlockState St = In[B.getBlockID()];
    for (const CFGElement &E : B)
      if (auto CS = E.getAs<CFGStmt>(); CS && St.Reachable)
        transfer(CS->getStmt(), St, Report);
    return St;
  };
  // Each fact only goes MaybeNull -> gone, so this terminates; the bound
  // is a safety net.
  for (unsigned Steps = 0; Steps < 64 * Graph.getNumBlockIDs() + 64; ++Steps) {
    const CFGBlock *B = Worklist.dequeue();
    if (!B)
      break;
    BlockState St = Out(*B, nullptr);
    if (!St.Reachable)
      continue;
    const Expr *Cond = branchCondition(*B);
    bool NonNullWhenTrue = true;
    const VarDecl *Tested =
        Cond && B->succ_size() == 2 ? testedVar(Cond, NonNullWhenTrue) : nullptr;
    unsigned Index = 0;
    for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
      const CFGBlock *S = Succ.getReachableBlock();
      bool TrueEdge = Index++ == 0;
      if (!S)
        continue;
      BlockState Edge = St;
      if (Tested && TrueEdge == NonNullWhenTrue)
        if (auto It = Edge.Facts.find(Tested); It != Edge.Facts.end())
          It->second = Fact::NonNull;
      BlockState Joined = In[S->getBlockID()];
      Joined.join(Edge);
      if (!(Joined == In[S->getBlockID()])) {
        In[S->getBlockID()] = std::move(Joined);
        Worklist.enqueueBlock(S);
      }
    }
  }
  for (const CFGBlock *B : Graph)
    if (In[B->getBlockID()].Reachable)
      Out(*B, &Findings);
  return Findings;
}

} // namespace

llvm::SmallVector<Finding>
analyzeFunctionPathInsensitively(const FunctionDecl &Func, const CFG &Graph,
                                 ASTContext &Ctx,
                                 const llvm::DenseSet<const Stmt *> &LockCalls,
                                 const llvm::DenseSet<const Stmt *> &Failures) {
  return Fallback(Func, Graph, Ctx, LockCalls, Failures).run();
}

} // namespace clang::tidy::weakref::lockmodel
