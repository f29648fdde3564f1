//===-- CapiBorrowedGetobjectCheck.cpp - weakref-capi-borrowed-getobject --===//

#include "CapiBorrowedGetobjectCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Analysis/CFG.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Regex.h"
#include "summaries/PythonCodeSummary.h"
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
// Type tests, identity tests, and accessors that read a field or a slot of
// a container without calling into any object.
constexpr char DefaultSafeFunctions[] =
    "Py_TYPE;_Py_TYPE;Py_IS_TYPE;_Py_IS_TYPE;Py_REFCNT;_Py_REFCNT;Py_SIZE;"
    "_Py_SIZE;Py_Is;Py_IsNone;Py_IsTrue;Py_IsFalse;PyType_IsSubtype;"
    "PyType_HasFeature;PyType_FastSubclass;PyType_GetFlags;PyObject_TypeCheck;"
    "_PyObject_TypeCheck;Py[A-Za-z]*_Check;Py[A-Za-z]*_CheckExact;"
    "Py[A-Za-z]*_CheckRef;Py[A-Za-z]*_CheckRefExact;Py[A-Za-z]*_CheckProxy;"
    "PyErr_Occurred;PyWeakref_GetObject;PyWeakref_GET_OBJECT;PyWeakref_GetRef;"
    "PyModule_GetDict;PyModule_GetState;PyModule_GetDef;PyType_GetModule;"
    "PyType_GetModuleState;PyType_GetModuleByDef;PyType_GetSlot;"
    "PyTuple_GET_ITEM;PyTuple_GetItem;PyTuple_GET_SIZE;PyTuple_Size;"
    "PyList_GET_ITEM;PyList_GetItem;PyList_GET_SIZE;PyList_Size;"
    "PyBytes_AS_STRING;PyBytes_GET_SIZE;PyByteArray_AS_STRING;"
    "PyByteArray_GET_SIZE;PyUnicode_GET_LENGTH;PyUnicode_AsUTF8;"
    "PyUnicode_AsUTF8AndSize;PyUnicode_DATA;PyUnicode_KIND;PyUnicode_READ;"
    "PyUnicode_READ_CHAR;PyCapsule_GetPointer;PyCapsule_IsValid;"
    "PyCell_GET;PyCell_Get;PyThreadState_Get;_PyThreadState_GET;"
    "_PyInterpreterState_GET;PyObject_GetTypeData;_PyObject_CAST;"
    "_PyObject_GC_IS_TRACKED;_PyObject_GC_UNTRACK;PyObject_GC_UnTrack;"
    "_Py_IsImmortal;assert;__assert_fail;PyList_Append;PyList_Insert;"
    "PyOS_snprintf";
constexpr char DefaultApiFunctions[] = "_?Py.*";
// Raising functions: a path that calls one of them is an error path.
constexpr char DefaultErrorFunctions[] =
    "PyErr_SetString;PyErr_SetObject;PyErr_SetNone;PyErr_Format;"
    "PyErr_FormatV;PyErr_NoMemory;PyErr_BadArgument;PyErr_BadInternalCall;"
    "_PyErr_BadInternalCall;PyErr_SetFromErrno.*;PyErr_SetExcFromWindowsErr.*;"
    "PyErr_SetFromWindowsErr.*;_PyErr_SetString;_PyErr_SetObject;"
    "_PyErr_Format;_PyErr_SetNone;_PyErr_NoMemory;_PyArg_BadArgument;"
    "PyErr_SetImportError.*";
// printf-like functions that call into objects only for %R, %S and %A.
constexpr char DefaultFormatFunctions[] =
    "PyUnicode_FromFormat;PyErr_Format;PyBytes_FromFormat";
// Functions whose contract is to return a borrowed reference.
constexpr char DefaultBorrowedReturnFunctions[] =
    "PyWeakref_GetObject;PyWeakref_GET_OBJECT;PyImport_AddModuleObject;"
    "PyImport_AddModule";
constexpr unsigned DefaultHelperDepth = 2;

using summaries::NamePatterns;

StringRef calleeName(const CallExpr &Call) {
  const FunctionDecl *FD = Call.getDirectCallee();
  return FD && FD->getIdentifier() ? FD->getName() : StringRef();
}

} // namespace

/// The check's configuration, and the per-translation-unit summary of
/// which functions can run Python code.
struct CapiBorrowConfig {
  NamePatterns Fetch, Strong, Safe, BorrowedReturn;
  summaries::PythonCodeSummary Summary;
  /// Whether a macro named in Fetch was expanded in this translation unit:
  /// the macro-expression matcher, which looks at every expression, has
  /// nothing to find otherwise.
  bool FetchMacroExpanded = false;
};

