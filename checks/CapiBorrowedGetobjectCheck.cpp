//===-- CapiBorrowedGetobjectCheck.cpp - weakref-capi-borrowed-getobject --===//

#include "CapiBorrowedGetobjectCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Analysis/CFG.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Regex.h"
#include "utils/Keywords.h"
#include <memory>
#include <optional>
#include <vector>

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultFetchFunctions[] =
    "PyWeakref_GetObject;PyWeakref_GET_OBJECT";
constexpr char DefaultStrongReferenceFunctions[] =
    "Py_INCREF;Py_XINCREF;_Py_INCREF;_Py_XINCREF;Py_NewRef;Py_XNewRef;"
    "_Py_NewRef;_Py_XNewRef";
constexpr char DefaultSafeFunctions[] =
    "Py_TYPE;_Py_TYPE;Py_IS_TYPE;_Py_IS_TYPE;Py_REFCNT;_Py_REFCNT;Py_SIZE;"
    "_Py_SIZE;Py_Is;Py_IsNone;Py_IsTrue;Py_IsFalse;PyType_IsSubtype;"
    "PyType_HasFeature;PyType_FastSubclass;PyType_GetFlags;PyObject_TypeCheck;"
    "_PyObject_TypeCheck;Py[A-Za-z]*_Check;Py[A-Za-z]*_CheckExact;"
    "Py[A-Za-z]*_CheckRef;Py[A-Za-z]*_CheckRefExact;Py[A-Za-z]*_CheckProxy;"
    "PyErr_Occurred;PyWeakref_GetObject;PyWeakref_GET_OBJECT";
constexpr char DefaultApiFunctions[] = "_?Py.*";
constexpr unsigned DefaultHelperDepth = 1;

/// Names matched by a `;`-separated list of regular expressions, each
/// matching a whole name.
class NameList {
public:
  explicit NameList(StringRef List) {
    for (StringRef Entry : utils::options::parseStringList(List))
      Patterns.push_back(
          std::make_shared<llvm::Regex>(("^(" + Entry + ")$").str()));
  }
  bool contains(StringRef Name) const {
    if (Name.empty())
      return false;
    for (const auto &P : Patterns)
      if (P->match(Name))
        return true;
    return false;
  }

private:
  std::vector<std::shared_ptr<llvm::Regex>> Patterns;
};

struct BorrowConfig {
  NameList Fetch, Strong, Safe, Api;
  unsigned HelperDepth;
};

StringRef calleeName(const CallExpr &Call) {
  const FunctionDecl *FD = Call.getDirectCallee();
  return FD && FD->getIdentifier() ? FD->getName() : StringRef();
}

/// True if \p Loc comes from the body of a macro named in \p Names, at any
/// level of expansion (`PyLong_Check(o)` expands to calls of other names).
bool fromMacroBodyIn(SourceLocation Loc, const NameList &Names,
                     const SourceManager &SM, const LangOptions &LO) {
  while (Loc.isMacroID()) {
    if (SM.isMacroArgExpansion(Loc)) {
      Loc = SM.getImmediateSpellingLoc(Loc);
      continue;
    }
    if (Names.contains(Lexer::getImmediateMacroName(Loc, SM, LO)))
      return true;
    Loc = SM.getImmediateExpansionRange(Loc).getBegin();
  }
  return false;
}

/// The expression and its nearest parent that is not a paren or a cast.
std::pair<const Expr *, DynTypedNode> valueParent(const Expr *E,
                                                  ASTContext &Ctx) {
  while (true) {
    auto Parents = Ctx.getParents(*E);
    if (Parents.empty())
      return {E, DynTypedNode()};
    const auto *P = Parents[0].get<Expr>();
    if (P && (isa<ParenExpr>(P) || isa<CastExpr>(P) ||
              isa<ExprWithCleanups>(P))) {
      E = P;
      continue;
    }
    return {E, Parents[0]};
  }
}

bool isLocalVariable(const Decl *D) {
  const auto *Var = dyn_cast_or_null<VarDecl>(D);
  return Var && Var->hasLocalStorage();
}

/// How the value of an expression (a fetch, or a reference to the variable
/// that holds one) is consumed.
enum class Use {
  None,   ///< compared, tested, or copied into another local
  Deref,  ///< passed to a function, dereferenced
  Strong, ///< Py_INCREF / Py_NewRef
  Return, ///< returned
  Store,  ///< stored in memory that outlives the statement
  Assign, ///< the variable is assigned or its address taken
};

