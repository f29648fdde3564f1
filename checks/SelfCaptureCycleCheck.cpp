//===-- SelfCaptureCycleCheck.cpp - weakref-self-capture-cycle -------------===//

#include "SelfCaptureCycleCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "utils/WeakrefMatchers.h"
#include "utils/Keywords.h"
#include "summaries/FunctionSummaries.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

/// What decides whether a call stores its argument in an object.
struct SelfCaptureStoreRules {
  summaries::FunctionSummaries *Summaries;
  std::vector<std::string> StoringMethods;
  std::vector<std::string> CallableStorage;
};

namespace {
using StoreRules = SelfCaptureStoreRules;
constexpr unsigned DefaultSummaryDepth = 4;
constexpr char DefaultCallableStorage[] =
    "::std::function;::std::move_only_function;::std::copyable_function;"
    "::boost::function";
constexpr char DefaultStoringMethods[] =
    "connect;push_back;emplace_back;push_front;emplace_front;insert;emplace;"
    "set_*";
constexpr char DefaultExecutionContexts[] =
    "::asio::io_context;::boost::asio::io_context;::asio::thread_pool;"
    "::boost::asio::thread_pool";
constexpr char DefaultExecutorOperations[] = "post;dispatch;defer;async_*";
constexpr char DefaultTransientSinks[] =
    "async_*;post;dispatch;defer;co_spawn;spawn;execute;bind_executor";

using ownership::Holding;
using ownership::ObjectId;

/// A standard library container stores callables only when one of its
/// template arguments is a callable storage type: a std::vector<std::thread>
/// member keeps a thread's function only until it returns. Other classes
/// (signals, endpoints) are taken at their method's word.
bool mayStoreCallables(const Expr *Storage,
                       const std::vector<std::string> &CallableStorage) {
  QualType T = Storage->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || !Spec->isInStdNamespace())
    return true;
  std::vector<StringRef> Names(CallableStorage.begin(), CallableStorage.end());
  for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray())
    if (Arg.getKind() == TemplateArgument::Type &&
        ownership::isClassNamed(Arg.getAsType(), Names))
      return true;
  return false;
}

/// The callee's definition when the summaries can see its body.
const FunctionDecl *visibleBody(const FunctionDecl *Callee,
                                const ASTContext &Ctx) {
  const FunctionDecl *Def = nullptr;
  if (!Callee || !Callee->hasBody(Def) || !Def ||
      Ctx.getSourceManager().isInSystemHeader(Def->getLocation()))
    return nullptr;
  return Def;
}

bool nameMatches(const NamedDecl *D, const std::vector<std::string> &Patterns) {
  if (!D->getIdentifier())
    return false;
  StringRef Name = D->getName();
  for (const std::string &P : Patterns) {
    StringRef Pattern(P);
    if (Pattern.consume_back("*") ? Name.starts_with(Pattern) : Name == Pattern)
      return true;
  }
  return false;
}

/// Whether \p E may hold a strong owner: it, or an expression inside it
/// (lambda captures included, lambda bodies not), has a strong owner type,
/// or it names a local variable (which may be a callable holding one).
bool mayHoldOwner(const Stmt *S, const ownership::Ownership &Model,
                  unsigned Depth) {
  if (!S || Depth > 8)
    return false;
  if (const auto *E = dyn_cast<Expr>(S)) {
    if (Model.isStrongOwner(E->getType()))
      return true;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl());
          V && V->isLocalVarDecl())
        return true;
  }
  if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
    for (const LambdaCapture &C : Lambda->captures())
      if (C.capturesVariable())
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
            V && (Model.isStrongOwner(V->getType()) ||
                  (V->isInitCapture() && V->getInit() &&
                   mayHoldOwner(V->getInit(), Model, Depth + 1))))
          return true;
    return false;
  }
  for (const Stmt *Child : S->children())
    if (mayHoldOwner(Child, Model, Depth + 1))
      return true;
  return false;
}

