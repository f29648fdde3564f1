//===-- CapiClearWeakrefsCheck.cpp - weakref-capi-clear-weakrefs ----------===//

#include "CapiClearWeakrefsCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/Analysis/CFG.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "utils/Keywords.h"
#include <optional>
#include <vector>

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultClearFunctions[] = "PyObject_ClearWeakRefs";
constexpr char DefaultFreeFunctions[] =
    "PyObject_Free;PyObject_Del;PyObject_DEL;PyObject_FREE;PyObject_GC_Del";
constexpr unsigned DefaultHelperDepth = 1;

// CPython's numbers (Include/typeslots.h, Include/object.h); they have not
// changed since they were introduced.
constexpr int PyTpDeallocSlot = 52;
constexpr int PyTpMembersSlot = 72;
constexpr int PyTpFreeSlot = 74;
constexpr uint64_t ManagedWeakrefFlag = 1u << 3; // 3.12+

/// What the analysis knows about one dealloc, passed to the matcher that
/// runs it.
struct DeallocOptions {
  std::vector<StringRef> ClearFunctions;
  std::vector<StringRef> FreeFunctions;
  unsigned HelperDepth;
};

const Expr *strip(const Expr *E) { return E ? E->IgnoreParenCasts() : nullptr; }

std::optional<int64_t> intValue(const Expr *E, const ASTContext &Ctx) {
  if (!E || E->isValueDependent())
    return std::nullopt;
  Expr::EvalResult R;
  if (!E->EvaluateAsInt(R, Ctx))
    return std::nullopt;
  return R.Val.getInt().getExtValue();
}

/// The initializer of field \p Field in the semantic form of a struct
/// initializer list, or null when it is not written (implicitly zero).
const Expr *fieldInit(const InitListExpr &List, StringRef Field) {
  const RecordDecl *RD = List.getType()->getAsRecordDecl();
  if (!RD)
    return nullptr;
  unsigned Index = 0;
  for (const FieldDecl *F : RD->fields()) {
    if (F->getName() == Field) {
      if (Index >= List.getNumInits())
        return nullptr;
      const Expr *Init = List.getInit(Index);
      if (!Init || isa<ImplicitValueInitExpr>(Init))
        return nullptr;
      return Init;
    }
    ++Index;
  }
  return nullptr;
}

/// True if \p T is spelt through a typedef named \p Name, or is a record of
/// that name.
bool isNamedType(QualType T, StringRef Name) {
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl()->getName() == Name)
      return true;
    T = TT->desugar();
  }
  return false;
}

/// A field whose null test guards the PyObject_ClearWeakRefs call: the one
/// named by `offsetof(T, field)` in the weaklist offset, if any.
const FieldDecl *offsetField(const Expr *Offset) {
  const auto *OO = dyn_cast_or_null<OffsetOfExpr>(strip(Offset));
  if (!OO || OO->getNumComponents() == 0)
    return nullptr;
  const OffsetOfNode &Last = OO->getComponent(OO->getNumComponents() - 1);
  return Last.getKind() == OffsetOfNode::Field ? Last.getField() : nullptr;
}

// --- Sub-matchers over the type definitions. -------------------------------

/// The written initializer of a named field of a struct initializer list.
AST_MATCHER_P2(InitListExpr, hasFieldInit, std::string, Field,
               ast_matchers::internal::Matcher<Expr>, Inner) {
  const Expr *Init = fieldInit(Node, Field);
  return Init && Inner.matches(*Init, Finder, Builder);
}

/// An integer expression that is not known to be zero (offsetof(...) is a
/// constant; an unevaluable expression counts as set).
AST_MATCHER(Expr, isNotZero) {
  std::optional<int64_t> V = intValue(&Node, Finder->getASTContext());
  return !V || *V != 0;
}

AST_MATCHER(Expr, hasManagedWeakrefFlag) {
  std::optional<int64_t> V = intValue(&Node, Finder->getASTContext());
  return V && (static_cast<uint64_t>(*V) & ManagedWeakrefFlag) != 0;
}

