//===-- DestructorResurrectionCheck.cpp - weakref-destructor-resurrection --===//

#include "DestructorResurrectionCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultEnableSharedFromThis[] =
    "::std::enable_shared_from_this;::std::__enable_shared_from_this;::boost::enable_shared_from_this";
constexpr char DefaultStrongOwners[] = "::std::shared_ptr;::std::__shared_ptr;::boost::shared_ptr";
constexpr char DefaultUniqueOwners[] = "::std::unique_ptr";
constexpr char DefaultRuntimeWeakReferences[] =
    "::weakref::ref;::weakref::proxy;::weakref::finalize";
constexpr char DefaultInsertMethods[] =
    "push_back;push_front;emplace;emplace_back;emplace_front;emplace_hint;"
    "insert;insert_or_assign;try_emplace;push;add;setdefault";
constexpr char DefaultCallbackSinks[] =
    "::boost::asio::post;::boost::asio::dispatch;::boost::asio::defer;"
    "post;dispatch;defer;connect;subscribe;add_listener;add_callback;"
    "register_callback;on_exit;atexit";
constexpr char DefaultBinders[] =
    "::std::bind;::std::bind_front;::std::bind_back;::boost::bind;"
    "::boost::beast::bind_front_handler;::std::make_pair;::std::make_tuple";
constexpr char DefaultCapiStoreFunctions[] =
    "PyList_Append;PyList_Insert;PyList_SetItem;PyTuple_SetItem;"
    "PyDict_SetItem;PyDict_SetItemString;PySet_Add;PyObject_SetAttr;"
    "PyObject_SetAttrString;PyObject_SetItem;PyModule_AddObject;"
    "PyModule_AddObjectRef;PyCapsule_SetContext";
// Where a tp_dealloc parks the dead object's memory for reuse (a free
// list, a one-slot cache): matched, ignoring case, against the name of the
// variable or field stored into.
constexpr char DefaultFreeListNames[] = ".*free_?list.*;.*cache.*";
constexpr unsigned DefaultCallDepth = 2;
constexpr unsigned DefaultSummaryDepth = 4;
// The slot number of Py_tp_dealloc in CPython's stable ABI (typeslots.h).
constexpr unsigned PyTpDeallocSlot = 52;

std::vector<StringRef> list(const std::string &S) {
  return utils::options::parseStringList(S);
}

/// An initializer list of a struct that has a field named \p Field (by
/// identifier: this runs on every initializer list of the translation unit,
/// where hasName's qualified-name building would cost more than parsing).
AST_MATCHER_P(InitListExpr, initListOfRecordWithField, std::string, Field) {
  const RecordDecl *RD = Node.getType()->getAsRecordDecl();
  if (!RD)
    return false;
  for (const FieldDecl *F : RD->fields())
    if (F->getIdentifier() && F->getName() == Field)
      return true;
  return false;
}

/// The name of the variable or field an assignment stores into, through
/// array subscripts: `state->free_list[n] = op` stores into `free_list`.
StringRef destinationName(const Stmt *Store) {
  const auto *Assign = dyn_cast_or_null<BinaryOperator>(Store);
  if (!Assign || !Assign->isAssignmentOp())
    return {};
  const Expr *E = Assign->getLHS()->IgnoreParenImpCasts();
  while (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E))
    E = Subscript->getBase()->IgnoreParenImpCasts();
  const NamedDecl *D = nullptr;
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    D = Member->getMemberDecl();
  else if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    D = Ref->getDecl();
  return D && D->getIdentifier() ? D->getName() : StringRef();
}
} // namespace