/// `storage = callable`, `storage += callable`, `storage.store(callable)`
/// or `f(storage, callable)` where the callable holds a strong owner of an
/// object that holds the storage. A call whose callee's body is visible
/// stores what its summary says it stores (into its object, or into the
/// object of another argument); a call we cannot see into stores when its
/// name is one of StoringMethods. Binds the holding (see
/// ownership::bindHolding), "storage" and, for a call decided from the
/// body, "stored-arg".
AST_MATCHER_P2(Expr, storesCallableOwningItsHolder,
               const ownership::Ownership *, Model, const StoreRules *,
               Rules) {
  ASTContext &Ctx = Finder->getASTContext();
  const auto TryStore = [&](const Expr *Storage,
                            llvm::ArrayRef<const Expr *> Callables,
                            bool FromBody) {
    llvm::SmallVector<ObjectId, 2> Holders = Model->holdersOf(Storage, Ctx);
    for (const Expr *Callable : Callables)
      if (std::optional<Holding> H = Model->findHolding(
              Callable, Holders, Ctx, /*AllowDirect=*/false)) {
        ownership::bindHolding(*H, Builder);
        Builder->setBinding("storage", DynTypedNode::create(*Storage));
        if (FromBody)
          Builder->setBinding("stored-arg", DynTypedNode::create(*Callable));
        return true;
      }
    return false;
  };
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(&Node)) {
    if (Op->getNumArgs() != 2)
      return false;
    if (Op->getOperator() != OO_Equal &&
        !mayStoreCallables(Op->getArg(0), Rules->CallableStorage))
      return false;
    return TryStore(Op->getArg(0), {Op->getArg(1)}, false);
  }
  const auto *Call = dyn_cast<CallExpr>(&Node);
  if (!Call)
    return false;
  const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(Call);
  const FunctionDecl *Def = visibleBody(Call->getDirectCallee(), Ctx);
  if (!Def) {
    // A body we cannot see: the name decides.
    if (!MemberCall || !MemberCall->getImplicitObjectArgument() ||
        !nameMatches(MemberCall->getMethodDecl(), Rules->StoringMethods) ||
        !mayStoreCallables(MemberCall->getImplicitObjectArgument(),
                           Rules->CallableStorage))
      return false;
    llvm::SmallVector<const Expr *, 2> Args(Call->arguments());
    return TryStore(MemberCall->getImplicitObjectArgument(), Args, false);
  }
  // Cheap first: only a call with an argument that may hold a strong owner
  // needs the callee's summary.
  if (llvm::none_of(Call->arguments(), [&](const Expr *A) {
        return mayHoldOwner(A, *Model, 0);
      }))
    return false;
  const summaries::FunctionSummary *S = Rules->Summaries->get(Def, Ctx);
  if (!S)
    return false;
  for (const summaries::Fact &F : S->Facts) {
    if (F.Kind != summaries::FactKind::StoresParam ||
        F.Param >= static_cast<int>(Call->getNumArgs()))
      continue;
    const Expr *Storage = nullptr;
    if (F.IntoParam < 0)
      Storage = MemberCall ? MemberCall->getImplicitObjectArgument() : nullptr;
    else if (F.IntoParam < static_cast<int>(Call->getNumArgs()) &&
             F.IntoParam < static_cast<int>(Def->getNumParams())) {
      Storage = Call->getArg(F.IntoParam)->IgnoreParenImpCasts();
      // A pointer parameter: `attach(&bus_, cb)` stores into bus_,
      // `attach(this, cb)` into *this; what another raw pointer points to
      // is not known to be owned.
      if (Def->getParamDecl(F.IntoParam)->getType()->isPointerType()) {
        if (const auto *Addr = dyn_cast<UnaryOperator>(Storage);
            Addr && Addr->getOpcode() == UO_AddrOf)
          Storage = Addr->getSubExpr();
        else if (!isa<CXXThisExpr>(Storage))
          Storage = nullptr;
      }
    }
    if (Storage && TryStore(Storage, {Call->getArg(F.Param)}, true))
      return true;
  }
  return false;
}

} // namespace

/// Which members of a class are, or run on, an execution context the class
/// owns (computed once per class and translation unit).
struct SelfCaptureOwnedContexts {
  std::vector<std::string> ContextNames;
  std::vector<std::string> OwnerNames; ///< smart pointers that own
  struct Info {
    /// member -> the owned context member it is, or runs on
    llvm::DenseMap<const FieldDecl *, const FieldDecl *> RunsOn;
  };
  llvm::DenseMap<const CXXRecordDecl *, Info> Classes;

