//===-- ExpiredThenLockCheck.cpp - weakref-expired-then-lock --------------===//

#include "ExpiredThenLockCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "utils/Ownership.h"
#include "utils/Keywords.h"
#include "utils/WeakrefMatchers.h"
#include "llvm/ADT/STLExtras.h"
#include <optional>

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultWeakReferences[] =
    "::std::weak_ptr;::std::__weak_ptr;::boost::weak_ptr;::weakref::ref;::weakref::proxy";
constexpr char DefaultStrongOwners[] = "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr";
constexpr char DefaultExpiredMethods[] = "expired";
constexpr char DefaultAliveMethods[] = "alive";
constexpr char DefaultLockMethods[] = "lock;operator()";
constexpr char DefaultThrowingLockMethods[] = "pin;apply;operator->";

using Methods = ExpiredThenLockCheck::Methods;

/// The variable, or the member of `*this`, that a weak reference expression
/// names; null for anything else (an element, a member of another object).
const ValueDecl *weakKey(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
      return Var->getCanonicalDecl();
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    if (isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()))
      return dyn_cast<FieldDecl>(Member->getMemberDecl());
  return nullptr;
}

/// The object a member or member-operator call is made on.
const Expr *objectArgument(const Expr *E) {
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E))
    return Call->getImplicitObjectArgument();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
      Op && Op->getNumArgs() >= 1)
    return Op->getArg(0);
  return nullptr;
}

/// The weak reference an upgrade (a lock-like call or an owner constructed
/// from a weak reference) reads.
const Expr *upgradedWeak(const Expr *E) {
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
    return Construct->getNumArgs() >= 1 ? Construct->getArg(0) : nullptr;
  return objectArgument(E);
}

/// Matches a member or member-operator call whose object matches \p Inner.
AST_MATCHER_P(CallExpr, onObject, ast_matchers::internal::Matcher<Expr>,
              Inner) {
  const Expr *Object = objectArgument(&Node);
  return Object &&
         Inner.matches(*Object->IgnoreParenImpCasts(), Finder, Builder);
}

/// The calls in \p E that, when \p E evaluates to \p Value, have said that
/// \p Key is alive: `!w.expired()` or `w.alive()` for true, `w.expired()`
/// for false, through `!`, `&&` (true) and `||` (false).
void livenessTests(const Expr *E, bool Value, const Methods &M,
                   const ValueDecl *Key,
                   llvm::SmallVectorImpl<const CXXMemberCallExpr *> &Out) {
  if (!E)
    return;
  E = E->IgnoreParenImpCasts();
  if (const auto *Not = dyn_cast<UnaryOperator>(E);
      Not && Not->getOpcode() == UO_LNot)
    return livenessTests(Not->getSubExpr(), !Value, M, Key, Out);
  if (const auto *Binary = dyn_cast<BinaryOperator>(E)) {
    if ((Binary->getOpcode() == BO_LAnd && Value) ||
        (Binary->getOpcode() == BO_LOr && !Value)) {
      livenessTests(Binary->getLHS(), Value, M, Key, Out);
      livenessTests(Binary->getRHS(), Value, M, Key, Out);
    }
    return;
  }
  const auto *Call = dyn_cast<CXXMemberCallExpr>(E);
  const CXXMethodDecl *Method = Call ? Call->getMethodDecl() : nullptr;
  if (!Method || !Method->getIdentifier() ||
      weakKey(Call->getImplicitObjectArgument()) != Key)
    return;
  if ((!Value && llvm::is_contained(M.Expired, Method->getName())) ||
      (Value && llvm::is_contained(M.Alive, Method->getName())))
    Out.push_back(Call);
}