DestructorResurrectionCheck::DestructorResurrectionCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      EnableSharedFromThis(
          Options.get("EnableSharedFromThis", DefaultEnableSharedFromThis)),
      StrongOwners(Options.get("StrongOwners", DefaultStrongOwners)),
      UniqueOwners(Options.get("UniqueOwners", DefaultUniqueOwners)),
      RuntimeWeakReferences(
          Options.get("RuntimeWeakReferences", DefaultRuntimeWeakReferences)),
      InsertMethods(Options.get("InsertMethods", DefaultInsertMethods)),
      CallbackSinks(Options.get("CallbackSinks", DefaultCallbackSinks)),
      Binders(Options.get("Binders", DefaultBinders)),
      CapiStoreFunctions(
          Options.get("CapiStoreFunctions", DefaultCapiStoreFunctions)),
      FreeListNames(Options.get("FreeListNames", DefaultFreeListNames)),
      CallDepth(Options.get("CallDepth", DefaultCallDepth)),
      SummaryDepth(Options.get("SummaryDepth", DefaultSummaryDepth)),
      Summaries([&] {
        summaries::Options S = summaries::Options::forOwnerChecks(
            EnableSharedFromThis, StrongOwners, SummaryDepth);
        S.StoringMethods = summaries::splitOption(InsertMethods);
        return S;
      }()) {
  CapiStores = list(CapiStoreFunctions);
  for (StringRef Entry : list(FreeListNames))
    if (!Entry.trim().empty())
      FreeLists.emplace_back(("^(" + Entry.trim() + ")$").str(),
                             llvm::Regex::IgnoreCase);
  thisescape::Options O;
  O.EnableSharedFromThis = list(EnableSharedFromThis);
  O.StrongOwners = list(StrongOwners);
  O.UniqueOwners = list(UniqueOwners);
  O.RuntimeWeakReferences = list(RuntimeWeakReferences);
  O.InsertMethods = list(InsertMethods);
  O.CallbackSinks = list(CallbackSinks);
  O.Binders = list(Binders);
  O.CallDepth = CallDepth;
  thisescape::Options C = O;
  C.CallbackSinks = list(CapiStoreFunctions);
  Escapes = std::make_unique<thisescape::EscapeFinder>(std::move(O));
  CapiEscapes = std::make_unique<thisescape::EscapeFinder>(std::move(C));
}

void DestructorResurrectionCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "EnableSharedFromThis", EnableSharedFromThis);
  Options.store(Opts, "StrongOwners", StrongOwners);
  Options.store(Opts, "UniqueOwners", UniqueOwners);
  Options.store(Opts, "RuntimeWeakReferences", RuntimeWeakReferences);
  Options.store(Opts, "InsertMethods", InsertMethods);
  Options.store(Opts, "CallbackSinks", CallbackSinks);
  Options.store(Opts, "Binders", Binders);
  Options.store(Opts, "CapiStoreFunctions", CapiStoreFunctions);
  Options.store(Opts, "FreeListNames", FreeListNames);
  Options.store(Opts, "CallDepth", CallDepth);
  Options.store(Opts, "SummaryDepth", SummaryDepth);
}

void DestructorResurrectionCheck::registerMatchers(MatchFinder *Finder) {
  // C++: every destructor with a body.
  Finder->addMatcher(
      cxxDestructorDecl(isDefinition(), hasBody(stmt()),
                        unless(isExpansionInSystemHeader()))
          .bind("dtor"), this);

  // CPython: a function installed as tp_dealloc, by a PyTypeObject
  // initializer, a {Py_tp_dealloc, f} slot or an assignment to tp_dealloc.
  const auto DeallocFunction = ignoringParenCasts(
      declRefExpr(to(functionDecl(isDefinition()).bind("dealloc"))));
  const auto RecordWith = [](StringRef Field) {
    return initListOfRecordWithField(Field.str());
  };
  const auto TypeObjectInit =
      initListExpr(RecordWith("tp_dealloc"), forEach(expr(DeallocFunction)))
          .bind("type-init");
  const auto SlotInit = initListExpr(
      RecordWith("slot"), RecordWith("pfunc"),
      hasInit(0, ignoringParenImpCasts(integerLiteral(equals(PyTpDeallocSlot)))),
      hasInit(1, DeallocFunction));
  const auto SlotAssign = binaryOperator(
      isAssignmentOperator(),
      hasLHS(memberExpr(member(hasName("tp_dealloc")))),
      hasRHS(DeallocFunction));
  // One matcher per node kind: the match finder then tries each only on
  // nodes of its kind, not on every expression of the translation unit.
  Finder->addMatcher(TypeObjectInit, this);
  Finder->addMatcher(SlotInit, this);
  Finder->addMatcher(SlotAssign, this);
}