  /// The class named in ContextNames that \p T is, or that a smart pointer
  /// \p T owns; null for references and raw pointers (not owned).
  bool isOwnedContextType(QualType T) const {
    if (T->isReferenceType() || T->isPointerType())
      return false;
    std::vector<StringRef> Contexts(ContextNames.begin(), ContextNames.end());
    if (ownership::isClassNamed(T, Contexts))
      return true;
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        T.getCanonicalType()->getAsCXXRecordDecl());
    std::vector<StringRef> Owners(OwnerNames.begin(), OwnerNames.end());
    if (!Spec || Spec->getTemplateArgs().size() < 1 ||
        Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type ||
        !ownership::isClassNamed(QualType(Spec->getTypeForDecl(), 0), Owners))
      return false;
    return ownership::isClassNamed(Spec->getTemplateArgs()[0].getAsType(),
                                   Contexts);
  }

  /// The members of `*this` that \p E mentions.
  static void membersIn(const Stmt *S,
                        llvm::SmallVectorImpl<const FieldDecl *> &Out) {
    if (!S)
      return;
    if (const auto *M = dyn_cast<MemberExpr>(S))
      if (const auto *F = dyn_cast<FieldDecl>(M->getMemberDecl()))
        if (isa<CXXThisExpr>(M->getBase()->IgnoreParenImpCasts()))
          Out.push_back(F);
    for (const Stmt *Child : S->children())
      membersIn(Child, Out);
  }

  const Info &of(const CXXRecordDecl *RD) {
    auto [It, New] = Classes.try_emplace(RD);
    if (!New || !RD->hasDefinition())
      return It->second;
    Info &I = It->second;
    for (const FieldDecl *F : RD->fields())
      if (isOwnedContextType(F->getType()))
        I.RunsOn[F] = F;
    if (I.RunsOn.empty())
      return I;
    // Members built on an owned context: `timer_(io_)`,
    // `strand_(io_.get_executor())`, `socket_(strand_)`.
    llvm::SmallVector<std::pair<const FieldDecl *, const Expr *>, 8> Inits;
    for (const CXXConstructorDecl *Ctor : RD->ctors()) {
      const CXXConstructorDecl *Def = dyn_cast_or_null<CXXConstructorDecl>(
          Ctor->getDefinition());
      if (!Def)
        continue;
      for (const CXXCtorInitializer *Init : Def->inits())
        if (Init->getMember() && Init->getInit())
          Inits.push_back({Init->getMember(), Init->getInit()});
    }
    for (const FieldDecl *F : RD->fields())
      if (F->hasInClassInitializer() && F->getInClassInitializer())
        Inits.push_back({F, F->getInClassInitializer()});
    for (int Round = 0; Round < 2; ++Round)
      for (const auto &[Field, Init] : Inits) {
        if (I.RunsOn.count(Field) ||
            Field->getType()->isReferenceType() ||
            Field->getType()->isPointerType())
          continue;
        llvm::SmallVector<const FieldDecl *, 4> Used;
        membersIn(Init, Used);
        for (const FieldDecl *U : Used)
          if (auto Found = I.RunsOn.find(U); Found != I.RunsOn.end()) {
            I.RunsOn[Field] = Found->second;
            break;
          }
      }
    return I;
  }
};

