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
};

struct FileOutcome {
  std::string File;                     ///< As the user named it, absolute.
  bool Failed = false;                  ///< The translation unit had errors.
  std::vector<Finding> CompilerErrors;  ///< Why it failed.
};

struct Report {
  std::vector<Finding> Findings; ///< Sorted by file, line, column; unique.
  std::vector<FileOutcome> Files;

  unsigned filesFailed() const;
  std::map<std::string, unsigned> countsByCheck() const;
};

/// Source lines for rendering, each file read once per report.
class SourceLines {
public:
  /// Line \p Line (1-based) of \p File, without its newline; empty if
  /// unavailable.
  std::string line(const std::string &File, unsigned Line);

private:
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Files;
};

/// Renders \p R as clang prints diagnostics: location, level, message and
/// check name, the source line with a caret, fix-its and notes.
void renderText(const Report &R, llvm::raw_ostream &OS);

/// Renders \p R as the versioned JSON document of docs/json-output.md.
void renderJson(const Report &R, llvm::raw_ostream &OS);

struct SarifOptions {
  /// Absolute directory that relative artifact URIs are based on
  /// (%SRCROOT%); files outside it get absolute file URIs.
  std::string SrcRoot;
  /// Every check the tool knows, in the order of tool.driver.rules.
  std::vector<std::string> RuleIds;
};

/// Renders \p R as one SARIF 2.1.0 document.
void renderSarif(const Report &R, llvm::raw_ostream &OS,
                 const SarifOptions &Options);

} // namespace weakcheck

#endif