namespace {
/// Notes the expansion of a fetch macro.
class FetchMacroWatcher : public PPCallbacks {
public:
  explicit FetchMacroWatcher(CapiBorrowConfig &Config) : Config(Config) {}
  void MacroExpands(const Token &Name, const MacroDefinition &, SourceRange,
                    const MacroArgs *) override {
    if (!Config.FetchMacroExpanded && Name.getIdentifierInfo() &&
        Config.Fetch.contains(Name.getIdentifierInfo()->getName()))
      Config.FetchMacroExpanded = true;
  }

private:
  CapiBorrowConfig &Config;
};
} // namespace

namespace {

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

/// The index of the argument of \p Call that \p E is (through parens and
/// casts), or the number of arguments.
unsigned argumentIndex(const CallExpr &Call, const Expr *E) {
  for (unsigned I = 0; I < Call.getNumArgs(); ++I) {
    const Expr *A = Call.getArg(I);
    while (true) {
      if (A == E)
        return I;
      if (const auto *P = dyn_cast<ParenExpr>(A))
        A = P->getSubExpr();
      else if (const auto *C = dyn_cast<CastExpr>(A))
        A = C->getSubExpr();
      else
        break;
    }
  }
  return Call.getNumArgs();
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
  Passed, ///< passed to a call that can run Python code while it runs
};

struct Classified {
  Use Kind = Use::None;
  const Stmt *At = nullptr;
  const VarDecl *Target = nullptr; ///< a local the value is assigned to
  const CallExpr *Call = nullptr;  ///< the call it is an argument of
};

class BorrowAnalysis {
public:
  BorrowAnalysis(CapiBorrowConfig &Config, ASTContext &Ctx)
      : Config(Config), Ctx(Ctx) {}

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
      if (Call->getCallee() != Value) {
        C.Kind = isStrong(*Call) ? Use::Strong : Use::Deref;
        C.Call = Call;
      }
    } else if (Parent.get<MemberExpr>() || Parent.get<ArraySubscriptExpr>()) {
      C.Kind = Use::Deref;
    }
    return C;
  }

  /// Whether \p Call can run Python code (and so drop the last strong
  /// reference to any object) on a path on which it returns normally; the
  /// calls down to where it does go to \p Chain.
  bool runsPython(const CallExpr &Call,
                  std::vector<const CallExpr *> *Chain = nullptr) {
    return Config.Summary.callRunsPython(Call, Ctx, Chain);
  }

  /// For a call that can run Python code and receives the borrowed
  /// reference as argument \p Arg: whether the callee can still use it
  /// after the Python code ran. For a callee defined in the translation
  /// unit, whether its parameter (or a local initialised from it) is named
  /// after (in source order) the first call that runs Python code on its
  /// success path; otherwise yes.
  bool usesArgumentAfterPython(const CallExpr &Call, unsigned Arg) {
    const FunctionDecl *FD = Call.getDirectCallee();
    const FunctionDecl *Def = nullptr;
    if (!FD || !FD->hasBody(Def) || !Def->getBody() ||
        Arg >= Def->getNumParams() ||
        Ctx.getSourceManager().isInSystemHeader(Def->getLocation()))
      return true;
    const CallExpr *Witness = Config.Summary.successPathCall(*Def, Ctx);
    if (!Witness)
      return true;
    const SourceManager &SM = Ctx.getSourceManager();
    llvm::SmallPtrSet<const VarDecl *, 4> Object{Def->getParamDecl(Arg)};
    bool Used = false;
    auto Visit = [&](auto &&Self, const Stmt *S) -> void {
      if (!S || Used)
        return;
      if (const auto *DS = dyn_cast<DeclStmt>(S))
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit())
            if (const auto *R = dyn_cast<DeclRefExpr>(V->getInit()->IgnoreParenCasts());
                R && isa<VarDecl>(R->getDecl()) &&
                Object.contains(cast<VarDecl>(R->getDecl())))
              Object.insert(V);
      if (const auto *Ref = dyn_cast<DeclRefExpr>(S);
          Ref && isa<VarDecl>(Ref->getDecl()) &&
          Object.contains(cast<VarDecl>(Ref->getDecl())) &&
          SM.isBeforeInTranslationUnit(Witness->getBeginLoc(), Ref->getBeginLoc()))
        Used = true;
      for (const Stmt *Child : S->children())
        Self(Self, Child);
    };
    Visit(Visit, Def->getBody());
    return Used;
  }

  /// Whether a return of the borrowed reference is the contract of the
  /// function \p Func (PyWeakref_GetObject's own definition).
  bool returnsBorrowedByContract(const FunctionDecl *Func) const {
    return Func && Func->getIdentifier() &&
           Config.BorrowedReturn.contains(Func->getName());
  }