namespace {

/// The member of `*this` that an executor or I/O object expression names:
/// `io_`, `*io_`, `io_->...`, `io_.get_executor()`, `strand_`.
const MemberExpr *executorMember(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 4; ++Depth) {
    E = matchers::ignoreTemporaryWrappers(E)->IgnoreParenImpCasts();
    if (const auto *M = dyn_cast<MemberExpr>(E))
      return isa<CXXThisExpr>(M->getBase()->IgnoreParenImpCasts()) ? M
                                                                    : nullptr;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
        Op && (Op->getOperator() == OO_Star || Op->getOperator() == OO_Arrow) &&
        Op->getNumArgs() == 1) {
      E = Op->getArg(0);
      continue;
    }
    if (const auto *U = dyn_cast<UnaryOperator>(E);
        U && U->getOpcode() == UO_Deref) {
      E = U->getSubExpr();
      continue;
    }
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E);
        Call && Call->getMethodDecl() && Call->getMethodDecl()->getIdentifier() &&
        (Call->getMethodDecl()->getName() == "get_executor" ||
         Call->getMethodDecl()->getName() == "context" ||
         Call->getMethodDecl()->getName() == "get")) {
      E = Call->getImplicitObjectArgument();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

/// `io_.post(h)`, `asio::post(io_, h)`, `boost::asio::post(*io_, h)`,
/// `timer_.async_wait(h)`, `asio::async_read(socket_, buf, h)` where the
/// executor or I/O object is, or runs on, an execution context `*this`
/// owns, and `h` holds a strong owner of `*this`. Binds the holding,
/// "executor" (the member expression) and "context" (the owned member).
AST_MATCHER_P2(CallExpr, queuesOnOwnedContext, const ownership::Ownership *,
               Model, SelfCaptureOwnedContexts *, Contexts) {
  const Expr *Executor = nullptr;
  unsigned FirstHandler = 0;
  if (const auto *M = dyn_cast<CXXMemberCallExpr>(&Node))
    Executor = M->getImplicitObjectArgument();
  else if (Node.getNumArgs() >= 2 && !isa<CXXOperatorCallExpr>(Node)) {
    Executor = Node.getArg(0);
    FirstHandler = 1;
  }
  const MemberExpr *Member = Executor ? executorMember(Executor) : nullptr;
  const auto *Field =
      Member ? dyn_cast<FieldDecl>(Member->getMemberDecl()) : nullptr;
  if (!Field)
    return false;
  const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!Record)
    return false;
  const SelfCaptureOwnedContexts::Info &I = Contexts->of(Record);
  auto It = I.RunsOn.find(Field);
  if (It == I.RunsOn.end())
    return false;
  ASTContext &Ctx = Finder->getASTContext();
  llvm::SmallVector<ObjectId, 2> Holders =
      Model->holdersOf(Member->getBase(), Ctx);
  for (unsigned A = FirstHandler; A < Node.getNumArgs(); ++A)
    if (std::optional<Holding> H = Model->findHolding(
            Node.getArg(A), Holders, Ctx, /*AllowDirect=*/false)) {
      ownership::bindHolding(*H, Builder);
      Builder->setBinding("executor", DynTypedNode::create(*Member));
      Builder->setBinding("context", DynTypedNode::create(*It->second));
      return true;
    }
  return false;
}

std::string sourceText(const Expr *E, const ASTContext &Ctx) {
  return Lexer::getSourceText(
             CharSourceRange::getTokenRange(E->getSourceRange()),
             Ctx.getSourceManager(), Ctx.getLangOpts())
      .str();
}

/// Where and how a diagnostic names the holder of the owner: a capture
/// (explicit or implicit) or a bound argument, with its name or text.
struct HolderText {
  SourceLocation Loc;
  unsigned Form; ///< 0 capture, 1 implicit capture, 2 bound argument
  std::string Name; ///< "'self' ", or empty
};
HolderText holderText(const Holding &H, const ASTContext &Ctx) {
  if (H.Capture)
    return {H.Capture->getLocation(), H.Capture->isImplicit() ? 1u : 0u,
            "'" + H.Capture->getCapturedVar()->getNameAsString() + "' "};
  std::string Text = sourceText(H.Arg, Ctx);
  return {H.Arg->getBeginLoc(), 2,
          !Text.empty() && Text.size() <= 60 ? "'" + Text + "' " : ""};
}

bool hasMethodNamed(const CXXRecordDecl *RD, StringRef Name) {
  if (!RD || !RD->hasDefinition())
    return false;
  for (const CXXMethodDecl *M : RD->methods())
    if (M->getIdentifier() && M->getName() == Name)
      return true;
  for (const CXXBaseSpecifier &Base : RD->bases())
    if (hasMethodNamed(Base.getType()->getAsCXXRecordDecl(), Name))
      return true;
  return false;
}

