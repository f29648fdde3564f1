//===-- FunctionSummaries.h - what a function does with its object and parameters -===//
//
// Function summaries shared by several checks (self-capture-cycle,
// unchecked-lock, destructor-resurrection, shared-from-this-in-constructor,
// the C API checks) and, later, by project mode (issue 20), which writes them
// per translation unit and links them across units.
//
// For a function whose body is in the translation unit, a summary lists
// facts:
//   - StoresParam     parameter Param reaches a member of `*this`
//                     (IntoParam == -1) or of the object that parameter
//                     IntoParam points to or refers to;
//   - DerefsParam     parameter Param (a pointer or a smart pointer) is
//                     dereferenced on every path through the function
//                     (not under an if, a loop, `?:`, `&&`, `||` or a
//                     switch) and the function never looks at it otherwise
//                     (no `if (p)`, no `p == nullptr`, no `p.get()`, no
//                     assignment): the caller must pass a non-null value;
//   - SharedFromThis  the function asks for a strong owner of `*this`
//                     (Param == -1) or of the object parameter Param points
//                     to: shared_from_this(), weak_from_this().lock(), a
//                     strong owner built from weak_from_this();
//   - ReleasesObject  `delete this`, or a reset of a member strong owner of
//                     the function's own class (a self keep-alive);
//   - ThisEscapes     `this` or an owner of it is stored where it outlives
//                     the call (a global, a member of another object, a
//                     container that is not a member of `*this`).
// Facts propagate through calls whose callee has a visible body, up to
// Options::MaxDepth calls deep. Recursion is cut: a function that is being
// summarised contributes nothing to the summaries computed beneath it, and
// those (tentative) summaries are computed again when next asked for, so
// every function of a cycle sees the facts of the others. Each fact carries the
// chain of calls from the summarised function to the place where it happens.
//
// Summaries are computed lazily, on the first request, and memoised until
// reset() (call it when a new translation unit starts). Lambda bodies are
// not part of the function that creates the lambda.
//
// Serialisation: a versioned JSON document (see serialize()); facts read
// back carry names and "file:line:col" locations but no SourceLocations.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_SUMMARIES_FUNCTIONSUMMARIES_H
#define WEAKCHECK_CHECKS_SUMMARIES_FUNCTIONSUMMARIES_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::weakref::summaries {

/// The version of the serialised form; bump it on any incompatible change.
inline constexpr unsigned FormatVersion = 1;
/// The "format" member of a serialised document.
inline constexpr char FormatName[] = "weakcheck-function-summaries";

enum class FactKind {
  StoresParam,
  DerefsParam,
  SharedFromThis,
  ReleasesObject,
  ThisEscapes,
};

/// "stores-param", "derefs-param", ... (the serialised names).
llvm::StringRef kindName(FactKind K);
std::optional<FactKind> kindFromName(llvm::StringRef Name);

/// One call on the way from the summarised function to the fact.
struct Step {
  std::string Callee;    ///< qualified name of the called function
  std::string CalleeUSR; ///< its USR
  std::string Location;  ///< "file:line:col" of the call
  SourceLocation Loc;    ///< the call, in this TU; invalid when read back
  const FunctionDecl *CalleeDecl = nullptr; ///< null when read back
  const Expr *Call = nullptr;               ///< null when read back

  bool operator==(const Step &O) const {
    return Callee == O.Callee && CalleeUSR == O.CalleeUSR &&
           Location == O.Location;
  }
};

struct Fact {
  FactKind Kind = FactKind::StoresParam;
  /// StoresParam, DerefsParam: the parameter. SharedFromThis: -1 for
  /// `*this`, else the parameter that points to the object. Others: -1.
  int Param = -1;
  /// StoresParam: -1 for a member of `*this`, else the parameter whose
  /// object receives it. Others: -1.
  int IntoParam = -1;
  /// What happened, for messages: the member stored into ("'handlers_'"),
  /// the request ("'shared_from_this()'"), the release ("'delete this'").
  std::string Detail;
  std::string Location; ///< "file:line:col" of the innermost event
  SourceLocation Loc;   ///< the same, in this TU; invalid when read back
  const Stmt *Site = nullptr; ///< the event, in this TU; null when read back
  /// The calls from the summarised function down to the function where the
  /// event happens; empty when it happens in the function itself.
  std::vector<Step> Chain;