/// Whether control never leaves \p S normally: return, throw, break,
/// continue, goto, a [[noreturn]] call, or a block or if ending in those.
bool alwaysExits(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *Block = dyn_cast<CompoundStmt>(S))
    return !Block->body_empty() && alwaysExits(Block->body_back());
  if (isa<ReturnStmt, BreakStmt, ContinueStmt, GotoStmt>(S))
    return true;
  if (const auto *If = dyn_cast<IfStmt>(S))
    return alwaysExits(If->getThen()) && alwaysExits(If->getElse());
  if (const auto *E = dyn_cast<Expr>(S)) {
    E = E->IgnoreImplicit();
    if (isa<CXXThrowExpr>(E))
      return true;
    if (const auto *Call = dyn_cast<CallExpr>(E))
      if (const FunctionDecl *Callee = Call->getDirectCallee())
        return Callee->isNoReturn();
  }
  return false;
}

/// Whether \p S (outside nested lambdas) assigns, resets or swaps \p Key.
bool changesWeak(const Stmt *S, const ValueDecl *Key) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S);
      Op && Op->isAssignmentOp() && weakKey(Op->getArg(0)) == Key)
    return true;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
    if (const CXXMethodDecl *Method = Call->getMethodDecl();
        Method && Method->getIdentifier() &&
        (Method->getName() == "reset" || Method->getName() == "swap") &&
        weakKey(Call->getImplicitObjectArgument()) == Key)
      return true;
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *Callee = Call->getDirectCallee();
        Callee && Callee->getIdentifier() &&
        (Callee->getName() == "swap" || Callee->getName() == "exchange") &&
        llvm::any_of(Call->arguments(),
                     [&](const Expr *Arg) { return weakKey(Arg) == Key; }))
      return true;
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return changesWeak(Child, Key);
  });
}

/// Matches an upgrade of a weak reference that runs only where an earlier
/// test of the same weak reference said it was alive, in the same function:
/// the then-branch of `if (!w.expired())`, the else-branch of
/// `if (w.expired())`, the statements after `if (w.expired()) return;`,
/// the body of `while (!w.expired())`, the right of `!w.expired() && ...`,
/// a branch of `?:`. Binds "test" (the expired()/alive() call) and "guard"
/// (the statement or expression that makes the test guard the upgrade).
AST_MATCHER_P(Expr, guardedByLivenessTest, const Methods *, M) {
  const ValueDecl *Key = weakKey(upgradedWeak(&Node));
  if (!Key)
    return false;
  ASTContext &Ctx = Finder->getASTContext();
  DynTypedNode Current = DynTypedNode::create(Node);
  const Stmt *Child = &Node;
  for (unsigned Depth = 0; Depth < 256; ++Depth) {
    DynTypedNodeList Parents = Ctx.getParents(Current);
    if (Parents.empty())
      return false;
    Current = Parents[0];
    if (const auto *Var = Current.get<VarDecl>()) {
      if (!Var->isLocalVarDecl())
        return false;
      continue;
    }
    const Stmt *S = Current.get<Stmt>();
    // A lambda body runs later, not where the test was made.
    if (!S || isa<LambdaExpr, BlockExpr>(S))
      return false;
    llvm::SmallVector<const CXXMemberCallExpr *, 2> Tests;
    if (const auto *If = dyn_cast<IfStmt>(S)) {
      if (Child == If->getThen())
        livenessTests(If->getCond(), true, *M, Key, Tests);
      else if (Child == If->getElse())
        livenessTests(If->getCond(), false, *M, Key, Tests);
    } else if (const auto *While = dyn_cast<WhileStmt>(S)) {
      if (Child == While->getBody())
        livenessTests(While->getCond(), true, *M, Key, Tests);
    } else if (const auto *For = dyn_cast<ForStmt>(S)) {
      if (Child == For->getBody())
        livenessTests(For->getCond(), true, *M, Key, Tests);
    } else if (const auto *Binary = dyn_cast<BinaryOperator>(S)) {
      if (Child == Binary->getRHS() && Binary->isLogicalOp())
        livenessTests(Binary->getLHS(), Binary->getOpcode() == BO_LAnd, *M,
                      Key, Tests);
    } else if (const auto *Cond = dyn_cast<ConditionalOperator>(S)) {
      if (Child == Cond->getTrueExpr() || Child == Cond->getFalseExpr())
        livenessTests(Cond->getCond(), Child == Cond->getTrueExpr(), *M, Key,
                      Tests);
    } else if (const auto *Block = dyn_cast<CompoundStmt>(S)) {
      // `if (w.expired()) return;` earlier in the same block; a statement
      // that assigns or resets `w` in between ends the search.
      const auto *It = llvm::find(Block->body(), Child);
      while (It != Block->body_begin() && Tests.empty()) {
        const Stmt *Prev = *--It;
        if (const auto *If = dyn_cast<IfStmt>(Prev);
            If && !If->getElse() && alwaysExits(If->getThen()))
          livenessTests(If->getCond(), false, *M, Key, Tests);
        if (Tests.empty() && changesWeak(Prev, Key))
          return false;
      }
    }
    if (!Tests.empty()) {
      Builder->setBinding("test", DynTypedNode::create(*Tests.front()));
      Builder->setBinding("guard", DynTypedNode::create(*S));
      return true;
    }
    Child = S;
  }
  return false;
}