/// `[self = shared_from_this()]` in a lambda whose body uses neither `self`
/// nor `this`: capturing weak_from_this() instead changes nothing but the
/// ownership. Returns the `shared_from_this` token to replace, if so.
std::optional<SourceLocation> weakFromThisFix(const Holding &H,
                                              ASTContext &Ctx) {
  if (!H.Capture || H.Capture->isImplicit() ||
      H.Object.Kind != ObjectId::This)
    return std::nullopt;
  const auto *V = dyn_cast<VarDecl>(H.Capture->getCapturedVar());
  if (!V || !V->isInitCapture() || !V->getInit())
    return std::nullopt;
  const auto *Call = dyn_cast<CXXMemberCallExpr>(
      matchers::ignoreTemporaryWrappers(V->getInit())->IgnoreParenImpCasts());
  if (!Call || !Call->getMethodDecl() ||
      !Call->getMethodDecl()->getIdentifier() ||
      Call->getMethodDecl()->getName() != "shared_from_this" ||
      !isa<CXXThisExpr>(Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
    return std::nullopt;
  const auto *Member = dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens());
  if (!Member || Member->getMemberLoc().isMacroID() ||
      !hasMethodNamed(dyn_cast_or_null<CXXRecordDecl>(H.Object.D),
                      "weak_from_this"))
    return std::nullopt;
  const Stmt *Body = H.Lambda->getBody();
  if (!Body ||
      !match(findAll(stmt(anyOf(cxxThisExpr(),
                                declRefExpr(to(varDecl(equalsNode(V))))))
                         .bind("use")),
             *Body, Ctx)
           .empty())
    return std::nullopt;
  return Member->getMemberLoc();
}
} // namespace

SelfCaptureCycleCheck::SelfCaptureCycleCheck(StringRef Name,
                                             ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      CallableStorage(Options.get("CallableStorage", DefaultCallableStorage)),
      StoringMethods(Options.get("StoringMethods", DefaultStoringMethods)),
      TransientSinks(Options.get("TransientSinks", DefaultTransientSinks)),
      StrongOwners(Options.get("StrongOwners", ownership::DefaultStrongOwners)),
      WeakReferences(
          Options.get("WeakReferences", ownership::DefaultWeakReferences)),
      Binders(Options.get("Binders", ownership::DefaultBinders)),
      PointerCasts(Options.get("PointerCasts", ownership::DefaultPointerCasts)),
      ExecutionContexts(
          Options.get("ExecutionContexts", DefaultExecutionContexts)),
      ExecutorOperations(
          Options.get("ExecutorOperations", DefaultExecutorOperations)),
      SummaryDepth(Options.get("SummaryDepth", DefaultSummaryDepth)),
      Model(ownership::OwnershipOptions::parse(StrongOwners, WeakReferences,
                                                   Binders, PointerCasts)),
      Summaries([&] {
        summaries::Options O;
        O.MaxDepth = SummaryDepth;
        return O;
      }()) {
  // Every report is about a callable holding one of these strong owners.
  keywords::declare(this, {StrongOwners});
}

void SelfCaptureCycleCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "CallableStorage", CallableStorage);
  Options.store(Opts, "StoringMethods", StoringMethods);
  Options.store(Opts, "TransientSinks", TransientSinks);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "WeakReferences", WeakReferences);
  Options.store(Opts, "Binders", Binders);
  Options.store(Opts, "PointerCasts", PointerCasts);
  Options.store(Opts, "ExecutionContexts", ExecutionContexts);
  Options.store(Opts, "ExecutorOperations", ExecutorOperations);
  Options.store(Opts, "SummaryDepth", SummaryDepth);
}

SelfCaptureCycleCheck::~SelfCaptureCycleCheck() = default;

void SelfCaptureCycleCheck::onStartOfTranslationUnit() {
  Summaries.reset();
  if (Contexts)
    Contexts->Classes.clear();
}

