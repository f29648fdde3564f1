//===-- Git.h - what git says about the working tree ------------*- C++ -*-===//
//
// --diff and the SARIF source root ask git itself (the `git` program on
// PATH), never a re-implementation: the top level of the work tree, and
// which lines of which files changed since a revision or are staged.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TOOL_GIT_H
#define WEAKCHECK_TOOL_GIT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <climits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace weakcheck {

/// Runs `git -C <Dir> <Args...>`; on success returns true with its standard
/// output in \p Output, otherwise false with git's first error line (or why
/// it could not run) in \p Error.
bool runGit(llvm::ArrayRef<std::string> Args, llvm::StringRef Dir,
            std::string &Output, std::string &Error);

/// The top level of the work tree that contains \p Dir, resolved; empty
/// when \p Dir is not in one or git is not installed.
std::string gitTopLevel(llvm::StringRef Dir);

/// Line ranges (1-based, inclusive, on the new side) per file.
using LineRanges = std::vector<std::pair<unsigned, unsigned>>;

/// One hunk of a `git diff --unified=0` patch: lines OldStart.. (OldCount
/// of them) became lines NewStart.. (NewCount). A count of 0 means an
/// insertion after line OldStart, or a deletion after line NewStart.
struct Hunk {
  unsigned OldStart = 0, OldCount = 0, NewStart = 0, NewCount = 0;
};

/// The hunks of every file in a `git diff --unified=0` patch, keyed as
/// parseUnifiedDiff keys them.
std::map<std::string, std::vector<Hunk>> parseHunks(llvm::StringRef Patch);

/// \p Ranges (lines of a file's old version) as lines of its new version
/// after \p Edits (its hunks, in order): lines the edits replaced or
/// deleted are dropped, the others shifted.
LineRanges mapThrough(const LineRanges &Ranges, const std::vector<Hunk> &Edits);

/// The added or changed lines of every file in a `git diff --unified=0`
/// patch, keyed by the new path as the patch names it (quoting undone,
/// prefix "b/" dropped). Deleted files are left out; a file whose patch
/// only deletes lines or only renames it has no ranges.
std::map<std::string, LineRanges> parseUnifiedDiff(llvm::StringRef Patch);

/// What --diff compares.
struct DiffRequest {
  std::string Rev;  ///< --diff=<rev>; empty: the default.
  bool Staged = false; ///< The index against Rev (default HEAD), as in a
                       ///< pre-commit hook, instead of the working tree;
                       ///< mapped to working-tree lines through unstaged
                       ///< changes, which themselves do not count.
  std::string Dir;  ///< Where to run git (the working directory).
};

/// The changed lines of a work tree.
class ChangedLines {
public:
  /// Runs git for \p Request. The default revision is HEAD's merge base
  /// with its upstream branch (`@{upstream}`), or, when \p Request.Staged,
  /// HEAD (the staged changes; an unborn branch: everything staged). A
  /// named revision is replaced by its merge base with HEAD when it has
  /// one, so that --diff=main on a branch means "changed on this branch".
  /// Without Staged, untracked files (not ignored) count as wholly changed.
  bool compute(const DiffRequest &Request, std::string &Error);

  /// Whether \p RealFile (absolute, symlinks resolved) has changed lines.
  bool changed(const std::string &RealFile) const;
  /// Whether line \p Line of \p RealFile is added or changed.
  bool touches(const std::string &RealFile, unsigned Line) const;
  /// "changes since <rev>" or "staged changes", for messages.
  const std::string &describe() const { return Description; }
  /// Sets the ranges directly (tests).
  void set(std::map<std::string, LineRanges> Files) { this->Files = std::move(Files); }

private:
  std::map<std::string, LineRanges> Files; ///< Keyed by resolved path.
  std::string Description;
};

} // namespace weakcheck

#endif