/// Goes up from \p E over what does not change the value: casts, parens,
/// temporaries, conversions between owner types. Returns the outermost
/// such node and sets \p Parent to what uses it.
const Expr *climbValue(const Expr *E, ASTContext &Ctx,
                       llvm::ArrayRef<llvm::StringRef> Owners,
                       DynTypedNode &Parent) {
  while (true) {
    DynTypedNodeList Parents = Ctx.getParents(*E);
    Parent = Parents.empty() ? DynTypedNode() : Parents[0];
    const auto *P = Parent.get<Expr>();
    if (!P)
      return E;
    const auto *Construct = dyn_cast<CXXConstructExpr>(P);
    const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(P);
    const auto *Implicit = dyn_cast<ImplicitCastExpr>(P);
    bool Wrapper =
        isa<ParenExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
            ExprWithCleanups>(P) ||
        (Implicit && Implicit->getCastKind() != CK_UserDefinedConversion &&
         Implicit->getCastKind() != CK_PointerToBoolean) ||
        (Construct && Construct->getNumArgs() == 1 &&
         ownership::isClassNamed(Construct->getType(), Owners)) ||
        (Cast && (Cast->getCastKind() == CK_NoOp ||
                  Cast->getCastKind() == CK_ConstructorConversion));
    if (!Wrapper)
      return E;
    E = P;
  }
}

enum class Use { Other, Test, Deref };

/// How the pointer value \p E (a strong owner, or the raw pointer its get()
/// returns) is used by its parent: tested for null, dereferenced, or else.
Use useOf(const Expr *E, ASTContext &Ctx,
          llvm::ArrayRef<llvm::StringRef> Owners, const Expr *&At) {
  DynTypedNode ParentNode;
  E = climbValue(E, Ctx, Owners, ParentNode);
  const auto *P = ParentNode.get<Expr>();
  At = P;
  if (!P)
    return Use::Other;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
    if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
        Op->getArg(0) == E)
      return Use::Deref;
    return Op->isComparisonOp() ? Use::Test : Use::Other;
  }
  if (isa<CXXRewrittenBinaryOperator>(P))
    return Use::Test;
  if (const auto *Binary = dyn_cast<BinaryOperator>(P))
    return Binary->isComparisonOp() ? Use::Test : Use::Other;
  if (const auto *Implicit = dyn_cast<ImplicitCastExpr>(P))
    return Implicit->getCastKind() == CK_PointerToBoolean ? Use::Test
                                                          : Use::Other;
  if (const auto *Unary = dyn_cast<UnaryOperator>(P))
    return Unary->getOpcode() == UO_Deref ? Use::Deref : Use::Other;
  if (const auto *Member = dyn_cast<MemberExpr>(P)) {
    if (Member->isArrow())
      return Use::Deref;
    if (isa<CXXConversionDecl>(Member->getMemberDecl()))
      return Use::Test;
    // p.get(): what happens to the raw pointer decides.
    const auto *Method = dyn_cast<CXXMethodDecl>(Member->getMemberDecl());
    DynTypedNodeList Calls = Ctx.getParents(*Member);
    const auto *Call = Calls.empty() ? nullptr : Calls[0].get<CXXMemberCallExpr>();
    if (Method && Method->getIdentifier() && Method->getName() == "get" && Call)
      return useOf(Call, Ctx, Owners, At);
  }
  return Use::Other;
}

