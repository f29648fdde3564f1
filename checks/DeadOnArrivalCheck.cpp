//===-- DeadOnArrivalCheck.cpp - weakref-dead-on-arrival ------------------===//

#include "DeadOnArrivalCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/WeakrefMatchers.h"
#include "utils/Keywords.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultWeakReferences[] =
    "::std::weak_ptr;::std::__weak_ptr;::boost::weak_ptr;::weakref::ref;::weakref::proxy";
constexpr char DefaultStrongOwners[] = "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr";
constexpr char DefaultUniqueOwners[] = "::std::unique_ptr";
constexpr char DefaultOwnerFactories[] =
    "::std::make_shared;::std::allocate_shared;"
    "::std::make_shared_for_overwrite;::std::allocate_shared_for_overwrite;"
    "::boost::make_shared;::boost::allocate_shared;"
    "::boost::make_local_shared";
constexpr char DefaultWeakKeyContainers[] =
    "::weakref::weak_set;::weakref::weak_key_dict";
constexpr char DefaultWeakValueContainers[] = "::weakref::weak_value_dict";
constexpr char DefaultInsertMethods[] =
    "insert;add;insert_or_assign;setdefault;emplace;try_emplace";
} // namespace

DeadOnArrivalCheck::DeadOnArrivalCheck(StringRef Name,
                                       ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      WeakReferences(Options.get("WeakReferences", DefaultWeakReferences)),
      StrongOwners(Options.get("StrongOwners", DefaultStrongOwners)),
      UniqueOwners(Options.get("UniqueOwners", DefaultUniqueOwners)),
      OwnerFactories(Options.get("OwnerFactories", DefaultOwnerFactories)),
      WeakKeyContainers(
          Options.get("WeakKeyContainers", DefaultWeakKeyContainers)),
      WeakValueContainers(
          Options.get("WeakValueContainers", DefaultWeakValueContainers)),
      InsertMethods(Options.get("InsertMethods", DefaultInsertMethods)) {
  // Every report is about a weak reference or a weak container.
  keywords::declare(this,
                    {WeakReferences, WeakKeyContainers, WeakValueContainers});
}

void DeadOnArrivalCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "WeakReferences", WeakReferences);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "UniqueOwners", UniqueOwners);
  Options.store(Opts, "OwnerFactories", OwnerFactories);
  Options.store(Opts, "WeakKeyContainers", WeakKeyContainers);
  Options.store(Opts, "WeakValueContainers", WeakValueContainers);
  Options.store(Opts, "InsertMethods", InsertMethods);
}

void DeadOnArrivalCheck::registerMatchers(MatchFinder *Finder) {
  using matchers::classTypeNamed;
  using matchers::ignoringTemporaryWrappers;
  const auto WeakType = classTypeNamed(utils::options::parseStringList(WeakReferences));
  const auto OwnerType = classTypeNamed(utils::options::parseStringList(StrongOwners));
  const auto UniqueType = classTypeNamed(utils::options::parseStringList(UniqueOwners));

  // An owner that nothing else shares: the result of a factory such as
  // std::make_shared, or an owner constructed from `new` or from a
  // unique_ptr rvalue (possibly converted to an owner of a base class).
  const auto FactoryCall = callExpr(
      callee(functionDecl(hasAnyName(utils::options::parseStringList(OwnerFactories)))),
      hasType(OwnerType));
  const auto OwnerFromNew = cxxConstructExpr(
      hasType(OwnerType),
      hasArgument(0, ignoringTemporaryWrappers(
                         anyOf(cxxNewExpr(), expr(hasType(UniqueType))))));
  const auto OwnerConverted = cxxConstructExpr(
      hasType(OwnerType),
      hasArgument(0, ignoringTemporaryWrappers(FactoryCall)));
  const auto SoleTemporaryOwner = ignoringTemporaryWrappers(
      expr(anyOf(FactoryCall, OwnerFromNew, OwnerConverted)).bind("owner"));

  // A weak reference constructed from such an owner.
  const auto WeakFromTemporary =
      cxxConstructExpr(hasType(WeakType), hasArgument(0, SoleTemporaryOwner));
  const auto InitializedFromTemporary =
      ignoringTemporaryWrappers(WeakFromTemporary);

  // `const std::weak_ptr<T> &r = ...` binds a temporary weak reference.
  const auto WeakOrReferenceToWeak =
      qualType(anyOf(WeakType, references(WeakType)));
  Finder->addMatcher(
      varDecl(hasType(WeakOrReferenceToWeak),
              hasInitializer(InitializedFromTemporary))
          .bind("var"),
      this);
  Finder->addMatcher(
      fieldDecl(hasType(WeakType),
                hasInClassInitializer(InitializedFromTemporary))
          .bind("field"),
      this);
  Finder->addMatcher(
      cxxCtorInitializer(forField(fieldDecl(hasType(WeakType)).bind("field")),
                         withInitializer(InitializedFromTemporary))
          .bind("ctor-init"),
      this);
  Finder->addMatcher(
      returnStmt(hasReturnValue(InitializedFromTemporary)).bind("return"),
      this);
  // Weak containers: an element (or key) inserted from a temporary owner
  // is removed again at the end of the statement; so is a value of a
  // weak-value dictionary. Python: WeakSet((LockBox(10), LockBox(20))) is
  // empty.
  const auto KeyContainer = classTypeNamed(utils::options::parseStringList(WeakKeyContainers));
  const auto ValueContainer = classTypeNamed(utils::options::parseStringList(WeakValueContainers));
  const auto Insert =
      callee(cxxMethodDecl(hasAnyName(utils::options::parseStringList(InsertMethods))));
  const auto On = [](const auto &Type) {
    return onImplicitObjectArgument(
        expr(hasType(qualType(anyOf(Type, pointsTo(Type))))));
  };
  Finder->addMatcher(cxxMemberCallExpr(On(KeyContainer), Insert,
                                       hasArgument(0, SoleTemporaryOwner))
                         .bind("insert"),
                     this);
  Finder->addMatcher(cxxMemberCallExpr(On(ValueContainer), Insert,
                                       hasArgument(1, SoleTemporaryOwner))
                         .bind("insert"),
                     this);
  Finder->addMatcher(
      cxxConstructExpr(
          hasType(KeyContainer),
          hasArgument(0, ignoringTemporaryWrappers(cxxStdInitializerListExpr(
                             has(ignoringTemporaryWrappers(initListExpr(
                                 forEach(expr(SoleTemporaryOwner)))))))))
          .bind("init-list"),
      this);

  Finder->addMatcher(
      cxxOperatorCallExpr(
          hasOverloadedOperatorName("="),
          hasArgument(0, expr(hasType(WeakType)).bind("target")),
          hasArgument(1, anyOf(SoleTemporaryOwner, InitializedFromTemporary)))
          .bind("assign"),
      this);
}

void DeadOnArrivalCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Owner = Result.Nodes.getNodeAs<Expr>("owner");
  const char *const Remedy =
      "its referent's only owner is a temporary destroyed at the end of the "
      "full-expression; keep the owner in a named variable";
  if (const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var")) {
    diag(Var->getLocation(), "weak reference %0 is dead on arrival: %1")
        << Var << Remedy;
  } else if (const auto *Init =
                 Result.Nodes.getNodeAs<CXXCtorInitializer>("ctor-init")) {
    diag(Init->getSourceLocation(),
         "weak reference member %0 is dead on arrival: %1")
        << Result.Nodes.getNodeAs<FieldDecl>("field") << Remedy;
  } else if (const auto *Field = Result.Nodes.getNodeAs<FieldDecl>("field")) {
    diag(Field->getLocation(),
         "weak reference member %0 is dead on arrival: %1")
        << Field << Remedy;
  } else if (const auto *Return = Result.Nodes.getNodeAs<ReturnStmt>("return")) {
    diag(Return->getBeginLoc(), "returned weak reference is dead on arrival: %0")
        << Remedy;
  } else if (const auto *Assign =
                 Result.Nodes.getNodeAs<CXXOperatorCallExpr>("assign")) {
    const Expr *Target = Result.Nodes.getNodeAs<Expr>("target");
    const NamedDecl *Assigned = nullptr;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Target->IgnoreParenImpCasts()))
      Assigned = Ref->getDecl();
    else if (const auto *Member =
                 dyn_cast<MemberExpr>(Target->IgnoreParenImpCasts()))
      Assigned = Member->getMemberDecl();
    if (Assigned)
      diag(Assign->getOperatorLoc(),
           "weak reference %0 is dead on arrival after this assignment: %1")
          << Assigned << Remedy << Target->getSourceRange();
    else
      diag(Assign->getOperatorLoc(),
           "weak reference is dead on arrival after this assignment: %0")
          << Remedy << Target->getSourceRange();
  } else if (const auto *Call =
                 Result.Nodes.getNodeAs<CXXMemberCallExpr>("insert")) {
    diag(Call->getExprLoc(),
         "weak container entry is dead on arrival: %0")
        << Remedy;
  } else if (Result.Nodes.getNodeAs<CXXConstructExpr>("init-list")) {
    diag(Owner->getBeginLoc(),
         "weak container element is dead on arrival: %0")
        << Remedy << Owner->getSourceRange();
    return;
  } else {
    return;
  }
  diag(Owner->getBeginLoc(),
       "the temporary owner is created here and destroyed at the end of the "
       "full-expression",
       DiagnosticIDs::Note)
      << Owner->getSourceRange();
}

} // namespace clang::tidy::weakref