struct Classified {
  Use Kind = Use::None;
  const Stmt *At = nullptr;
  const VarDecl *Target = nullptr; ///< a local the value is assigned to
};

class BorrowAnalysis {
public:
  BorrowAnalysis(const BorrowConfig &Config, ASTContext &Ctx)
      : Config(Config), Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  Classified classify(const Expr *E) {
    auto [Value, Parent] = valueParent(E, Ctx);
    Classified C;
    C.At = Value;
    if (const auto *Ret = Parent.get<ReturnStmt>()) {
      C.Kind = Use::Return;
      C.At = Ret;
    } else if (const auto *Var = Parent.get<VarDecl>()) {
      if (Var->getInit() && Var->getInit()->IgnoreParenCasts() ==
                                Value->IgnoreParenCasts()) {
        if (isLocalVariable(Var))
          C.Target = Var;
        else
          C.Kind = Use::Store;
      }
    } else if (const auto *Bin = Parent.get<BinaryOperator>()) {
      if (Bin->isAssignmentOp() && Bin->getRHS() == Value) {
        const auto *Ref =
            dyn_cast<DeclRefExpr>(Bin->getLHS()->IgnoreParenImpCasts());
        if (Ref && isLocalVariable(Ref->getDecl())) {
          C.Target = cast<VarDecl>(Ref->getDecl());
          C.At = Bin;
        } else {
          C.Kind = Use::Store;
          C.At = Bin;
        }
      } else if (Bin->isAssignmentOp()) {
        C.Kind = Use::Assign;
      }
    } else if (const auto *Un = Parent.get<UnaryOperator>()) {
      if (Un->getOpcode() == UO_Deref)
        C.Kind = Use::Deref;
      else if (Un->getOpcode() == UO_AddrOf)
        C.Kind = Use::Assign;
    } else if (const auto *Call = Parent.get<CallExpr>()) {
      if (Call->getCallee() != Value)
        C.Kind = isStrong(*Call) ? Use::Strong : Use::Deref;
    } else if (Parent.get<MemberExpr>() || Parent.get<ArraySubscriptExpr>()) {
      C.Kind = Use::Deref;
    }
    return C;
  }

  /// Whether \p Call can run Python code (and so drop the last strong
  /// reference to any object).
  bool runsPython(const CallExpr &Call, unsigned Depth = 0) {
    const FunctionDecl *FD = Call.getDirectCallee();
    if (!FD)
      return !isa<CXXPseudoDestructorExpr>(Call.getCallee()); // a slot or pointer
    StringRef Name = calleeName(Call);
    if (isStrong(Call) || Config.Safe.contains(Name) ||
        Config.Fetch.contains(Name) ||
        fromMacroBodyIn(Call.getBeginLoc(), Config.Safe, SM, Ctx.getLangOpts()))
      return false;
    if (Config.Api.contains(Name))
      return true;
    const FunctionDecl *Def = nullptr;
    if (Depth < Config.HelperDepth && FD->hasBody(Def) && Def->getBody() &&
        !SM.isInSystemHeader(Def->getLocation()) && Visiting.insert(Def).second) {
      bool Runs = bodyRunsPython(Def->getBody(), Depth + 1);
      Visiting.erase(Def);
      return Runs;
    }
    return false; // an external non-API function: assumed not to
  }

private:
  bool isStrong(const CallExpr &Call) {
    return Config.Strong.contains(calleeName(Call));
  }

  bool bodyRunsPython(const Stmt *S, unsigned Depth) {
    if (!S)
      return false;
    if (const auto *Call = dyn_cast<CallExpr>(S); Call && runsPython(*Call, Depth))
      return true;
    for (const Stmt *Child : S->children())
      if (bodyRunsPython(Child, Depth))
        return true;
    return false;
  }

  const BorrowConfig &Config;
  ASTContext &Ctx;
  const SourceManager &SM;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Visiting;
};

/// The state of the variable that holds the fetched reference, on entry to
/// a point of the function; joined by taking the maximum.
struct State {
  enum Kind { Untracked, Owned, Fresh, Stale } K = Untracked;
  const CallExpr *Call = nullptr; ///< the call that made it stale
  bool operator==(const State &O) const { return K == O.K && Call == O.Call; }
  void join(const State &O) {
    if (O.K > K || (O.K == K && !Call))
      *this = O;
  }
};

struct Finding {
  Use Kind = Use::None;
  const Stmt *At = nullptr;
  const CallExpr *Call = nullptr;
};