/// Whether the local \p Var, which holds a lock result, is dereferenced
/// before anything tests it for null. Binds "deref".
bool derefsBeforeTest(const VarDecl *Var, const Expr *Since, ASTContext &Ctx,
                      llvm::ArrayRef<llvm::StringRef> Owners,
                      ast_matchers::internal::BoundNodesTreeBuilder *Builder) {
  const Decl *Function = dyn_cast_or_null<Decl>(Var->getParentFunctionOrMethod());
  const Stmt *Body = Function ? Function->getBody() : nullptr;
  if (!Body)
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  const Expr *FirstDeref = nullptr;
  SourceLocation FirstTest;
  for (const BoundNodes &Ref :
       match(findAll(declRefExpr(to(varDecl(equalsNode(Var)))).bind("ref")),
             *Body, Ctx)) {
    const auto *E = Ref.getNodeAs<DeclRefExpr>("ref");
    if (Since && SM.isBeforeInTranslationUnit(E->getBeginLoc(),
                                              Since->getBeginLoc()))
      continue;
    const Expr *At = nullptr;
    Use U = useOf(E, Ctx, Owners, At);
    if (U == Use::Test &&
        (FirstTest.isInvalid() ||
         SM.isBeforeInTranslationUnit(E->getBeginLoc(), FirstTest)))
      FirstTest = E->getBeginLoc();
    if (U == Use::Deref &&
        (!FirstDeref || SM.isBeforeInTranslationUnit(E->getBeginLoc(),
                                                     FirstDeref->getBeginLoc())))
      FirstDeref = E;
  }
  if (!FirstDeref || (FirstTest.isValid() &&
                      SM.isBeforeInTranslationUnit(FirstTest,
                                                   FirstDeref->getBeginLoc())))
    return false;
  Builder->setBinding("deref", DynTypedNode::create(*FirstDeref));
  Builder->setBinding("var", DynTypedNode::create(*Var));
  return true;
}

/// Matches a lock result (a strong owner, null when the referent is dead)
/// that is dereferenced before it is tested for null: `w.lock()->f()`,
/// `*w.lock()`, or a local initialised or assigned from it. A result that is
/// tested anywhere before its first dereference, or only passed on, does not
/// match. Binds "deref" and, for a local, "var".
AST_MATCHER_P(Expr, resultDereferencedUnchecked,
              std::vector<llvm::StringRef>, Owners) {
  ASTContext &Ctx = Finder->getASTContext();
  DynTypedNode Parent;
  const Expr *Value = climbValue(&Node, Ctx, Owners, Parent);
  if (const auto *Var = Parent.get<VarDecl>()) {
    if (!Var->isLocalVarDecl() || Var->isStaticLocal() ||
        Var->getType()->isReferenceType())
      return false;
    return derefsBeforeTest(Var, nullptr, Ctx, Owners, Builder);
  }
  const Expr *LHS = nullptr;
  if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(Parent.get<Expr>());
      Op && Op->getOperator() == OO_Equal && Op->getArg(1) == Value)
    LHS = Op->getArg(0);
  if (LHS) {
    const auto *Ref = dyn_cast<DeclRefExpr>(LHS->IgnoreParenImpCasts());
    const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
    if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal())
      return false;
    return derefsBeforeTest(Var, &Node, Ctx, Owners, Builder);
  }
  const Expr *At = nullptr;
  if (useOf(&Node, Ctx, Owners, At) != Use::Deref)
    return false;
  Builder->setBinding("deref", DynTypedNode::create(*At));
  return true;
}