/// A type spelt through a typedef named \p Typedef, or whose canonical type
/// is a struct named \p Record, compared by identifier: this runs on every
/// variable of the translation unit, where hasName's qualified-name
/// building would cost more than parsing.
AST_MATCHER_P2(QualType, isTypedefOrRecordNamed, std::string, Typedef,
               std::string, Record) {
  if (Node.isNull())
    return false;
  if (const RecordDecl *RD = Node->getAsRecordDecl();
      RD && RD->getIdentifier() && RD->getName() == Record)
    return true;
  if (!Node->getAs<TypedefType>())
    return false;
  return isNamedType(Node, Typedef);
}

/// An element `{Slot, Inner}` of a PyType_Slot array initializer.
AST_MATCHER_P2(InitListExpr, hasTypeSlot, int, Slot, ast_matchers::internal::Matcher<Expr>,
               Inner) {
  for (const Expr *E : Node.inits()) {
    const auto *Element = dyn_cast<InitListExpr>(strip(E));
    if (!Element || Element->getNumInits() < 2)
      continue;
    std::optional<int64_t> Id =
        intValue(Element->getInit(0), Finder->getASTContext());
    if (Id && *Id == Slot) {
      ast_matchers::internal::BoundNodesTreeBuilder Result(*Builder);
      if (Inner.matches(*Element->getInit(1), Finder, &Result)) {
        *Builder = std::move(Result);
        return true;
      }
    }
  }
  return false;
}

/// A PyMemberDef array initializer with a `__weaklistoffset__` entry; the
/// entry's offset expression is passed to \p Inner.
AST_MATCHER_P(InitListExpr, hasWeaklistMember, ast_matchers::internal::Matcher<Expr>,
              Inner) {
  for (const Expr *E : Node.inits()) {
    const auto *Element = dyn_cast<InitListExpr>(strip(E));
    if (!Element || Element->getNumInits() < 3)
      continue;
    const auto *Name =
        dyn_cast<StringLiteral>(Element->getInit(0)->IgnoreParenImpCasts());
    if (Name && Name->getString() == "__weaklistoffset__")
      return Inner.matches(*Element->getInit(2), Finder, Builder);
  }
  return false;
}

// --- The path analysis of one tp_dealloc. -----------------------------------

/// What a call in a tp_dealloc does to the object.
enum class Effect { None, Clear, Release, Delegate };

class DeallocAnalysis {
public:
  /// \p WeakList is the field named by the type's weak-list offset, if
  /// any, and \p Offset that offset in bytes; \p Managed says the list is
  /// managed by the interpreter (Py_TPFLAGS_MANAGED_WEAKREF) and no field
  /// of the struct holds it.
  DeallocAnalysis(const DeallocOptions &Opts, ASTContext &Ctx,
                  const FieldDecl *WeakList, std::optional<int64_t> Offset,
                  bool Managed)
      : Opts(Opts), Ctx(Ctx), WeakList(WeakList), Offset(Offset),
        Managed(Managed) {}

  /// The first call (in source order) that releases the object on a path
  /// from the entry of \p Dealloc that has not cleared its weak references,
  /// or null.
  const CallExpr *unclearedRelease(const FunctionDecl &Dealloc) {
    CFG::BuildOptions BO;
    BO.setAllAlwaysAdd();
    std::unique_ptr<CFG> Cfg =
        CFG::buildCFG(&Dealloc, Dealloc.getBody(), &Ctx, BO);
    if (!Cfg)
      return nullptr;
    const CallExpr *Found = nullptr;
    llvm::SmallPtrSet<const CFGBlock *, 32> Seen;
    std::vector<const CFGBlock *> Work{&Cfg->getEntry()};
    while (!Work.empty()) {
      const CFGBlock *B = Work.back();
      Work.pop_back();
      if (!B || !Seen.insert(B).second)
        continue;
      bool Stop = false;
      for (const CFGElement &El : *B) {
        std::optional<CFGStmt> S = El.getAs<CFGStmt>();
        const auto *Call = S ? dyn_cast<CallExpr>(S->getStmt()) : nullptr;
        if (!Call)
          continue;
        Effect E = effectOf(*Call, 0);
        if (E == Effect::None)
          continue;
        if (E == Effect::Release &&
            (!Found || Ctx.getSourceManager().isBeforeInTranslationUnit(
                           Call->getBeginLoc(), Found->getBeginLoc())))
          Found = Call;
        Stop = true; // cleared, released or handed over: the path ends here
        break;
      }
      if (Stop)
        continue;
      std::optional<bool> NullOnTrue = weakListNullTest(B->getLastCondition());
      unsigned Index = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        // The edge on which the weak-reference list is null needs no clear.
        bool NullEdge = NullOnTrue && B->succ_size() == 2 &&
                        (Index == 0) == *NullOnTrue;
        if (!NullEdge)
          Work.push_back(Succ.getReachableBlock());
        ++Index;
      }
    }
    return Found;
  }

