//===-- Ownership.h - which objects a callable owns -----------------------===//
//
// Shared by weakref-finalizer-captures-referent and weakref-self-capture-cycle:
// which object a strong owner expression denotes (a variable, `*this`, a
// member of `*this`), which objects hold a storage location (a member of X
// is held by X), and whether a lambda or a binder result holds a strong owner
// of one of those objects.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_UTILS_OWNERSHIP_H
#define WEAKCHECK_CHECKS_UTILS_OWNERSHIP_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::weakref::ownership {

/// The names the analysis recognises; each list is a check option.
struct OwnershipOptions {
  /// Classes (and classes derived from them) whose copies keep an object
  /// alive: std::shared_ptr, boost::shared_ptr, pybind11::object.
  std::vector<llvm::StringRef> StrongOwners;
  /// Weak references whose lock() yields a strong owner.
  std::vector<llvm::StringRef> WeakReferences;
  /// Functions whose result stores its arguments: std::bind, boost::bind...
  std::vector<llvm::StringRef> Binders;
  /// Functions returning their first argument's object under another type.
  std::vector<llvm::StringRef> PointerCasts;

  /// The lists from the checks' `;`-separated option values (which must
  /// outlive the result: the lists refer into them).
  static OwnershipOptions parse(llvm::StringRef StrongOwners,
                                llvm::StringRef WeakReferences,
                                llvm::StringRef Binders,
                                llvm::StringRef PointerCasts);
};

/// The object a strong owner denotes, as far as one function can tell.
struct ObjectId {
  enum KindTy { Unknown, Variable, This, Member } Kind = Unknown;
  /// The variable or member; for This, the class.
  const NamedDecl *D = nullptr;
  explicit operator bool() const { return Kind != Unknown; }
  bool operator==(const ObjectId &O) const {
    return Kind == O.Kind && (Kind == This || D == O.D);
  }
};

/// How a callable holds a strong owner of an object.
struct Holding {
  enum KindTy { Captured, Bound, Direct } Kind = Captured;
  const LambdaExpr *Lambda = nullptr;     ///< Captured: the lambda
  const LambdaCapture *Capture = nullptr; ///< Captured: the capture
  const Expr *Arg = nullptr;              ///< Bound, Direct
  const Expr *Origin = nullptr; ///< the expression the owner came from
  const VarDecl *Alias = nullptr; ///< a local copy the owner went through
  ObjectId Object;
};

class Ownership {
public:
  explicit Ownership(OwnershipOptions Options) : Opts(std::move(Options)) {}

  /// The object that the strong owner \p E denotes, following simple local
  /// aliases, shared_from_this(), weak_from_this().lock(), member functions
  /// returning an owner of their own class, and pointer casts. \p Origin and
  /// \p Alias, when given, receive the expression that named the object and
  /// the first local alias on the way.
  ObjectId objectOf(const Expr *E, ASTContext &Ctx,
                    const Expr **Origin = nullptr,
                    const VarDecl **Alias = nullptr) const;

  /// The objects that own the storage location \p Storage: `x_` and
  /// `a_.b_` are held by `*this`, `p->x` by the object of `p` (and whatever
  /// holds `p`), `*p` by the object of `p`.
  llvm::SmallVector<ObjectId, 2> holdersOf(const Expr *Storage,
                                           ASTContext &Ctx) const;

  /// Whether the callable \p Callable (a lambda, a binder call, something
  /// constructed from them, or a simple local alias of one) holds a strong
  /// owner of one of \p Objects. With \p AllowDirect, \p Callable itself
  /// may be such an owner.
  std::optional<Holding> findHolding(const Expr *Callable,
                                     llvm::ArrayRef<ObjectId> Objects,
                                     ASTContext &Ctx, bool AllowDirect,
                                     unsigned Depth = 0) const;

  bool isStrongOwner(QualType T) const;
  bool isWeakReference(QualType T) const;

private:
  ObjectId objectOfVar(const VarDecl *V, ASTContext &Ctx, const Expr **Origin,
                       const VarDecl **Alias, unsigned Depth) const;
  ObjectId objectOfImpl(const Expr *E, ASTContext &Ctx, const Expr **Origin,
                        const VarDecl **Alias, unsigned Depth) const;
  ObjectId objectOfObjectArgument(const Expr *E, ASTContext &Ctx,
                                  const Expr **Origin, const VarDecl **Alias,
                                  unsigned Depth) const;
  ObjectId objectOfWeak(const Expr *E, ASTContext &Ctx, const Expr **Origin,
                        const VarDecl **Alias, unsigned Depth) const;

  OwnershipOptions Opts;
};

/// Whether \p T (after references and typedefs) is a class, or a
/// specialisation of a class template, named by one of \p Names.
bool isClassNamed(QualType T, llvm::ArrayRef<llvm::StringRef> Names);

/// A local variable that is never assigned, reset or swapped after its
/// initialisation in the function that declares it.
bool isNeverReassigned(const VarDecl *V, ASTContext &Ctx);

/// A short description of an object for diagnostics: 'obj', the 'Session'
/// object, the object of member 'impl_'.
std::string describe(const ObjectId &Object);

/// Matches a named declaration whose unqualified name is one of \p Patterns;
/// a pattern ending in '*' matches every name starting with the rest.
AST_MATCHER_P(NamedDecl, hasNameMatchingAny, std::vector<std::string>,
              Patterns) {
  if (!Node.getIdentifier())
    return false;
  llvm::StringRef Name = Node.getName();
  for (const std::string &P : Patterns) {
    llvm::StringRef Pattern(P);
    if (Pattern.consume_back("*") ? Name.starts_with(Pattern) : Name == Pattern)
      return true;
  }
  return false;
}

/// The defaults shared by both checks' options.
extern const char DefaultStrongOwners[];
extern const char DefaultWeakReferences[];
extern const char DefaultBinders[];
extern const char DefaultPointerCasts[];

/// Splits a ';'-separated option into owned strings, trimming blanks.
std::vector<std::string> splitList(llvm::StringRef Option);

/// Binds \p H as the nodes "lambda" and "capture" (a capture), "holder-arg"
/// and "bound" or "direct" (an argument), "origin", "alias" and "object-this"
/// / "object-var" / "object-member" (the object owned).
void bindHolding(const Holding &H,
                 ast_matchers::internal::BoundNodesTreeBuilder *Builder);

/// Reads back what \c bindHolding bound.
Holding readHolding(const ast_matchers::BoundNodes &Nodes);

} // namespace clang::tidy::weakref::ownership

#endif
