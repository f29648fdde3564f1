//===-- PythonCodeSummary.cpp - can a C function run Python code? ---------===//

#include "summaries/PythonCodeSummary.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

namespace clang::tidy::weakref::summaries {

NamePatterns::NamePatterns(llvm::StringRef List) {
  for (llvm::StringRef Entry : utils::options::parseStringList(List))
    if (!Entry.trim().empty())
      Patterns.push_back(std::make_shared<llvm::Regex>(
          ("^(" + Entry.trim() + ")$").str()));
}

bool NamePatterns::contains(llvm::StringRef Name) const {
  if (Name.empty())
    return false;
  for (const auto &P : Patterns)
    if (P->match(Name))
      return true;
  return false;
}

bool NamePatterns::containsMacroAt(SourceLocation Loc, const SourceManager &SM,
                                   const LangOptions &LO) const {
  while (Loc.isMacroID()) {
    if (SM.isMacroArgExpansion(Loc)) {
      Loc = SM.getImmediateSpellingLoc(Loc);
      continue;
    }
    if (contains(Lexer::getImmediateMacroName(Loc, SM, LO)))
      return true;
    Loc = SM.getImmediateExpansionRange(Loc).getBegin();
  }
  return false;
}

namespace {

llvm::StringRef nameOf(const FunctionDecl &FD) {
  return FD.getIdentifier() ? FD.getName() : llvm::StringRef();
}

/// What a call is, before any body is looked into.
enum class CallKind { Safe, Runs, Body, External };

/// For a printf-like call with a literal format: whether the format has a
/// conversion that calls into an object (%R repr, %S str, %A ascii).
std::optional<bool> formatCallsObjects(const CallExpr &Call) {
  const FunctionDecl *FD = Call.getDirectCallee();
  if (!FD || FD->getNumParams() == 0)
    return std::nullopt;
  const unsigned FormatIndex = FD->getNumParams() - 1;
  if (FormatIndex >= Call.getNumArgs())
    return std::nullopt;
  const auto *Literal =
      dyn_cast<StringLiteral>(Call.getArg(FormatIndex)->IgnoreParenImpCasts());
  if (!Literal || Literal->getCharByteWidth() != 1)
    return std::nullopt;
  llvm::StringRef F = Literal->getString();
  for (size_t I = F.find('%'); I != llvm::StringRef::npos;
       I = F.find('%', I + 1)) {
    size_t J = I + 1;
    while (J < F.size() && llvm::StringRef("0123456789.-lzt").contains(F[J]))
      ++J;
    if (J < F.size() && (F[J] == 'R' || F[J] == 'S' || F[J] == 'A'))
      return true;
    if (J < F.size() && F[J] == '%')
      I = J;
  }
  return false;
}

} // namespace

static CallKind kindOf(const CallExpr &Call, const PythonCodeOptions &Opts,
                       ASTContext &Ctx, unsigned Depth,
                       const FunctionDecl **Def) {
  const FunctionDecl *FD = Call.getDirectCallee();
  if (!FD) // a call through a pointer or a type slot
    return isa<CXXPseudoDestructorExpr>(Call.getCallee()->IgnoreParenImpCasts())
               ? CallKind::Safe
               : CallKind::Runs;
  const SourceManager &SM = Ctx.getSourceManager();
  if (FD->getBuiltinID() || Opts.Safe.contains(nameOf(*FD)) ||
      Opts.Safe.containsMacroAt(Call.getBeginLoc(), SM, Ctx.getLangOpts()))
    return CallKind::Safe;
  if (Opts.Format.contains(nameOf(*FD)))
    if (std::optional<bool> Calls = formatCallsObjects(Call); Calls && !*Calls)
      return CallKind::Safe;
  if (Opts.Api.contains(nameOf(*FD)))
    return CallKind::Runs;
  const FunctionDecl *Body = nullptr;
  if (Depth < Opts.Depth && FD->hasBody(Body) && Body->getBody() &&
      !SM.isInSystemHeader(Body->getLocation())) {
    *Def = Body;
    return CallKind::Body;
  }
  return CallKind::External; // assumed not to
}

bool PythonCodeSummary::runs(const CallExpr &Call, ASTContext &Ctx,
                             unsigned Depth) {
  const FunctionDecl *Def = nullptr;
  switch (kindOf(Call, Opts, Ctx, Depth, &Def)) {
  case CallKind::Safe:
  case CallKind::External:
    return false;
  case CallKind::Runs:
    return true;
  case CallKind::Body:
    return successPathCall(*Def, Ctx, Depth + 1) != nullptr;
  }
  return false;
}

bool PythonCodeSummary::callRunsPython(const CallExpr &Call, ASTContext &Ctx,
                                       std::vector<const CallExpr *> *Chain) {
  if (!runs(Call, Ctx, 0))
    return false;
  if (!Chain)
    return true;
  const CallExpr *C = &Call;
  for (unsigned Depth = 0;; ++Depth) {
    Chain->push_back(C);
    const FunctionDecl *Def = nullptr;
    if (kindOf(*C, Opts, Ctx, Depth, &Def) != CallKind::Body)
      break;
    auto It = Memo.find({Def->getCanonicalDecl(), Depth + 1});
    if (It == Memo.end() || !It->second)
      break;
    C = It->second;
  }
  return true;
}

const CallExpr *PythonCodeSummary::successPathCall(const FunctionDecl &Def,
                                                   ASTContext &Ctx,
                                                   unsigned Depth) {
  const auto Key = std::make_pair(Def.getCanonicalDecl(), Depth);
  if (auto It = Memo.find(Key); It != Memo.end())
    return It->second;
  if (!Visiting.insert(Def.getCanonicalDecl()).second)
    return nullptr; // recursion: answered by the outer frame
  const CallExpr *Witness = analyse(Def, Ctx, Depth);
  Visiting.erase(Def.getCanonicalDecl());
  Memo[Key] = Witness;
  return Witness;
}

bool PythonCodeSummary::isErrorMarker(const Stmt &S, const FunctionDecl &Def,
                                      ASTContext &Ctx) {
  if (const auto *Call = dyn_cast<CallExpr>(&S)) {
    const FunctionDecl *FD = Call->getDirectCallee();
    return FD && Opts.Error.contains(nameOf(*FD));
  }
  const auto *Ret = dyn_cast<ReturnStmt>(&S);
  if (!Ret || !Ret->getRetValue())
    return false;
  const Expr *Value = Ret->getRetValue()->IgnoreParenCasts();
  QualType T = Def.getReturnType();
  if (T->isPointerType())
    return Value->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) !=
           Expr::NPCK_NotNull;
  if (T->isIntegerType() && !Value->isValueDependent()) {
    Expr::EvalResult R;
    return Value->EvaluateAsInt(R, Ctx) && R.Val.getInt().isNegative();
  }
  return false;
}