/// Matches the simple shape the fix-it rewrites:
///   if (!w.expired()) { auto p = w.lock(); ... }
/// with `w` a variable or a member, no else, no init-statement, and the lock
/// result initialising the single variable declared by the then-branch's
/// first statement. Binds "fix-if" and "fix-decl".
AST_MATCHER_P(Expr, declaresFirstInExpiredBranch, const Methods *, M) {
  ASTContext &Ctx = Finder->getASTContext();
  const Expr *Weak = upgradedWeak(&Node);
  const ValueDecl *Key = weakKey(Weak);
  if (!Key || Node.getBeginLoc().isMacroID())
    return false;
  DynTypedNode Parent;
  climbValue(&Node, Ctx, {}, Parent);
  const auto *Var = Parent.get<VarDecl>();
  if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal())
    return false;
  DynTypedNodeList Decls = Ctx.getParents(*Var);
  const auto *Decl = Decls.empty() ? nullptr : Decls[0].get<DeclStmt>();
  if (!Decl || !Decl->isSingleDecl())
    return false;
  DynTypedNodeList Blocks = Ctx.getParents(*Decl);
  const auto *Block = Blocks.empty() ? nullptr : Blocks[0].get<CompoundStmt>();
  if (!Block || Block->body_front() != Decl)
    return false;
  DynTypedNodeList Ifs = Ctx.getParents(*Block);
  const auto *If = Ifs.empty() ? nullptr : Ifs[0].get<IfStmt>();
  if (!If || If->getThen() != Block || If->getElse() || If->getInit() ||
      If->getConditionVariable() || If->isConstexpr() ||
      If->getCond()->getBeginLoc().isMacroID() ||
      If->getCond()->getEndLoc().isMacroID())
    return false;
  const auto *Not = dyn_cast<UnaryOperator>(If->getCond()->IgnoreParenImpCasts());
  if (!Not || Not->getOpcode() != UO_LNot)
    return false;
  const auto *Test =
      dyn_cast<CXXMemberCallExpr>(Not->getSubExpr()->IgnoreParenImpCasts());
  const CXXMethodDecl *Method = Test ? Test->getMethodDecl() : nullptr;
  if (!Method || !Method->getIdentifier() ||
      !llvm::is_contained(M->Expired, Method->getName()) ||
      weakKey(Test->getImplicitObjectArgument()) != Key)
    return false;
  Builder->setBinding("fix-if", DynTypedNode::create(*If));
  Builder->setBinding("fix-decl", DynTypedNode::create(*Decl));
  return true;
}

/// For `px->f()` (an overloaded operator-> that pins), binds the member
/// call `px->f()` as "shown", so that the diagnostic names it, not `px->`.
AST_MATCHER(Expr, bindsArrowAccess) {
  const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(&Node);
  if (!Arrow || Arrow->getOperator() != OO_Arrow)
    return true;
  ASTContext &Ctx = Finder->getASTContext();
  const Expr *E = &Node;
  for (unsigned I = 0; I < 8 && E; ++I) {
    DynTypedNodeList Parents = Ctx.getParents(*E);
    E = Parents.empty() ? nullptr : Parents[0].get<Expr>();
    if (const auto *Member = dyn_cast_or_null<MemberExpr>(E)) {
      DynTypedNodeList Calls = Ctx.getParents(*Member);
      const auto *Call = Calls.empty() ? nullptr : Calls[0].get<CallExpr>();
      Builder->setBinding("shown", Call ? DynTypedNode::create(*Call)
                                        : DynTypedNode::create(*Member));
      break;
    }
  }
  return true;
}