/// Runs the fetch's variable through the enclosing function's CFG: the
/// first (in source order) stale use, return or store.
bool refersTo(const Expr *E, const VarDecl *Var) {
  const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts());
  return Ref && Ref->getDecl() == Var;
}

/// `Py_None` is `(&_Py_NoneStruct)`; NULL is a null pointer constant.
bool isNoneOrNull(const Expr *E, ASTContext &Ctx) {
  if (E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) !=
      Expr::NPCK_NotNull)
    return true;
  const auto *Addr = dyn_cast<UnaryOperator>(E->IgnoreParenCasts());
  if (!Addr || Addr->getOpcode() != UO_AddrOf)
    return false;
  const auto *Ref = dyn_cast<DeclRefExpr>(Addr->getSubExpr()->IgnoreParens());
  return Ref && Ref->getDecl()->getName() == "_Py_NoneStruct";
}

/// For a branch condition that compares \p Var with Py_None or NULL
/// (`v == Py_None`, `Py_IsNone(v)`, `!v`, `v`), whether its true edge is the
/// one where \p Var is None or NULL.
std::optional<bool> noneTest(const Stmt *Cond, const VarDecl *Var,
                             ASTContext &Ctx) {
  const auto *E = dyn_cast_or_null<Expr>(Cond);
  if (!E)
    return std::nullopt;
  E = E->IgnoreParenImpCasts();
  if (const auto *Not = dyn_cast<UnaryOperator>(E);
      Not && Not->getOpcode() == UO_LNot && refersTo(Not->getSubExpr(), Var))
    return true;
  if (const auto *Cmp = dyn_cast<BinaryOperator>(E);
      Cmp && Cmp->isEqualityOp()) {
    if ((refersTo(Cmp->getLHS(), Var) && isNoneOrNull(Cmp->getRHS(), Ctx)) ||
        (refersTo(Cmp->getRHS(), Var) && isNoneOrNull(Cmp->getLHS(), Ctx)))
      return Cmp->getOpcode() == BO_EQ;
    return std::nullopt;
  }
  if (refersTo(E, Var))
    return false;
  return std::nullopt;
}

/// \p Start is the assignment `v = fetch`, or null when the fetch
/// initialises \p Var in its declaration.
std::optional<Finding> trackVariable(const FunctionDecl &Func,
                                     const Stmt *Start, const VarDecl *Var,
                                     BorrowAnalysis &A, ASTContext &Ctx) {
  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> Cfg = CFG::buildCFG(&Func, Func.getBody(), &Ctx, BO);
  if (!Cfg)
    return std::nullopt;
  const SourceManager &SM = Ctx.getSourceManager();
  std::optional<Finding> First;
  auto Report = [&](Use Kind, const Stmt *At, const CallExpr *Call) {
    if (!First || SM.isBeforeInTranslationUnit(At->getBeginLoc(),
                                               First->At->getBeginLoc()))
      First = Finding{Kind, At, Call};
  };
  auto IsStart = [&](const Stmt *S) {
    if (Start)
      return S == Start;
    const auto *DS = dyn_cast<DeclStmt>(S);
    return DS && DS->isSingleDecl() && DS->getSingleDecl() == Var;
  };

  llvm::DenseMap<const CFGBlock *, State> In;
  std::vector<const CFGBlock *> Work{&Cfg->getEntry()};
  In[&Cfg->getEntry()] = State();
  while (!Work.empty()) {
    const CFGBlock *B = Work.back();
    Work.pop_back();
    State S = In[B];
    for (const CFGElement &El : *B) {
      std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      if (IsStart(St)) {
        S = State{State::Fresh, nullptr};
        continue;
      }
      if (const auto *DS = dyn_cast<DeclStmt>(St);
          DS && DS->isSingleDecl() && DS->getSingleDecl() == Var) {
        S = State();
        continue;
      }
      if (const auto *Ref = dyn_cast<DeclRefExpr>(St);
          Ref && Ref->getDecl() == Var && S.K != State::Untracked) {
        Classified C = A.classify(Ref);
        switch (C.Kind) {
        case Use::Assign:
          S = State();
          break;
        case Use::Strong:
          if (S.K == State::Stale)
            Report(Use::Deref, Ref, S.Call);
          S = State{State::Owned, nullptr};
          break;
        case Use::Return:
        case Use::Store:
          if (S.K >= State::Fresh) {
            Report(C.Kind, Ref, nullptr);
            S = State();
          }
          break;
        case Use::Deref:
          if (S.K == State::Stale) {
            Report(Use::Deref, Ref, S.Call);
            S = State();
          }
          break;
        case Use::None:
          break;
        }
        continue;
      }
      if (const auto *Call = dyn_cast<CallExpr>(St);
          Call && S.K == State::Fresh && A.runsPython(*Call))
        S = State{State::Stale, Call};
    }
    // On the edge where the variable is known to be Py_None (immortal) or
    // NULL, it holds nothing that can die.
    std::optional<bool> NoneOnTrue = noneTest(B->getLastCondition(), Var, Ctx);
    unsigned Index = 0;
    for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
      const CFGBlock *Next = Succ.getReachableBlock();
      const bool NoneEdge = NoneOnTrue && B->succ_size() == 2 &&
                            (Index++ == 0) == *NoneOnTrue;
      if (!Next)
        continue;
      const State Out = NoneEdge ? State() : S;
      auto [It, Inserted] = In.try_emplace(Next, Out);
      State Old = It->second;
      It->second.join(Out);
      if (Inserted || !(Old == It->second))
        Work.push_back(Next);
    }
  }
  return First;
}