private:
  bool isListed(const FunctionDecl *FD, const std::vector<StringRef> &Names) {
    return FD && FD->getIdentifier() && llvm::is_contained(Names, FD->getName());
  }

  /// A call `PyType_GetSlot(type, Slot)`, possibly through a local variable.
  bool isGetSlot(const Expr *E, int Slot) {
    E = strip(E);
    if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E))
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
          Var && Var->hasLocalStorage() && Var->getInit())
        E = strip(Var->getInit());
    const auto *Call = dyn_cast_or_null<CallExpr>(E);
    if (!Call || Call->getNumArgs() != 2 || !Call->getDirectCallee() ||
        !Call->getDirectCallee()->getIdentifier() ||
        Call->getDirectCallee()->getName() != "PyType_GetSlot")
      return false;
    std::optional<int64_t> Id = intValue(Call->getArg(1), Ctx);
    return Id && *Id == Slot;
  }

  Effect effectOf(const CallExpr &Call, unsigned Depth) {
    if (const FunctionDecl *FD = Call.getDirectCallee()) {
      if (isListed(FD, Opts.ClearFunctions))
        return Effect::Clear;
      if (isListed(FD, Opts.FreeFunctions))
        return Effect::Release;
      const FunctionDecl *Def = nullptr;
      if (Depth < Opts.HelperDepth && FD->hasBody(Def) && Def->getBody() &&
          !Ctx.getSourceManager().isInSystemHeader(Def->getLocation()) &&
          Helpers.insert(Def).second) {
        Effect E = effectOfBody(*Def->getBody(), Depth + 1);
        Helpers.erase(Def);
        return E;
      }
      return Effect::None;
    }
    const Expr *Callee = strip(Call.getCallee());
    if (const auto *Member = dyn_cast<MemberExpr>(Callee)) {
      StringRef Name = Member->getMemberDecl()->getName();
      if (Name == "tp_free")
        return Effect::Release;
      if (Name == "tp_dealloc") {
        // object's dealloc only frees; any other base may clear itself.
        const auto *Base = dyn_cast<DeclRefExpr>(strip(Member->getBase()));
        return Base && Base->getDecl()->getName() == "PyBaseObject_Type"
                   ? Effect::Release
                   : Effect::Delegate;
      }
      return Effect::None;
    }
    if (isGetSlot(Callee, PyTpFreeSlot))
      return Effect::Release;
    if (isGetSlot(Callee, PyTpDeallocSlot))
      return Effect::Delegate;
    return Effect::None;
  }

  /// A helper's effect: it clears if it calls PyObject_ClearWeakRefs
  /// anywhere, otherwise it releases if it releases anywhere.
  Effect effectOfBody(const Stmt &Body, unsigned Depth) {
    Effect Result = Effect::None;
    auto Visit = [&](auto &&Self, const Stmt *S) -> void {
      if (!S || Result == Effect::Clear)
        return;
      if (const auto *Call = dyn_cast<CallExpr>(S)) {
        Effect E = effectOf(*Call, Depth);
        if (E == Effect::Clear ||
            (E == Effect::Release && Result != Effect::Delegate) ||
            (E == Effect::Delegate && Result == Effect::None))
          Result = E;
      }
      for (const Stmt *Child : S->children())
        Self(Self, Child);
    };
    Visit(Visit, &Body);
    return Result;
  }

  /// For a branch condition that tests the weak-reference list for null,
  /// whether its true edge is the null one.
  std::optional<bool> weakListNullTest(const Stmt *Cond) {
    const auto *E = dyn_cast_or_null<Expr>(Cond);
    if (!E)
      return std::nullopt;
    E = E->IgnoreParenImpCasts();
    if (const auto *Not = dyn_cast<UnaryOperator>(E);
        Not && Not->getOpcode() == UO_LNot) {
      if (isWeakList(Not->getSubExpr()))
        return true;
      return std::nullopt;
    }
    if (const auto *Cmp = dyn_cast<BinaryOperator>(E);
        Cmp && Cmp->isEqualityOp()) {
      auto IsNull = [&](const Expr *X) {
        return X->isNullPointerConstant(Ctx,
                                        Expr::NPC_ValueDependentIsNotNull) !=
               Expr::NPCK_NotNull;
      };
      if ((isWeakList(Cmp->getLHS()) && IsNull(Cmp->getRHS())) ||
          (isWeakList(Cmp->getRHS()) && IsNull(Cmp->getLHS())))
        return Cmp->getOpcode() == BO_EQ;
      return std::nullopt;
    }
    if (isWeakList(E))
      return false;
    return std::nullopt;
  }

  bool isWeakList(const Expr *E) {
    const auto *Member = dyn_cast<MemberExpr>(strip(E));
    if (!Member)
      return false;
    const auto *Field = dyn_cast<FieldDecl>(Member->getMemberDecl());
    if (!Field)
      return false;
    // Generic code tests the type: `if (Py_TYPE(self)->tp_weaklistoffset)`.
    if (Field->getName() == "tp_weaklistoffset")
      return true;
    // A managed list lives outside the struct: a field of the struct that
    // is tested is not it (it stays NULL while weak references exist).
    if (Managed && !WeakList)
      return false;
    if (WeakList && Field->getCanonicalDecl() == WeakList->getCanonicalDecl())
      return true;
    // One dealloc shared by several types whose structs share a prefix:
    // `gen->gi_weakreflist` is at the offset of the coroutine type's
    // `cr_weakreflist`.
    if (Offset && !Field->getParent()->isInvalidDecl() &&
        !Field->getParent()->isDependentType() && Field->getParent()->getDefinition()) {
      const uint64_t Bits = Ctx.getFieldOffset(Field);
      if (Bits % 8 == 0 && static_cast<int64_t>(Bits / 8) == *Offset)
        return true;
    }
    // The conventional names.
    return Field->getName().contains_insensitive("weakref") ||
           Field->getName().contains_insensitive("weaklist");
  }

  const DeallocOptions &Opts;
  ASTContext &Ctx;
  const FieldDecl *WeakList;
  std::optional<int64_t> Offset;
  bool Managed;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Helpers;
};

