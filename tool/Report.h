//===-- Report.h - the result of a weakcheck run ---------------*- C++ -*-===//
//
// A run's findings and per-file outcomes in a form independent of Clang's
// types: 1-based lines and columns already resolved, paths absolute. Every
// output format renders this one model.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TOOL_REPORT_H
#define WEAKCHECK_TOOL_REPORT_H

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace weakcheck {

struct SourcePos {
  std::string File; ///< Absolute path; empty when the message has no location.
  unsigned Offset = 0;
  unsigned Line = 0;   ///< 1-based.
  unsigned Column = 0; ///< 1-based, in bytes, as clang counts.
};

struct SourceSpan {
  SourcePos Begin;
  unsigned EndLine = 0;   ///< 1-based, inclusive.
  unsigned EndColumn = 0; ///< 1-based, exclusive (one past the last byte).
};

struct FixReplacement {
  SourceSpan Span; ///< The replaced bytes (empty for an insertion).
  unsigned Length = 0;
  std::string Text;
};

struct Message {
  std::string Text;
  SourceSpan Span;
};

struct Finding {
  std::string Check; ///< "weakref-..." or "clang-diagnostic-error".
  std::string Level; ///< "warning" or "error".
  Message Main;
  std::vector<Message> Notes;
  std::vector<FixReplacement> Fixes;
  /// Unique within a run, independent of the line number: see
  /// assignFingerprints and docs/ci.md. Empty until assigned.
  std::string Fingerprint;
};

/// A function a check analysed only in part (a budget ran out), and what it
/// did instead; such a function is never skipped silently.
struct IncompleteAnalysis {
  std::string Check;
  std::string Function;
  SourcePos Pos; ///< where the function is defined (Offset unset)
  std::string Reason;
};

struct FileOutcome {
  std::string File;                     ///< As the user named it, absolute.
  bool Failed = false;                  ///< The translation unit had errors.
  std::vector<Finding> CompilerErrors;  ///< Why it failed.
  std::vector<IncompleteAnalysis> Incomplete;
};

struct Report {
  std::vector<Finding> Findings; ///< Sorted by file, line, column; unique.
  std::vector<FileOutcome> Files;
  /// Findings left out because --baseline lists their fingerprints.
  unsigned SuppressedByBaseline = 0;
  /// Findings left out by --diff (not on a changed line).
  unsigned OutsideDiff = 0;

  unsigned filesFailed() const;
  std::map<std::string, unsigned> countsByCheck() const;
};

/// Source lines for rendering, each file read once per report.
class SourceLines {
public:
  /// Line \p Line (1-based) of \p File, without its newline; empty if
  /// unavailable.
  std::string line(const std::string &File, unsigned Line);
  /// The whole text of \p File; empty if unreadable.
  llvm::StringRef text(const std::string &File);

private:
  struct Source {
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<size_t> Starts; ///< Offset of each line; built on demand.
  };
  Source &load(const std::string &File);
  std::map<std::string, Source> Files;
};

/// Paths as the repository sees them: symlinks resolved, relative to a
/// root directory (the git top level, or --sarif-root).
class RepoPaths {
public:
  /// \p Root is made absolute and resolved; empty: no root (every path is
  /// outside).
  explicit RepoPaths(const std::string &Root);
  /// The directory relative paths are based on, resolved, without a
  /// trailing '/'.
  const std::string &root() const { return Root; }
  /// \p File with every symlink resolved (itself if it cannot be).
  std::string real(const std::string &File) const;
  /// The resolved \p File relative to the root ('/'-separated), or empty
  /// when it is outside.
  std::string relative(const std::string &File) const;

private:
  std::string Root;
  mutable std::map<std::string, std::string> Cache;
};

/// Gives every finding of \p R its fingerprint (Finding::Fingerprint): the
/// hash of tool/Fingerprint.h over the repository-relative path (absolute
/// when outside the root) and the reported line, numbered per hash in
/// report order.
void assignFingerprints(Report &R, const RepoPaths &Paths);

/// Renders \p R as clang prints diagnostics: location, level, message and
/// check name, the source line with a caret, fix-its and notes; with
/// \p Color, in clang's colours (ANSI escapes).
void renderText(const Report &R, llvm::raw_ostream &OS, bool Color = false);

/// The one-sentence summary of \p Check from its doc page; null if unknown.
const char *checkSummary(llvm::StringRef Check);

/// Renders --list-checks --format=json: every check of \p All with its
/// summary, documentation link and whether it is in \p Enabled.
void renderCheckList(const std::vector<std::string> &All,
                     const std::vector<std::string> &Enabled,
                     llvm::raw_ostream &OS);

/// Renders \p R as the versioned JSON document of docs/json-output.md.
void renderJson(const Report &R, llvm::raw_ostream &OS);

struct SarifOptions {
  /// Every check the tool knows, in the order of tool.driver.rules.
  std::vector<std::string> RuleIds;
  /// runAutomationDetails.id's category (--sarif-category); empty: none.
  std::string Category;
};

/// Renders \p R as one SARIF 2.1.0 document, as GitHub code scanning reads
/// it: artifact URIs relative to \p Paths' root (%SRCROOT%), files outside
/// it as absolute file URIs, columns in UTF-16 code units.
void renderSarif(const Report &R, llvm::raw_ostream &OS,
                 const SarifOptions &Options, const RepoPaths &Paths);

/// Renders \p R as a GitLab code quality report (Code Climate issues).
void renderCodeClimate(const Report &R, llvm::raw_ostream &OS,
                       const RepoPaths &Paths);

} // namespace weakcheck

#endif