void SelfCaptureCycleCheck::registerMatchers(MatchFinder *Finder) {
  const auto StorageType = matchers::classTypeNamed(
      utils::options::parseStringList(CallableStorage));
  Rules = std::make_unique<SelfCaptureStoreRules>(
      StoreRules{&Summaries, ownership::splitList(StoringMethods),
                 ownership::splitList(CallableStorage)});
  const auto Owning = storesCallableOwningItsHolder(&Model, Rules.get());

  // handler_ = callable; *next = callable (a member or pointee of callable
  // storage type).
  const auto AssignToStorage =
      cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                          hasArgument(0, expr(hasType(StorageType))), Owning);
  // obj->on_reset += callable (a signal or event member).
  const auto AddToSignal =
      cxxOperatorCallExpr(hasOverloadedOperatorName("+="), Owning);
  // sig_.connect(callable), handlers_.push_back(callable),
  // obj->set_handler(callable), register_handler(callable) whose body
  // stores it, attach(*this, callable); never an asynchronous operation.
  const auto StoringCall =
      callExpr(unless(cxxOperatorCallExpr()),
               callee(functionDecl(unless(ownership::hasNameMatchingAny(
                   ownership::splitList(TransientSinks))))),
               Owning);
  Finder->addMatcher(
      traverse(TK_AsIs,
               expr(anyOf(AssignToStorage, AddToSignal, StoringCall))
                   .bind("store")),
      this);

  // A handler queued on an execution context the object owns (or on an
  // I/O object or strand that runs on it): the context keeps the handler,
  // the handler the object, the object the context.
  Contexts = std::make_unique<SelfCaptureOwnedContexts>();
  Contexts->ContextNames = ownership::splitList(ExecutionContexts);
  Contexts->OwnerNames = ownership::splitList(StrongOwners);
  Contexts->OwnerNames.push_back("::std::unique_ptr");
  Contexts->OwnerNames.push_back("::boost::movelib::unique_ptr");
  Finder->addMatcher(
      traverse(TK_AsIs,
               callExpr(callee(functionDecl(ownership::hasNameMatchingAny(
                            ownership::splitList(ExecutorOperations)))),
                        queuesOnOwnedContext(&Model, Contexts.get()))
                   .bind("queue")),
      this);
}

void SelfCaptureCycleCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Queue = Result.Nodes.getNodeAs<CallExpr>("queue")) {
    reportQueued(Queue, Result);
    return;
  }
  const auto *Storage = Result.Nodes.getNodeAs<Expr>("storage");
  const Holding H = ownership::readHolding(Result.Nodes);
  const std::string Object = ownership::describe(H.Object);
  ASTContext &Ctx = *Result.Context;

  const HolderText HT = holderText(H, Ctx);
  const SourceLocation Loc = HT.Loc;
  const unsigned Form = HT.Form;
  const std::string &Holder = HT.Name;
  const bool IsThis = H.Object.Kind == ObjectId::This;
  const unsigned Remedy = (H.Capture ? 0 : 1) + (IsThis ? 0 : 2);
  {
    auto Diag =
        diag(Loc, "%select{capture|implicit capture|bound argument}0 %1owns "
                  "%2, which stores this callable: a reference cycle that "
                  "nothing frees; %select{capture weak_from_this() instead "
                  "and lock it in the body|bind a weak pointer "
                  "(weak_from_this()) instead and lock it in the "
                  "handler|capture a weak pointer instead and lock it in the "
                  "body|bind a weak pointer instead and lock it in the "
                  "handler}3")
        << Form << Holder << Object << Remedy;
    if (std::optional<SourceLocation> Fix = weakFromThisFix(H, Ctx))
      Diag << FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(*Fix), "weak_from_this");
  }
  noteStorage(Storage, Ctx);
  if (const auto *Stored = Result.Nodes.getNodeAs<Expr>("stored-arg"))
    noteStoringChain(Result.Nodes.getNodeAs<CallExpr>("store"), Stored, Ctx);
  noteOwner(H, Object, Loc);
}

