//===-- Keywords.h - names without which a check cannot report -----------===//
//
// The pre-filter of the weakcheck CLI: before matching a translation unit it
// skips every check whose keywords are all absent from the unit, and the
// whole AST traversal when no check is left. A check declares its keywords
// once, in its constructor (after reading its options):
//
//   keywords::declare(this, {WeakReferences, WeakKeyContainers});
//
// Each argument is a `;`-separated list of names as the check's options write
// them ("::std::weak_ptr;::boost::weak_ptr", "PyWeakref_GetObject"). The
// promise a check makes: in a translation unit where none of these names is
// declared, it reports nothing. A name counts as present when every
// component of it ("std" and "weak_ptr") is in the unit's identifier table,
// i.e. was seen by the lexer anywhere in the unit, system headers, macro
// bodies and aliases included; that is a superset of what matchers on
// declaration names can ever match, so the filter cannot hide a finding.
//
// A check that declares nothing always runs. So does a check whose lists
// contain something that is not a plain (qualified) identifier, such as a
// regular expression or a name with a wildcard: the filter cannot know which
// identifiers such a pattern needs. Outside weakcheck (the clang-tidy
// plugin, other tools) declarations are ignored and every check runs.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_CHECKS_UTILS_KEYWORDS_H
#define WEAKCHECK_CHECKS_UTILS_KEYWORDS_H

// Header-only, so that the checks' object library, the plugin and the driver
// need no extra source file.

#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/Basic/CharInfo.h"
#include "clang/Basic/IdentifierTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <initializer_list>
#include <string>
#include <vector>

namespace clang::tidy {
class ClangTidyCheck;
} // namespace clang::tidy

namespace clang::tidy::weakref::keywords {

class Collector;

namespace detail {
inline thread_local Collector *Current = nullptr;

inline bool isIdentifier(llvm::StringRef S) {
  if (S.empty() || !isAsciiIdentifierStart(S.front()))
    return false;
  return llvm::all_of(S, [](char C) { return isAsciiIdentifierContinue(C); });
}

inline llvm::SmallVector<llvm::StringRef, 4> components(llvm::StringRef Name) {
  Name = Name.trim();
  Name.consume_front("::");
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Name.split(Parts, "::");
  return Parts;
}
} // namespace detail

/// What the checks created under a \c Collector declared.
class Declarations {
public:
  /// The names \p Check declared; null if it declared none the filter can
  /// use (it must always run).
  const std::vector<std::string> *keywordsOf(const ClangTidyCheck *Check) const {
    if (Unfilterable.contains(Check))
      return nullptr;
    auto It = Declared.find(Check);
    return It == Declared.end() ? nullptr : &It->second;
  }

  /// Records a declaration; see \c declare.
  void add(const ClangTidyCheck *Check, std::vector<std::string> Names,
           bool Filterable) {
    if (!Filterable) {
      Unfilterable.insert(Check);
      return;
    }
    // Several declarations add up: any of their names lets the check run.
    std::vector<std::string> &All = Declared[Check];
    All.insert(All.end(), Names.begin(), Names.end());
  }

private:
  llvm::DenseMap<const ClangTidyCheck *, std::vector<std::string>> Declared;
  llvm::SmallPtrSet<const ClangTidyCheck *, 4> Unfilterable;
};

/// While it exists, \c declare on this thread records into \p Into. The
/// weakcheck driver puts one around the creation of a unit's checks.
class Collector {
public:
  explicit Collector(Declarations &Into) : Into(Into), Previous(detail::Current) {
    detail::Current = this;
  }
  ~Collector() { detail::Current = Previous; }
  Collector(const Collector &) = delete;
  Collector &operator=(const Collector &) = delete;
  Declarations &Into;

private:
  Collector *Previous;
};

/// Whether \p Name is a plain identifier, or identifiers joined by "::"
/// (optionally "::"-rooted), which is what \c declare can filter on.
inline bool isFilterableName(llvm::StringRef Name) {
  if (Name.trim().empty())
    return false;
  return llvm::all_of(detail::components(Name), detail::isIdentifier);
}

/// Whether \p Name ("::std::weak_ptr", "PyWeakref_GetObject") may be
/// declared in the translation unit whose identifiers are \p Idents: every
/// component of it is in the table.
inline bool mayBeDeclared(llvm::StringRef Name, const IdentifierTable &Idents) {
  for (llvm::StringRef Part : detail::components(Name))
    if (Idents.find(Part) == Idents.end())
      return false;
  return true;
}

/// Declares that \p Check reports nothing in a translation unit where none
/// of the names in \p Lists (each `;`-separated, as the check's options
/// write them) is declared. Call it once, from the check's constructor.
/// Without a \c Collector on this thread (the clang-tidy plugin) it does
/// nothing.
inline void declare(const ClangTidyCheck *Check,
                    std::initializer_list<llvm::StringRef> Lists) {
  if (!detail::Current)
    return;
  Declarations *C = &detail::Current->Into;
  std::vector<std::string> Names;
  for (llvm::StringRef List : Lists)
    for (llvm::StringRef Name : utils::options::parseStringList(List)) {
      if (Name.trim().empty())
        continue;
      // A pattern the filter cannot reason about: the check always runs.
      if (!isFilterableName(Name))
        return C->add(Check, {}, /*Filterable=*/false);
      Names.push_back(Name.trim().str());
    }
  // Nothing to look for (every list configured empty): always run rather
  // than guess what an empty list means to the check.
  if (Names.empty())
    return C->add(Check, {}, /*Filterable=*/false);
  C->add(Check, std::move(Names), /*Filterable=*/true);
}

} // namespace clang::tidy::weakref::keywords

#endif