void DestructorResurrectionCheck::check(
    const MatchFinder::MatchResult &Result) {
  if (const auto *Dtor = Result.Nodes.getNodeAs<CXXDestructorDecl>("dtor")) {
    std::vector<thisescape::Event> Events =
        Escapes->fromThis(Dtor, *Result.Context);
    // Deeper call chains, from the function summaries.
    std::vector<thisescape::Event> Deeper = thisescape::summaryEvents(
        Dtor, Summaries, *Result.Context, Events, /*OwnerRequestsOnly=*/false);
    for (const thisescape::Event &E : Events)
      report(E, Dtor->getParent(), /*IsDealloc=*/false);
    for (const thisescape::Event &E : Deeper)
      report(E, Dtor->getParent(), /*IsDealloc=*/false);
    return;
  }
  const auto *Dealloc = Result.Nodes.getNodeAs<FunctionDecl>("dealloc");
  if (!Dealloc)
    return;
  // In a PyTypeObject initializer, only the tp_dealloc field counts.
  if (const auto *Init = Result.Nodes.getNodeAs<InitListExpr>("type-init")) {
    const RecordDecl *Type = Init->getType()->getAsRecordDecl();
    unsigned Index = 0;
    bool IsDeallocField = false;
    for (const FieldDecl *Field : Type->fields()) {
      if (Field->getName() == "tp_dealloc" && Index < Init->getNumInits()) {
        const Expr *Value = Init->getInit(Index)->IgnoreParenCasts();
        const auto *Ref = dyn_cast<DeclRefExpr>(Value);
        IsDeallocField = Ref && Ref->getDecl() == Dealloc;
      }
      ++Index;
    }
    if (!IsDeallocField)
      return;
  }
  const FunctionDecl *Def = Dealloc->getDefinition();
  if (!Def || !Reported.insert(Def).second)
    return;
  // The escape walk is costly (matchers over each body it enters); most
  // deallocs store nothing and call no store function.
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  if (!mayStoreObject(Def, 0, 0, Seen, *Result.Context))
    return;
  for (const thisescape::Event &E :
       CapiEscapes->fromFirstParameter(Def, *Result.Context))
    if (!parksOnFreeList(E))
      report(E, Def, /*IsDealloc=*/true);
}

bool DestructorResurrectionCheck::mayStoreObject(
    const FunctionDecl *F, unsigned Param, unsigned Depth,
    llvm::SmallPtrSetImpl<const FunctionDecl *> &Seen, ASTContext &Ctx) const {
  const FunctionDecl *Def = F ? F->getDefinition() : nullptr;
  if (!Def || !Def->getBody() || Param >= Def->getNumParams() ||
      !Seen.insert(Def).second ||
      Ctx.getSourceManager().isInSystemHeader(Def->getLocation()))
    return false;
  // The object: the parameter, and locals initialised from it.
  llvm::SmallPtrSet<const VarDecl *, 4> Object{Def->getParamDecl(Param)};
  auto IsObject = [&](const Expr *E) {
    const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenCasts() : nullptr);
    const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
    return Var && Object.contains(Var);
  };
  // `&self->member`: an address into the object.
  auto Mentions = [&](auto &&Self, const Stmt *S) -> bool {
    if (!S)
      return false;
    if (const auto *E = dyn_cast<Expr>(S); E && IsObject(E))
      return true;
    for (const Stmt *Child : S->children())
      if (Self(Self, Child))
        return true;
    return false;
  };
  bool Found = false;
  auto Visit = [&](auto &&Self, const Stmt *S) -> void {
    if (!S || Found)
      return;
    if (const auto *Assign = dyn_cast<BinaryOperator>(S);
        Assign && Assign->isAssignmentOp()) {
      const auto *Addr = dyn_cast<UnaryOperator>(Assign->getRHS()->IgnoreParenCasts());
      // Parking the object on a free list is not a store the walk reports.
      if ((IsObject(Assign->getRHS()) && !isFreeList(destinationName(Assign))) ||
          (Addr && Addr->getOpcode() == UO_AddrOf &&
           Mentions(Mentions, Addr->getSubExpr()))) {
        Found = true;
        return;
      }
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D)) {
          if (V->isStaticLocal()) {
            Found = true;
            return;
          }
          if (IsObject(V->getInit()))
            Object.insert(V);
        }
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      // Calls through pointers are not entered by the escape walk either.
      if (const FunctionDecl *Callee = Call->getDirectCallee()) {
        if (Callee->getIdentifier() &&
            llvm::is_contained(CapiStores, Callee->getName())) {
          Found = true;
          return;
        }
        if (Depth < CallDepth)
          for (unsigned I = 0; I < Call->getNumArgs(); ++I)
            if (IsObject(Call->getArg(I)) &&
                mayStoreObject(Callee, I, Depth + 1, Seen, Ctx)) {
              Found = true;
              return;
            }
      }
    }
    for (const Stmt *Child : S->children())
      Self(Self, Child);
  };
  Visit(Visit, Def->getBody());
  return Found;
}