private:
  bool isStrong(const CallExpr &Call) {
    return Config.Strong.contains(calleeName(Call));
  }

  CapiBorrowConfig &Config;
  ASTContext &Ctx;
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

  // The transfer function of one block; findings are only collected in the
  // last pass, once the states have reached their fixpoint (a first visit
  // may see a state that a later join makes stale).
  auto Transfer = [&](const CFGBlock &B, State S, bool Collect) {
    auto Found = [&](Use Kind, const Stmt *At, const CallExpr *Call) {
      if (Collect)
        Report(Kind, At, Call);
    };
    for (const CFGElement &El : B) {
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
            Found(Use::Deref, Ref, S.Call);
          S = State{State::Owned, nullptr};
          break;
        case Use::Return:
          if (A.returnsBorrowedByContract(&Func))
            break;
          [[fallthrough]];
        case Use::Store:
          if (S.K >= State::Fresh) {
            Found(C.Kind, Ref, nullptr);
            S = State();
          }
          break;
        case Use::Deref:
          if (S.K == State::Stale) {
            Found(Use::Deref, Ref, S.Call);
            S = State();
          } else if (S.K == State::Fresh && C.Call && A.runsPython(*C.Call) &&
                     A.usesArgumentAfterPython(*C.Call, argumentIndex(*C.Call, Ref))) {
            // The callee can drop the last reference while it runs.
            Found(Use::Passed, Ref, C.Call);
            S = State();
          }
          break;
        case Use::Passed:
        case Use::None:
          break;
        }
        continue;
      }
      if (const auto *Call = dyn_cast<CallExpr>(St);
          Call && S.K == State::Fresh && A.runsPython(*Call))
        S = State{State::Stale, Call};
    }
    return S;
  };

  llvm::DenseMap<const CFGBlock *, State> In;
  std::vector<const CFGBlock *> Work{&Cfg->getEntry()};
  In[&Cfg->getEntry()] = State();
  while (!Work.empty()) {
    const CFGBlock *B = Work.back();
    Work.pop_back();
    State S = Transfer(*B, In[B], /*Collect=*/false);
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
  for (const auto &[B, S] : In)
    Transfer(*B, S, /*Collect=*/true);
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

/// A fetch whose borrowed result is returned or stored, passed to a call
/// that can run Python code, or held in a local that is used after such a
/// call. Binds "use" (the offending expression or statement), and
/// "returned", "stored", "passed" (the call it is passed to) or "call" (the
/// intervening call), and "var" when the result is held in a local.
AST_MATCHER_P(Expr, misusesBorrowedResult, std::shared_ptr<CapiBorrowConfig>,
              Config) {
  ASTContext &Ctx = Finder->getASTContext();
  BorrowAnalysis A(*Config, Ctx);
  Classified C = A.classify(&Node);
  if (C.Kind == Use::Return &&
      A.returnsBorrowedByContract(enclosingFunction(Node, Ctx)))
    return false;
  if (C.Kind == Use::Deref && C.Call && A.runsPython(*C.Call) &&
      A.usesArgumentAfterPython(*C.Call, argumentIndex(*C.Call, &Node))) {
    Builder->setBinding("use", DynTypedNode::create(Node));
    Builder->setBinding("passed", DynTypedNode::create(*C.Call));
    return true;
  }
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
  else if (F->Kind == Use::Passed)
    Builder->setBinding("passed", DynTypedNode::create(*F->Call));
  else if (F->Call)
    Builder->setBinding("call", DynTypedNode::create(*F->Call));
  return true;
}

/// The whole expansion of a function-like macro named in \p Names that is
/// an expression rather than a call: PyWeakref_GET_OBJECT before 3.11,
/// `(Py_REFCNT(...) > 0 ? ((PyWeakReference *)(ref))->wr_object : Py_None)`.
AST_MATCHER_P(Expr, isWholeExpansionOfMacroIn, std::shared_ptr<CapiBorrowConfig>,
              Config) {
  if (!Config->FetchMacroExpanded || isa<CallExpr>(Node) ||
      isa<ImplicitCastExpr>(Node) || !Node.getBeginLoc().isMacroID())
    return false;
  const SourceManager &SM = Finder->getASTContext().getSourceManager();
  const LangOptions &LO = Finder->getASTContext().getLangOpts();
  SourceLocation Begin = Node.getBeginLoc(), End = Node.getEndLoc();
  if (!Begin.isMacroID() || SM.isMacroArgExpansion(Begin) ||
      !Config->Fetch.contains(Lexer::getImmediateMacroName(Begin, SM, LO)))
    return false;
  SourceLocation MacroBegin, MacroEnd;
  // `PyWeakref_GET_OBJECT(r) == Py_None` begins at one macro and ends at
  // another: not a whole expansion.
  return Lexer::isAtStartOfMacroExpansion(Begin, SM, LO, &MacroBegin) &&
         Lexer::isAtEndOfMacroExpansion(End, SM, LO, &MacroEnd) &&
         SM.getExpansionLoc(Begin) == MacroBegin &&
         SM.getExpansionRange(Begin).getAsRange() ==
             SM.getExpansionRange(End).getAsRange();
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
      ErrorFunctions(Options.get("ErrorFunctions", DefaultErrorFunctions)),
      FormatFunctions(Options.get("FormatFunctions", DefaultFormatFunctions)),
      BorrowedReturnFunctions(Options.get("BorrowedReturnFunctions",
                                          DefaultBorrowedReturnFunctions)),
      HelperDepth(Options.get("HelperDepth", DefaultHelperDepth)) {
  // Every report starts at a fetch function or macro (patterns that are not
  // plain names make the check always run).
  keywords::declare(this, {FetchFunctions});
  summaries::PythonCodeOptions Summary;
  Summary.Api = NamePatterns(ApiFunctions);
  // Taking a strong reference or fetching another one runs nothing either.
  Summary.Safe = NamePatterns(SafeFunctions + ";" + StrongReferenceFunctions +
                              ";" + FetchFunctions);
  Summary.Error = NamePatterns(ErrorFunctions);
  Summary.Format = NamePatterns(FormatFunctions);
  Summary.Depth = HelperDepth;
  Config = std::make_shared<CapiBorrowConfig>(CapiBorrowConfig{
      NamePatterns(FetchFunctions), NamePatterns(StrongReferenceFunctions),
      NamePatterns(SafeFunctions), NamePatterns(BorrowedReturnFunctions),
      summaries::PythonCodeSummary(std::move(Summary))});
}

CapiBorrowedGetobjectCheck::~CapiBorrowedGetobjectCheck() = default;

void CapiBorrowedGetobjectCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "FetchFunctions", FetchFunctions);
  Options.store(Opts, "StrongReferenceFunctions", StrongReferenceFunctions);
  Options.store(Opts, "SafeFunctions", SafeFunctions);
  Options.store(Opts, "ApiFunctions", ApiFunctions);
  Options.store(Opts, "ErrorFunctions", ErrorFunctions);
  Options.store(Opts, "FormatFunctions", FormatFunctions);
  Options.store(Opts, "BorrowedReturnFunctions", BorrowedReturnFunctions);
  Options.store(Opts, "HelperDepth", HelperDepth);
}