const FunctionDecl *enclosingFunction(const Stmt &S, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(S);
  while (true) {
    auto Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    Node = Parents[0];
    if (const auto *FD = Node.get<FunctionDecl>())
      return FD;
    if (const auto *Lambda = Node.get<LambdaExpr>())
      return Lambda->getCallOperator();
  }
}

/// A fetch whose borrowed result is returned or stored, or held in a local
/// that is used after a call that can run Python code. Binds "use" (the
/// offending expression or statement), and "returned", "stored" or "call"
/// (the intervening call), and "var" when the result is held in a local.
AST_MATCHER_P(Expr, misusesBorrowedResult, std::shared_ptr<BorrowConfig>,
              Config) {
  ASTContext &Ctx = Finder->getASTContext();
  BorrowAnalysis A(*Config, Ctx);
  Classified C = A.classify(&Node);
  if (C.Kind == Use::Return || C.Kind == Use::Store) {
    Builder->setBinding("use", DynTypedNode::create(*C.At));
    Builder->setBinding(C.Kind == Use::Return ? "returned" : "stored",
                        DynTypedNode::create(*C.At));
    return true;
  }
  if (!C.Target)
    return false;
  const FunctionDecl *Func = enclosingFunction(Node, Ctx);
  if (!Func || !Func->getBody())
    return false;
  // `v = fetch` starts at the assignment; `T *v = fetch;` at v's DeclStmt.
  const Stmt *Start = isa<BinaryOperator>(C.At) ? C.At : nullptr;
  std::optional<Finding> F = trackVariable(*Func, Start, C.Target, A, Ctx);
  if (!F)
    return false;
  Builder->setBinding("var", DynTypedNode::create(*C.Target));
  Builder->setBinding("use", DynTypedNode::create(*F->At));
  if (F->Kind == Use::Return)
    Builder->setBinding("returned", DynTypedNode::create(*F->At));
  else if (F->Kind == Use::Store)
    Builder->setBinding("stored", DynTypedNode::create(*F->At));
  else if (F->Call)
    Builder->setBinding("call", DynTypedNode::create(*F->Call));
  return true;
}

/// The whole expansion of a function-like macro named in \p Names that is
/// an expression rather than a call: PyWeakref_GET_OBJECT before 3.11,
/// `(Py_REFCNT(...) > 0 ? ((PyWeakReference *)(ref))->wr_object : Py_None)`.
AST_MATCHER_P(Expr, isWholeExpansionOfMacroIn, std::shared_ptr<BorrowConfig>,
              Config) {
  if (isa<CallExpr>(Node) || isa<ImplicitCastExpr>(Node))
    return false;
  const SourceManager &SM = Finder->getASTContext().getSourceManager();
  const LangOptions &LO = Finder->getASTContext().getLangOpts();
  SourceLocation Begin = Node.getBeginLoc(), End = Node.getEndLoc();
  if (!Begin.isMacroID() || SM.isMacroArgExpansion(Begin) ||
      !Config->Fetch.contains(Lexer::getImmediateMacroName(Begin, SM, LO)))
    return false;
  SourceLocation MacroBegin, MacroEnd;
  return Lexer::isAtStartOfMacroExpansion(Begin, SM, LO, &MacroBegin) &&
         Lexer::isAtEndOfMacroExpansion(End, SM, LO, &MacroEnd) &&
         SM.getExpansionLoc(Begin) == MacroBegin;
}

} // namespace