/// A tp_dealloc that can release the object before clearing its weak
/// references; binds the release as "release". The weak-reference list
/// field is taken from an "offset" bound earlier, when it is an offsetof().
AST_MATCHER_P(FunctionDecl, releasesBeforeClearingWeakRefs, DeallocOptions,
              Opts) {
  if (!Node.doesThisDeclarationHaveABody())
    return false;
  const FieldDecl *WeakList = nullptr;
  std::optional<int64_t> Offset;
  bool Managed = false;
  Builder->removeBindings([&](const ast_matchers::internal::BoundNodesMap &Nodes) {
    if (const auto *E = Nodes.getNodeAs<Expr>("offset")) {
      WeakList = offsetField(E);
      Offset = intValue(E, Finder->getASTContext());
    }
    Managed = Managed || Nodes.getNodeAs<Expr>("managed");
    return false;
  });
  DeallocAnalysis Analysis(Opts, Finder->getASTContext(), WeakList, Offset,
                           Managed);
  const CallExpr *Release = Analysis.unclearedRelease(Node);
  if (!Release)
    return false;
  Builder->setBinding("release", DynTypedNode::create(*Release));
  return true;
}

} // namespace

CapiClearWeakrefsCheck::CapiClearWeakrefsCheck(StringRef Name,
                                               ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ClearFunctions(Options.get("ClearFunctions", DefaultClearFunctions)),
      FreeFunctions(Options.get("FreeFunctions", DefaultFreeFunctions)),
      HelperDepth(Options.get("HelperDepth", DefaultHelperDepth)) {
  // Every report is about a PyTypeObject or PyType_Spec variable.
  keywords::declare(this, {"PyTypeObject;_typeobject;PyType_Spec"});
}

void CapiClearWeakrefsCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ClearFunctions", ClearFunctions);
  Options.store(Opts, "FreeFunctions", FreeFunctions);
  Options.store(Opts, "HelperDepth", HelperDepth);
}