void SelfCaptureCycleCheck::reportQueued(
    const CallExpr *Queue, const MatchFinder::MatchResult &Result) {
  const Holding H = ownership::readHolding(Result.Nodes);
  const auto *Executor = Result.Nodes.getNodeAs<MemberExpr>("executor");
  const auto *Context = Result.Nodes.getNodeAs<FieldDecl>("context");
  ASTContext &Ctx = *Result.Context;
  const std::string Object = ownership::describe(H.Object);
  const HolderText HT = holderText(H, Ctx);
  const SourceLocation Loc = HT.Loc;
  const unsigned Form = HT.Form;
  const std::string &Holder = HT.Name;
  {
    auto Diag =
        diag(Loc, "%select{capture|implicit capture|bound argument}0 %1owns "
                  "%2, which owns the execution context %3 that keeps this "
                  "handler until it runs: a reference cycle that nothing "
                  "frees once the context stops or is never run again; "
                  "%select{capture weak_from_this() instead and lock it in "
                  "the body|bind a weak pointer (weak_from_this()) instead "
                  "and lock it in the handler}4")
        << Form << Holder << Object << Context << (H.Capture ? 0 : 1);
    if (std::optional<SourceLocation> Fix = weakFromThisFix(H, Ctx))
      Diag << FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(*Fix), "weak_from_this");
  }
  const auto *Via = dyn_cast<FieldDecl>(Executor->getMemberDecl());
  if (Via && Via != Context)
    diag(Queue->getExprLoc(), "the handler is queued on %0 here, which runs "
                              "on %1",
         DiagnosticIDs::Note)
        << Via << Context;
  else
    diag(Queue->getExprLoc(), "the handler is queued on %0 here",
         DiagnosticIDs::Note)
        << Context;
  diag(Context->getLocation(), "%0 is owned by the object",
       DiagnosticIDs::Note)
      << Context;
  noteOwner(H, Object, Loc);
}

void SelfCaptureCycleCheck::noteOwner(const Holding &H,
                                      const std::string &Object,
                                      SourceLocation Reported) {
  if (H.Alias)
    diag(H.Alias->getLocation(), "%0 is a strong owner of %1",
         DiagnosticIDs::Note)
        << H.Alias << Object;
  else if (H.Origin && H.Origin->getBeginLoc() != Reported)
    diag(H.Origin->getBeginLoc(), "strong owner of %0 obtained here",
         DiagnosticIDs::Note)
        << Object << H.Origin->getSourceRange();
}

void SelfCaptureCycleCheck::noteStoringChain(const CallExpr *Call,
                                             const Expr *Stored,
                                             ASTContext &Ctx) {
  const FunctionDecl *Def = visibleBody(Call->getDirectCallee(), Ctx);
  const summaries::FunctionSummary *S = Def ? Summaries.get(Def, Ctx) : nullptr;
  int Index = -1;
  for (unsigned I = 0; I < Call->getNumArgs(); ++I)
    if (Call->getArg(I) == Stored)
      Index = static_cast<int>(I);
  const summaries::Fact *F =
      S ? S->find(summaries::FactKind::StoresParam, Index) : nullptr;
  if (!F)
    return;
  const auto Name = [](const FunctionDecl *D) {
    return "'" + D->getNameAsString() + "'";
  };
  const FunctionDecl *Caller = Def;
  for (const summaries::Step &Step : F->Chain) {
    if (!Step.CalleeDecl || Step.Loc.isInvalid())
      return;
    diag(Step.Loc, "%0 hands it to %1 here", DiagnosticIDs::Note)
        << Name(Caller) << Name(Step.CalleeDecl);
    Caller = Step.CalleeDecl;
  }
  if (F->Loc.isValid())
    diag(F->Loc, "%0 stores it in %1 here", DiagnosticIDs::Note)
        << Name(Caller) << F->Detail;
}

void SelfCaptureCycleCheck::noteStorage(const Expr *Storage, ASTContext &Ctx) {
  // `obj->set(cb)`: the object is obj's, say 'obj' rather than 'obj->'.
  if (const auto *Arrow =
          dyn_cast<CXXOperatorCallExpr>(Storage->IgnoreParenImpCasts());
      Arrow && Arrow->getOperator() == OO_Arrow && Arrow->getNumArgs() == 1)
    Storage = Arrow->getArg(0);
  const auto *ImplicitThis = dyn_cast<CXXThisExpr>(Storage->IgnoreParenImpCasts());
  std::string Where = ImplicitThis && ImplicitThis->isImplicit()
                          ? std::string()
                          : sourceText(Storage, Ctx);
  if (Where.empty() || Where.size() > 60)
    diag(Storage->getBeginLoc(), "the callable is stored here",
         DiagnosticIDs::Note)
        << Storage->getSourceRange();
  else
    diag(Storage->getBeginLoc(), "the callable is stored in '%0' here",
         DiagnosticIDs::Note)
        << Where << Storage->getSourceRange();
}

} // namespace clang::tidy::weakref