std::string sourceText(SourceRange Range, const ASTContext &Ctx) {
  StringRef Text = Lexer::getSourceText(CharSourceRange::getTokenRange(Range),
                                        Ctx.getSourceManager(),
                                        Ctx.getLangOpts());
  // Long or multi-line source is shortened, never left out of the message.
  StringRef Line = Text.take_until([](char C) { return C == '\n'; });
  if (Line.size() > 60)
    Line = Line.take_front(57);
  return Line.size() < Text.size() ? (Line.rtrim() + "...").str() : Text.str();
}

/// The fix-it: the declaration moves into the condition. One replacement
/// from the condition to the declaration's ';': "!w.expired()) {\n  auto p =
/// w.lock();" becomes "auto p = w.lock()) {". Nothing if a comment or
/// anything else than blanks sits between the '{' and the declaration.
std::optional<FixItHint> conditionVariableFix(const IfStmt *If,
                                              const DeclStmt *Decl,
                                              const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  const auto *Block = cast<CompoundStmt>(If->getThen());
  const Expr *Cond = If->getCond();
  if (Decl->getBeginLoc().isMacroID() || Decl->getEndLoc().isMacroID() ||
      Block->getLBracLoc().isMacroID())
    return std::nullopt;
  StringRef Declaration = Lexer::getSourceText(
      CharSourceRange::getCharRange(Decl->getBeginLoc(), Decl->getEndLoc()),
      SM, LO); // without the ';'
  SourceLocation AfterCond =
      Lexer::getLocForEndOfToken(Cond->getEndLoc(), 0, SM, LO);
  StringRef Between = Lexer::getSourceText(
      CharSourceRange::getTokenRange(AfterCond, Block->getLBracLoc()), SM, LO);
  StringRef Inside = Lexer::getSourceText(
      CharSourceRange::getCharRange(Block->getLBracLoc().getLocWithOffset(1),
                                    Decl->getBeginLoc()),
      SM, LO);
  if (Declaration.empty() || Between.empty() || !Inside.trim().empty())
    return std::nullopt;
  return FixItHint::CreateReplacement(
      CharSourceRange::getTokenRange(Cond->getBeginLoc(), Decl->getEndLoc()),
      (Declaration.rtrim() + Between).str());
}
} // namespace

ExpiredThenLockCheck::ExpiredThenLockCheck(StringRef Name,
                                           ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      WeakReferences(Options.get("WeakReferences", DefaultWeakReferences)),
      StrongOwners(Options.get("StrongOwners", DefaultStrongOwners)),
      ExpiredMethods(Options.get("ExpiredMethods", DefaultExpiredMethods)),
      AliveMethods(Options.get("AliveMethods", DefaultAliveMethods)),
      LockMethods(Options.get("LockMethods", DefaultLockMethods)),
      ThrowingLockMethods(
          Options.get("ThrowingLockMethods", DefaultThrowingLockMethods)),
      Names{utils::options::parseStringList(ExpiredMethods),
            utils::options::parseStringList(AliveMethods)} {
  // Every report is about an upgrade of one of these.
  keywords::declare(this, {WeakReferences});
}

void ExpiredThenLockCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "WeakReferences", WeakReferences);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "ExpiredMethods", ExpiredMethods);
  Options.store(Opts, "AliveMethods", AliveMethods);
  Options.store(Opts, "LockMethods", LockMethods);
  Options.store(Opts, "ThrowingLockMethods", ThrowingLockMethods);
}