void CapiClearWeakrefsCheck::registerMatchers(MatchFinder *Finder) {
  const DeallocOptions Opts{utils::options::parseStringList(ClearFunctions),
                            utils::options::parseStringList(FreeFunctions),
                            HelperDepth};

  // A tp_dealloc defined in this translation unit that can release the
  // object before PyObject_ClearWeakRefs.
  const auto FaultyDealloc = ignoringParenCasts(declRefExpr(
      to(functionDecl(releasesBeforeClearingWeakRefs(Opts)).bind("dealloc"))));

  // A static type: `PyTypeObject T = {..., .tp_weaklistoffset = offsetof(...)}`
  // (designated or positional), or 3.12's Py_TPFLAGS_MANAGED_WEAKREF.
  const auto TypeObject =
      qualType(isTypedefOrRecordNamed("PyTypeObject", "_typeobject"));
  const auto WeaklistOffset =
      hasFieldInit("tp_weaklistoffset", expr(isNotZero()).bind("offset"));
  const auto ManagedWeakref =
      hasFieldInit("tp_flags", expr(hasManagedWeakrefFlag()).bind("managed"));
  Finder->addMatcher(
      varDecl(hasType(TypeObject),
              hasInitializer(initListExpr(
                  anyOf(WeaklistOffset, ManagedWeakref),
                  hasFieldInit("tp_dealloc", FaultyDealloc))))
          .bind("type"),
      this);

  // A heap type: `PyType_Spec spec = {..., .flags = ...MANAGED_WEAKREF,
  // .slots = slots}` or a `__weaklistoffset__` member in its Py_tp_members
  // slot; its Py_tp_dealloc slot names the dealloc.
  const auto SlotsArray = [](const auto &Inner) {
    return ignoringParenImpCasts(declRefExpr(to(varDecl(
        hasInitializer(ignoringParenImpCasts(initListExpr(Inner)))))));
  };
  const auto WeaklistMember = hasFieldInit(
      "slots",
      SlotsArray(hasTypeSlot(
          PyTpMembersSlot,
          ignoringParenCasts(declRefExpr(to(varDecl(hasInitializer(
              ignoringParenImpCasts(initListExpr(hasWeaklistMember(
                  expr().bind("offset"))))))))))));
  const auto SpecManagedWeakref =
      hasFieldInit("flags", expr(hasManagedWeakrefFlag()).bind("managed"));
  Finder->addMatcher(
      varDecl(hasType(qualType(isTypedefOrRecordNamed("PyType_Spec", "PyType_Spec"))),
              hasInitializer(initListExpr(
                  anyOf(WeaklistMember, SpecManagedWeakref),
                  hasFieldInit("slots", SlotsArray(hasTypeSlot(
                                            PyTpDeallocSlot, FaultyDealloc))))))
          .bind("type"),
      this);
}

void CapiClearWeakrefsCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Type = Result.Nodes.getNodeAs<VarDecl>("type");
  const auto *Dealloc = Result.Nodes.getNodeAs<FunctionDecl>("dealloc");
  const auto *Release = Result.Nodes.getNodeAs<CallExpr>("release");
  if (!Type || !Dealloc || !Release ||
      !Reported.insert(Dealloc->getCanonicalDecl()).second)
    return;
  diag(Result.SourceManager->getExpansionLoc(Release->getBeginLoc()),
       "%0 releases an object whose type supports weak references without "
       "calling PyObject_ClearWeakRefs; call PyObject_ClearWeakRefs(self) "
       "before the memory is released, or weak references outlive the object")
      << Dealloc << Release->getSourceRange();
  const char *How = Result.Nodes.getNodeAs<Expr>("managed")
                        ? "Py_TPFLAGS_MANAGED_WEAKREF"
                        : "a weak-reference list offset";
  diag(Type->getLocation(), "%0 supports weak references through %1 and "
                            "uses %2 as its tp_dealloc",
       DiagnosticIDs::Note)
      << Type << How << Dealloc;
}

} // namespace clang::tidy::weakref
