//===-- SelfCaptureCycleCheck.cpp - weakref-self-capture-cycle -------------===//

#include "SelfCaptureCycleCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "utils/WeakrefMatchers.h"
#include "utils/Keywords.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultCallableStorage[] =
    "::std::function;::std::move_only_function;::std::copyable_function;"
    "::boost::function";
constexpr char DefaultStoringMethods[] =
    "connect;push_back;emplace_back;push_front;emplace_front;insert;emplace;"
    "set_*";
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

/// `storage = callable`, `storage += callable` or `storage.store(callable)`
/// where the callable holds a strong owner of an object that holds the
/// storage. Binds the holding (see ownership::bindHolding) and "storage".
AST_MATCHER_P2(Expr, storesCallableOwningItsHolder,
               const ownership::Ownership *, Model, std::vector<std::string>,
               CallableStorage) {
  const Expr *Storage = nullptr;
  llvm::SmallVector<const Expr *, 2> Callables;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(&Node)) {
    if (Op->getNumArgs() != 2)
      return false;
    Storage = Op->getArg(0);
    Callables.push_back(Op->getArg(1));
  } else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(&Node)) {
    Storage = Call->getImplicitObjectArgument();
    Callables.append(Call->arg_begin(), Call->arg_end());
  }
  if (!Storage || (!isa<CXXOperatorCallExpr>(Node) ||
                   cast<CXXOperatorCallExpr>(Node).getOperator() != OO_Equal) &&
                      !mayStoreCallables(Storage, CallableStorage))
    return false;
  ASTContext &Ctx = Finder->getASTContext();
  llvm::SmallVector<ObjectId, 2> Holders = Model->holdersOf(Storage, Ctx);
  for (const Expr *Callable : Callables)
    if (std::optional<Holding> H = Model->findHolding(Callable, Holders, Ctx,
                                                      /*AllowDirect=*/false)) {
      ownership::bindHolding(*H, Builder);
      Builder->setBinding("storage", DynTypedNode::create(*Storage));
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
      Model(ownership::OwnershipOptions::parse(StrongOwners, WeakReferences,
                                                   Binders, PointerCasts)) {
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
}

void SelfCaptureCycleCheck::registerMatchers(MatchFinder *Finder) {
  const auto StorageType = matchers::classTypeNamed(
      utils::options::parseStringList(CallableStorage));
  const auto Owning = storesCallableOwningItsHolder(
      &Model, ownership::splitList(CallableStorage));

  // handler_ = callable; *next = callable (a member or pointee of callable
  // storage type).
  const auto AssignToStorage =
      cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                          hasArgument(0, expr(hasType(StorageType))), Owning);
  // obj->on_reset += callable (a signal or event member).
  const auto AddToSignal =
      cxxOperatorCallExpr(hasOverloadedOperatorName("+="), Owning);
  // sig_.connect(callable), handlers_.push_back(callable),
  // obj->set_handler(callable); never an asynchronous operation.
  const auto StoringCall = cxxMemberCallExpr(
      callee(cxxMethodDecl(
          ownership::hasNameMatchingAny(ownership::splitList(StoringMethods)),
          unless(ownership::hasNameMatchingAny(
              ownership::splitList(TransientSinks))))),
      Owning);
  Finder->addMatcher(
      traverse(TK_AsIs,
               expr(anyOf(AssignToStorage, AddToSignal, StoringCall))
                   .bind("store")),
      this);
}

void SelfCaptureCycleCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Storage = Result.Nodes.getNodeAs<Expr>("storage");
  const Holding H = ownership::readHolding(Result.Nodes);
  const std::string Object = ownership::describe(H.Object);
  ASTContext &Ctx = *Result.Context;

  SourceLocation Loc;
  unsigned Form;
  std::string Holder;
  if (H.Capture) {
    Loc = H.Capture->getLocation();
    Form = H.Capture->isImplicit() ? 1 : 0;
    Holder = "'" + H.Capture->getCapturedVar()->getNameAsString() + "' ";
  } else {
    Loc = H.Arg->getBeginLoc();
    Form = 2;
    std::string Text = sourceText(H.Arg, Ctx);
    if (!Text.empty() && Text.size() <= 60)
      Holder = "'" + Text + "' ";
  }
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
  if (H.Alias)
    diag(H.Alias->getLocation(), "%0 is a strong owner of %1",
         DiagnosticIDs::Note)
        << H.Alias << Object;
  else if (H.Origin && H.Origin->getBeginLoc() != Loc)
    diag(H.Origin->getBeginLoc(), "strong owner of %0 obtained here",
         DiagnosticIDs::Note)
        << Object << H.Origin->getSourceRange();
}

} // namespace clang::tidy::weakref