void CapiBorrowedGetobjectCheck::onEndOfTranslationUnit() {
  Config->Summary.reset();
  Config->FetchMacroExpanded = false;
}

void CapiBorrowedGetobjectCheck::registerPPCallbacks(
    const SourceManager &, Preprocessor *PP, Preprocessor *) {
  Config->FetchMacroExpanded = false;
  PP->addPPCallbacks(std::make_unique<FetchMacroWatcher>(*Config));
}

void CapiBorrowedGetobjectCheck::registerMatchers(MatchFinder *Finder) {
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
  // The same as a macro expression (CPython 3.10 and earlier), which is
  // parenthesised: only parenthesised expressions need to be looked at.
  Finder->addMatcher(parenExpr(isWholeExpansionOfMacroIn(Config),
                               unless(isInTemplateInstantiation()),
                               misusesBorrowedResult(Config))
                         .bind("fetch"),
                     this);
}

void CapiBorrowedGetobjectCheck::noteChain(const CallExpr &Call,
                                           ASTContext &Ctx) {
  std::vector<const CallExpr *> Chain;
  if (!Config->Summary.callRunsPython(Call, Ctx, &Chain))
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  for (size_t I = 1; I < Chain.size(); ++I)
    diag(SM.getFileLoc(Chain[I]->getBeginLoc()),
         "%0 can run Python code through this call", DiagnosticIDs::Note)
        << Chain[I - 1]->getDirectCallee();
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
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("passed")) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    const std::string To =
        Callee ? "'" + Callee->getNameAsString() + "'" : "a function pointer";
    if (Var) {
      diag(At, "borrowed reference %0 from %1 is passed to %2, which can run "
               "Python code and destroy its referent while it runs; %3")
          << Var << Fetcher << To << Remedy;
      noteChain(*Call, *Result.Context);
      diag(FetchAt, "%0 fetched here as a borrowed reference",
           DiagnosticIDs::Note)
          << Var;
    } else {
      diag(FetchAt, "borrowed reference from %0 is passed to %1, which can "
                    "run Python code and destroy its referent while it runs; "
                    "%2")
          << Fetcher << To << Remedy;
      noteChain(*Call, *Result.Context);
    }
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call")) {
    diag(At, "borrowed reference %0 from %1 is used after a call that can "
             "run Python code and destroy its referent; %2")
        << Var << Fetcher << Remedy;
    diag(SM.getFileLoc(Call->getBeginLoc()),
         "this call can run Python code while %0 is borrowed",
         DiagnosticIDs::Note)
        << Var;
    noteChain(*Call, *Result.Context);
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
