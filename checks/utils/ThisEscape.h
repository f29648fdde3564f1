//===-- ThisEscape.h - where the object under construction or destruction goes -===//
//
// Shared by weakref-destructor-resurrection and
// weakref-shared-from-this-in-constructor: starting from a constructor, a
// destructor or a tp_dealloc function, finds the places where a strong
// owner of the object is asked for (shared_from_this() and friends) and,
// optionally, where the object's address is stored somewhere that outlives
// the call. Calls to member functions on `this`, and calls that pass the
// object on to another function with a visible body, are followed to a
// bounded depth; each event carries the chain of calls that reaches it.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_UTILS_THISESCAPE_H
#define WEAKCHECK_CHECKS_UTILS_THISESCAPE_H

#include "clang/AST/ASTContext.h"
#include "summaries/FunctionSummaries.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::weakref::thisescape {

/// What the analysis follows: `this` and/or some variables that hold the
/// object (parameters it was passed to, local aliases).
struct Tracked {
  bool This = false;
  /// Whether the members of the function's own `this` belong to the object
  /// being followed (true for the root and for member functions called on
  /// `this` or on a member held by value).
  bool ThisOwned = false;
  llvm::SmallPtrSet<const VarDecl *, 4> Vars;
  const FunctionDecl *Function = nullptr;
};

enum class EventKind {
  SharedFromThis,     ///< shared_from_this() on the object
  WeakFromThisLock,   ///< weak_from_this().lock()
  OwnerFromWeak,      ///< a strong owner constructed from weak_from_this()
  WeakReferenceToThis,///< weakref::ref / proxy / finalize created for it
  Stored,             ///< stored into storage that outlives the call
  HandedToSink,       ///< passed to a function that keeps it (post, ...)
};

/// One call on the way from the root function to the event.
struct Hop {
  const Expr *Call;
  const FunctionDecl *Caller;
  const FunctionDecl *Callee;
};

struct Event {
  EventKind Kind;
  const Stmt *Site;
  std::string What;  ///< "'this'", "a callable capturing 'this'", ...
  std::string Where; ///< "global 'g'", "'post'", "'weakref::ref<T>'"
  std::vector<Hop> Hops;
};

struct Options {
  std::vector<llvm::StringRef> EnableSharedFromThis;
  std::vector<llvm::StringRef> StrongOwners;
  std::vector<llvm::StringRef> UniqueOwners;
  std::vector<llvm::StringRef> RuntimeWeakReferences;
  std::vector<llvm::StringRef> InsertMethods;
  std::vector<llvm::StringRef> CallbackSinks;
  std::vector<llvm::StringRef> Binders;
  unsigned CallDepth = 2;
  /// Only strong-owner requests (constructors), no stores.
  bool OwnerRequestsOnly = false;
};

/// Walks a function and what it calls; see the file comment. Not copyable:
/// its matchers refer to its current state.
class EscapeFinder {
public:
  explicit EscapeFinder(Options Opts);
  EscapeFinder(const EscapeFinder &) = delete;
  EscapeFinder &operator=(const EscapeFinder &) = delete;

  /// Events reached from a constructor or destructor, following `this`.
  std::vector<Event> fromThis(const FunctionDecl *Root, ASTContext &Ctx);
  /// Events reached from a C function whose first parameter is the object
  /// (a tp_dealloc function), following that parameter.
  std::vector<Event> fromFirstParameter(const FunctionDecl *Root,
                                        ASTContext &Ctx);

private:
  struct Frame {
    Tracked T;
    std::vector<Hop> Hops;
    std::string What; ///< how the root handed the object on
    unsigned Depth;
  };
  std::vector<Event> walk(Frame Start, ASTContext &Ctx);
  void addAliases(Frame &F, ASTContext &Ctx);

  Options Opts;
  Tracked Current;
  std::optional<ast_matchers::internal::Matcher<Stmt>> Events;
  std::optional<ast_matchers::internal::Matcher<Decl>> Aliases;
};

/// What the function summaries know about \p Root beyond \p Known (the
/// events the walk found): a strong owner of `*this` asked for deeper in the
/// call chain (and, unless \p OwnerRequestsOnly, `this` stored where it
/// outlives the call), with the chain of calls as hops.
std::vector<Event> summaryEvents(const FunctionDecl *Root,
                                 summaries::FunctionSummaries &Summaries,
                                 ASTContext &Ctx,
                                 const std::vector<Event> &Known,
                                 bool OwnerRequestsOnly);

/// How the expression \p E (after casts and moves) carries the followed
/// object: "'this'", "a callable capturing 'this'", ... Empty if it does not
/// look like it carries it at all.
std::string describeCarrier(const Expr *E, const Tracked &T);

} // namespace clang::tidy::weakref::thisescape

#endif