bool DestructorResurrectionCheck::parksOnFreeList(
    const thisescape::Event &E) const {
  if (E.Kind != thisescape::EventKind::Stored)
    return false;
  return isFreeList(destinationName(E.Site));
}

bool DestructorResurrectionCheck::isFreeList(StringRef Name) const {
  return !Name.empty() &&
         llvm::any_of(FreeLists, [&](const llvm::Regex &R) { return R.match(Name); });
}

void DestructorResurrectionCheck::report(const thisescape::Event &E,
                                         const NamedDecl *Root,
                                         bool IsDealloc) {
  using thisescape::EventKind;
  std::string Event, Consequence, Remedy;
  const char *Dying = "no owner is left once destruction has begun";
  switch (E.Kind) {
  case EventKind::SharedFromThis:
    Event = "'shared_from_this()'";
    Consequence = std::string("throws std::bad_weak_ptr: ") + Dying;
    Remedy = "use 'this' or copies of the data the cleanup needs";
    break;
  case EventKind::WeakFromThisLock:
    Event = "'weak_from_this().lock()'";
    Consequence = std::string("always returns an empty owner: ") + Dying;
    Remedy = "use 'this' or copies of the data the cleanup needs";
    break;
  case EventKind::OwnerFromWeak:
    Event = "a strong owner built from 'weak_from_this()'";
    Consequence = std::string("throws std::bad_weak_ptr: ") + Dying;
    Remedy = "use 'this' or copies of the data the cleanup needs";
    break;
  case EventKind::WeakReferenceToThis:
    Event = E.Where + " created for 'this'";
    Consequence = std::string("needs an owner of the dying object: ") + Dying;
    Remedy = "do not create weak references or finalizers while destroying";
    break;
  case EventKind::Stored:
    Event = E.What + " stored into " + E.Where;
    Consequence = IsDealloc
                      ? "resurrects an object that is being freed"
                      : "dangles once the destructor returns";
    Remedy = IsDealloc ? "resurrect, if at all, from tp_finalize"
                       : "remove the object from shared state instead of "
                         "adding it";
    break;
  case EventKind::HandedToSink:
    Event = E.What + (IsDealloc ? " stored by " : " handed to ") + E.Where;
    Consequence = IsDealloc ? "resurrects an object that is being freed"
                            : "outlives the object it refers to";
    Remedy = IsDealloc ? "resurrect, if at all, from tp_finalize"
                       : "finish the work in the destructor or hand over "
                         "copies of the data it needs";
    break;
  }
  const std::string Context =
      IsDealloc ? "the tp_dealloc function %0" : "the destructor of %0";
  if (E.Hops.empty()) {
    diag(E.Site->getBeginLoc(),
         Event + " in " + Context + " " + Consequence + "; " + Remedy)
        << Root;
    return;
  }
  diag(E.Hops.front().Call->getExprLoc(),
       Event + " through %1 in " + Context + " " + Consequence + "; " + Remedy)
      << Root << E.Hops.front().Callee;
  for (size_t I = 1; I < E.Hops.size(); ++I)
    diag(E.Hops[I].Call->getExprLoc(), "%0 calls %1 here, in the call chain "
                                       "from %2",
         DiagnosticIDs::Note)
        << E.Hops[I].Caller << E.Hops[I].Callee << E.Hops.front().Caller;
  diag(E.Site->getBeginLoc(), "%0 does it here", DiagnosticIDs::Note)
      << E.Hops.back().Callee;
}

} // namespace clang::tidy::weakref