const CallExpr *PythonCodeSummary::analyse(const FunctionDecl &Def,
                                           ASTContext &Ctx, unsigned Depth) {
  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> Cfg = CFG::buildCFG(&Def, Def.getBody(), &Ctx, BO);
  if (!Cfg)
    return nullptr;
  // A call is on a success path if some path from the entry reaches it,
  // and some path from it reaches a normal return, neither passing an error
  // marker (a raising call, `return NULL`, `return -1`) or a call that does
  // not return: the two joined are one clean path through the call.
  const unsigned N = Cfg->getNumBlockIDs();
  std::vector<char> CleanIn(N, 0), SuccessIn(N, 0);
  std::vector<std::vector<char>> Marker(N);
  for (const CFGBlock *B : *Cfg) {
    std::vector<char> &M = Marker[B->getBlockID()];
    for (const CFGElement &El : *B) {
      std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
      M.push_back(CS && isErrorMarker(*CS->getStmt(), Def, Ctx));
    }
  }
  // Clean on exit of B, given clean on entry.
  auto CleanOut = [&](const CFGBlock &B) {
    if (!CleanIn[B.getBlockID()] || B.hasNoReturnElement())
      return false;
    for (char IsMarker : Marker[B.getBlockID()])
      if (IsMarker)
        return false;
    return true;
  };
  // A normal return reachable from the entry of B.
  auto SuccessFromEnd = [&](const CFGBlock &B) {
    if (B.hasNoReturnElement())
      return false;
    for (const CFGBlock::AdjacentBlock &Succ : B.succs())
      if (const CFGBlock *Next = Succ.getReachableBlock();
          Next && SuccessIn[Next->getBlockID()])
        return true;
    return false;
  };
  auto SuccessFromEntry = [&](const CFGBlock &B) {
    bool S = SuccessFromEnd(B);
    const std::vector<char> &M = Marker[B.getBlockID()];
    unsigned I = M.size();
    for (auto It = B.rbegin(), End = B.rend(); It != End; ++It) {
      --I;
      if (M[I])
        S = false;
      else if (std::optional<CFGStmt> CS = It->getAs<CFGStmt>();
               CS && isa<ReturnStmt>(CS->getStmt()))
        S = true;
    }
    return S;
  };
  CleanIn[Cfg->getEntry().getBlockID()] = 1;
  SuccessIn[Cfg->getExit().getBlockID()] = 1;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const CFGBlock *B : *Cfg) {
      const unsigned Id = B->getBlockID();
      if (!CleanIn[Id])
        for (const CFGBlock::AdjacentBlock &Pred : B->preds())
          if (const CFGBlock *P = Pred.getReachableBlock(); P && CleanOut(*P)) {
            CleanIn[Id] = 1;
            Changed = true;
            break;
          }
      if (!SuccessIn[Id] && B != &Cfg->getExit() && SuccessFromEntry(*B)) {
        SuccessIn[Id] = 1;
        Changed = true;
      }
    }
  }
  const SourceManager &SM = Ctx.getSourceManager();
  const CallExpr *First = nullptr;
  for (const CFGBlock *B : *Cfg) {
    const unsigned Id = B->getBlockID();
    if (!CleanIn[Id])
      continue;
    // Clean before each element, then successful after it.
    const std::vector<char> &M = Marker[Id];
    std::vector<char> Before(M.size()), After(M.size());
    bool C = true;
    for (unsigned I = 0; I < M.size(); ++I) {
      C = C && !M[I];
      Before[I] = C;
    }
    bool S = SuccessFromEnd(*B);
    unsigned I = M.size();
    for (auto It = B->rbegin(), End = B->rend(); It != End; ++It) {
      --I;
      std::optional<CFGStmt> CS = It->getAs<CFGStmt>();
      if (M[I])
        S = false;
      else if (CS && isa<ReturnStmt>(CS->getStmt()))
        S = true;
      After[I] = S;
    }
    I = 0;
    for (const CFGElement &El : *B) {
      std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
      const auto *Call = CS ? dyn_cast<CallExpr>(CS->getStmt()) : nullptr;
      if (Call && Before[I] && After[I] &&
          (!First || SM.isBeforeInTranslationUnit(Call->getBeginLoc(),
                                                  First->getBeginLoc())) &&
          runs(*Call, Ctx, Depth))
        First = Call;
      ++I;
    }
  }
  return First;
}

} // namespace clang::tidy::weakref::summaries