  bool operator==(const Fact &O) const {
    return Kind == O.Kind && Param == O.Param && IntoParam == O.IntoParam &&
           Detail == O.Detail && Location == O.Location && Chain == O.Chain;
  }
};

struct FunctionSummary {
  std::string USR;
  std::string Name;     ///< qualified name
  std::string Location; ///< "file:line:col" of the definition
  std::vector<Fact> Facts;

  /// The first fact of kind \p K (and, when >= -1 is given, with that
  /// Param), or null.
  const Fact *find(FactKind K, std::optional<int> Param = std::nullopt) const;
  bool operator==(const FunctionSummary &O) const {
    return USR == O.USR && Name == O.Name && Location == O.Location &&
           Facts == O.Facts;
  }
};

struct Options {
  /// How many calls deep facts are followed.
  unsigned MaxDepth = 4;
  /// Classes whose shared_from_this() / weak_from_this() count.
  std::vector<std::string> EnableSharedFromThis = {
      "::std::enable_shared_from_this", "::boost::enable_shared_from_this"};
  /// Methods that keep their argument, on a member whose class's body is
  /// not visible (a standard container, a signal): push_back, connect, ...
  std::vector<std::string> StoringMethods = {
      "push_back", "push_front", "emplace_back", "emplace_front", "emplace",
      "emplace_hint", "insert", "insert_or_assign", "try_emplace", "push",
      "connect", "assign", "swap", "add"};
  /// Strong owner classes (for self keep-alive members).
  std::vector<std::string> StrongOwners = {"::std::shared_ptr",
                                           "::boost::shared_ptr"};

  /// The defaults with a check's own `;`-separated lists and depth.
  static Options forOwnerChecks(llvm::StringRef EnableSharedFromThis,
                                llvm::StringRef StrongOwners,
                                unsigned MaxDepth);
};

/// The `;`-separated option value \p List as a list of trimmed names.
std::vector<std::string> splitOption(llvm::StringRef List);

class FunctionSummaries {
public:
  explicit FunctionSummaries(Options O = Options());
  ~FunctionSummaries();
  FunctionSummaries(const FunctionSummaries &) = delete;
  FunctionSummaries &operator=(const FunctionSummaries &) = delete;

  /// The summary of \p FD's definition, or null if no definition with a body
  /// is visible, it is in a system header, or it is being summarised (a
  /// recursive call).
  const FunctionSummary *get(const FunctionDecl *FD, ASTContext &Ctx);

  /// Summarises every function defined with a body outside system headers
  /// (for project mode and tests); in declaration order.
  std::vector<const FunctionSummary *> summarizeAll(ASTContext &Ctx);

  /// Forgets every summary (a new translation unit begins).
  void reset();

  const Options &options() const { return Opts; }

private:
  class Builder;
  const FunctionSummary *getNested(const FunctionDecl *FD, ASTContext &Ctx);
  Options Opts;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<FunctionSummary>> Done;
  llvm::DenseSet<const FunctionDecl *> InProgress;
  llvm::DenseSet<const FunctionDecl *> Tentative;
  /// The functions being summarised, innermost last, and whether each one
  /// has met a function of its call cycle that was still in progress.
  std::vector<std::pair<const FunctionDecl *, bool>> Stack;
  const ASTContext *ForContext = nullptr;
};

/// The USR of \p D ("c:@S@Session@F@close#"), empty if none.
std::string usrOf(const Decl *D);
/// "file:line:col" of \p Loc's expansion location.
std::string locationString(SourceLocation Loc, const SourceManager &SM);

/// The summaries as a JSON document:
///   {"format": "weakcheck-function-summaries", "version": 1,
///    "functions": [{"usr", "name", "location",
///                   "facts": [{"kind", "param", "into", "detail",
///                              "location", "chain": [{"callee",
///                              "usr", "location"}]}]}]}
/// Functions appear in the given order; the output is deterministic.
std::string serialize(llvm::ArrayRef<const FunctionSummary *> Summaries);
std::string serialize(llvm::ArrayRef<FunctionSummary> Summaries);

/// Reads back what serialize() wrote. A document of another format or
/// version, or a malformed one, is an error (never a partial result).
llvm::Expected<std::vector<FunctionSummary>> parse(llvm::StringRef Text);

} // namespace clang::tidy::weakref::summaries

#endif