CapiBorrowedGetobjectCheck::CapiBorrowedGetobjectCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      FetchFunctions(Options.get("FetchFunctions", DefaultFetchFunctions)),
      StrongReferenceFunctions(Options.get("StrongReferenceFunctions",
                                           DefaultStrongReferenceFunctions)),
      SafeFunctions(Options.get("SafeFunctions", DefaultSafeFunctions)),
      ApiFunctions(Options.get("ApiFunctions", DefaultApiFunctions)),
      HelperDepth(Options.get("HelperDepth", DefaultHelperDepth)) {
  // Every report starts at a fetch function or macro (patterns that are not
  // plain names make the check always run).
  keywords::declare(this, {FetchFunctions});
}

void CapiBorrowedGetobjectCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "FetchFunctions", FetchFunctions);
  Options.store(Opts, "StrongReferenceFunctions", StrongReferenceFunctions);
  Options.store(Opts, "SafeFunctions", SafeFunctions);
  Options.store(Opts, "ApiFunctions", ApiFunctions);
  Options.store(Opts, "HelperDepth", HelperDepth);
}

void CapiBorrowedGetobjectCheck::registerMatchers(MatchFinder *Finder) {
  auto Config = std::make_shared<BorrowConfig>(
      BorrowConfig{NameList(FetchFunctions), NameList(StrongReferenceFunctions),
                   NameList(SafeFunctions), NameList(ApiFunctions),
                   HelperDepth});
  // A call of PyWeakref_GetObject / PyWeakref_GET_OBJECT (a static inline
  // function behind a macro since 3.11).
  const auto Fetch = callExpr(callee(functionDecl(
      hasAnyName(utils::options::parseStringList(FetchFunctions)))));
  Finder->addMatcher(
      callExpr(Fetch, unless(isInTemplateInstantiation()),
               callee(functionDecl().bind("fetcher")),
               misusesBorrowedResult(Config))
          .bind("fetch"),
      this);
  // The same as a macro expression (CPython 3.10 and earlier).
  Finder->addMatcher(expr(isWholeExpansionOfMacroIn(Config),
                          unless(isInTemplateInstantiation()),
                          misusesBorrowedResult(Config))
                         .bind("fetch"),
                     this);
}

void CapiBorrowedGetobjectCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Fetch = Result.Nodes.getNodeAs<Expr>("fetch");
  const auto *FetchFunction = Result.Nodes.getNodeAs<FunctionDecl>("fetcher");
  // A function, or the macro of CPython 3.10 and earlier.
  const std::string Fetcher =
      "'" +
      (FetchFunction
           ? FetchFunction->getName()
           : Lexer::getImmediateMacroName(Fetch->getBeginLoc(),
                                          *Result.SourceManager, getLangOpts()))
          .str() +
      "'";
  const auto *Use = Result.Nodes.getNodeAs<Stmt>("use");
  const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var");
  const SourceManager &SM = *Result.SourceManager;
  const SourceLocation At = SM.getFileLoc(Use->getBeginLoc());
  const SourceLocation FetchAt = SM.getFileLoc(Fetch->getBeginLoc());
  const char *const Remedy =
      "take a strong reference with Py_NewRef right after the fetch, or use "
      "PyWeakref_GetRef on Python 3.13 and later";
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call")) {
    diag(At, "borrowed reference %0 from %1 is used after a call that can "
             "run Python code and destroy its referent; %2")
        << Var << Fetcher << Remedy;
    diag(SM.getFileLoc(Call->getBeginLoc()),
         "this call can run Python code while %0 is borrowed",
         DiagnosticIDs::Note)
        << Var;
    diag(FetchAt, "%0 fetched here as a borrowed reference",
         DiagnosticIDs::Note)
        << Var;
    return;
  }
  const bool Returned = Result.Nodes.getNodeAs<Stmt>("returned") != nullptr;
  if (Var) {
    diag(At, "borrowed reference %0 from %1 is %select{stored|returned}2 "
             "without a strong reference; %3")
        << Var << Fetcher << Returned << Remedy;
    diag(FetchAt, "%0 fetched here as a borrowed reference",
         DiagnosticIDs::Note)
        << Var;
  } else {
    diag(FetchAt, "borrowed reference from %0 is %select{stored|returned}1 "
                  "without a strong reference; %2")
        << Fetcher << Returned << Remedy;
  }
}

} // namespace clang::tidy::weakref