void ExpiredThenLockCheck::registerMatchers(MatchFinder *Finder) {
  const auto WeakType = matchers::classTypeNamed(
      utils::options::parseStringList(WeakReferences));
  const std::vector<StringRef> Owners =
      utils::options::parseStringList(StrongOwners);
  const auto OwnerType = matchers::classTypeNamed(Owners);
  const auto Weak = expr(hasType(qualType(anyOf(WeakType, pointsTo(WeakType)))));

  // w.lock(), r(): a strong owner that is null once the referent is dead.
  const auto NullableLock =
      callExpr(callee(cxxMethodDecl(
                   hasAnyName(utils::options::parseStringList(LockMethods)),
                   returns(OwnerType))),
               onObject(Weak));
  // px.pin(), px->f(): throws once the referent is dead.
  const auto ThrowingLock = callExpr(
      callee(cxxMethodDecl(hasAnyName(
          utils::options::parseStringList(ThrowingLockMethods)))),
      onObject(Weak));
  // std::shared_ptr<T>(w): throws std::bad_weak_ptr once it is dead.
  const auto OwnerFromWeak = cxxConstructExpr(
      hasType(OwnerType), hasArgument(0, ignoringParenImpCasts(Weak)));
  const auto Guarded = guardedByLivenessTest(&Names);

  Finder->addMatcher(
      traverse(TK_AsIs,
               expr(NullableLock, Guarded, resultDereferencedUnchecked(Owners),
                    optionally(declaresFirstInExpiredBranch(&Names)))
                   .bind("lock")),
      this);
  Finder->addMatcher(
      traverse(TK_AsIs, expr(ThrowingLock, Guarded, bindsArrowAccess())
                                .bind("throwing")),
      this);
  Finder->addMatcher(
      traverse(TK_AsIs, expr(OwnerFromWeak, Guarded).bind("owner")), this);
}

void ExpiredThenLockCheck::check(const MatchFinder::MatchResult &Result) {
  const ASTContext &Ctx = *Result.Context;
  const auto *Test = Result.Nodes.getNodeAs<CXXMemberCallExpr>("test");
  const std::string TestText = sourceText(Test->getSourceRange(), Ctx);
  const char *const Race =
      "another thread can drop the last owner in between and ";
  const char *const Remedy = "; lock once and test the result instead";

  if (const auto *Lock = Result.Nodes.getNodeAs<Expr>("lock")) {
    auto D = diag(Lock->getBeginLoc(),
                  "'%0' relies on the earlier '%1' test, but %2the result is "
                  "then null%3")
             << sourceText(Lock->getSourceRange(), Ctx) << TestText << Race
             << Remedy;
    const auto *If = Result.Nodes.getNodeAs<IfStmt>("fix-if");
    const auto *Decl = Result.Nodes.getNodeAs<DeclStmt>("fix-decl");
    if (If && Decl)
      if (std::optional<FixItHint> Fix = conditionVariableFix(If, Decl, Ctx))
        D << *Fix;
  } else if (const auto *Throwing = Result.Nodes.getNodeAs<Expr>("throwing")) {
    const auto *Shown = Result.Nodes.getNodeAs<Expr>("shown");
    diag(Throwing->getBeginLoc(),
         "'%0' relies on the earlier '%1' test, but %2it then throws%3")
        << sourceText((Shown ? Shown : Throwing)->getSourceRange(), Ctx)
        << TestText << Race
        << Remedy;
  } else if (const auto *Owner =
                 Result.Nodes.getNodeAs<CXXConstructExpr>("owner")) {
    diag(Owner->getBeginLoc(),
         "constructing a strong owner from '%0' relies on the earlier '%1' "
         "test, but %2it then throws%3")
        << sourceText(Owner->getArg(0)->getSourceRange(), Ctx) << TestText
        << Race << Remedy;
  }
  diag(Test->getBeginLoc(), "the weak reference is tested here",
       DiagnosticIDs::Note)
      << Test->getSourceRange();
  if (const auto *Deref = Result.Nodes.getNodeAs<Expr>("deref");
      Deref && Result.Nodes.getNodeAs<VarDecl>("var"))
    diag(Deref->getBeginLoc(),
         "the result is dereferenced here without a null check",
         DiagnosticIDs::Note)
        << Deref->getSourceRange();
}

} // namespace clang::tidy::weakref
