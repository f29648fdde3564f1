//===-- Analyzer.h - run the weakref checks over translation units -*- C++ -*-===//
//
// The part of weakcheck shared by the CLI and the check tests: build the
// clang-tidy options from defaults, discovered .clang-tidy files, --config and
// the command line; validate them; run the checks on one translation unit at
// a time through clang-tidy's own driver (runClangTidy), so NOLINT, options
// and fix-its behave exactly as in clang-tidy.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TOOL_ANALYZER_H
#define WEAKCHECK_TOOL_ANALYZER_H

#include "Report.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weakcheck {

/// What the user asked for on the command line (or a test in code).
struct AnalyzerConfig {
  std::optional<std::string> Checks;           ///< --checks
  std::optional<std::string> WarningsAsErrors; ///< --warnings-as-errors
  std::optional<std::string> HeaderFilter;     ///< --header-filter
  std::optional<std::string> ConfigText;       ///< --config or --config-file
  std::string ConfigSource = "--config";       ///< names ConfigText in errors
  std::string ResourceDir; ///< Clang's resource dir; empty: built-in default.
  std::vector<std::string> ExtraArgs;       ///< --extra-arg
  std::vector<std::string> ExtraArgsBefore; ///< --extra-arg-before
  std::optional<std::string> ExcludeHeaderFilter; ///< --exclude-header-filter
  std::optional<bool> SystemHeaders;        ///< --system-headers
  std::optional<std::string> FormatStyle;   ///< --format-style
  std::string LineFilter; ///< --line-filter, clang-tidy's JSON; empty: none
  bool FixNotes = false;  ///< --fix-notes: fix-its of notes count too
  bool EnableCheckProfile = false; ///< per-check timings on stderr
  /// Skip the checks whose keywords (checks/utils/Keywords.h) do not occur
  /// in a translation unit, and matching altogether when none is left.
  bool Prefilter = true;
};

/// What the pre-filter did in one translation unit.
struct PrefilterOutcome {
  unsigned Enabled = 0; ///< checks enabled for the unit
  unsigned Ran = 0;     ///< of them, matched (0: no AST traversal at all)
  std::vector<std::string> Skipped; ///< names of the checks skipped
};

/// The outcome of analysing one translation unit.
struct FileRun {
  std::string File; ///< Absolute.
  std::vector<clang::tidy::ClangTidyError> Errors;
  PrefilterOutcome Prefilter;
  /// Functions a check did not analyse fully (checks/utils/AnalysisCoverage.h).
  std::vector<IncompleteAnalysis> Incomplete;
};

class Analyzer {
public:
  /// Builds an analyzer; on a config that does not parse, returns null and
  /// sets \p Error.
  static std::unique_ptr<Analyzer> create(AnalyzerConfig Config,
                                          std::string &Error);

  /// The clang-tidy options that apply to \p File.
  clang::tidy::ClangTidyOptions optionsFor(llvm::StringRef File) const;

  /// Names of the weakref checks enabled for \p File, sorted.
  std::vector<std::string> enabledChecks(llvm::StringRef File) const;

  /// Every weakref check this build knows, sorted.
  static std::vector<std::string> allChecks();

  /// Checks the configuration that applies to \p Files: every .clang-tidy on
  /// the way up parses, every weakref-* CheckOptions key names a real option,
  /// every positive weakref --checks glob matches a check (globs of other
  /// tools' checks are left alone), and, with \p RequireChecks, at least one
  /// check is enabled. Returns false and sets \p Error otherwise.
  bool validate(llvm::ArrayRef<std::string> Files, std::string &Error,
                bool RequireChecks = true) const;

  /// Why no check runs on \p File (for a file with no check enabled).
  std::string noChecksMessage(llvm::StringRef File) const;

  /// Runs the enabled checks on \p File (absolute) with its command from
  /// \p DB. Never stops the process; compiler errors come back as
  /// clang-diagnostic-error entries.
  FileRun analyze(const std::string &File,
                  const clang::tooling::CompilationDatabase &DB) const;

private:
  explicit Analyzer(AnalyzerConfig Config) : Config(std::move(Config)) {}
  std::unique_ptr<clang::tidy::ClangTidyOptionsProvider> makeProvider() const;

  AnalyzerConfig Config;
  clang::tidy::ClangTidyOptions ParsedConfig;
  clang::tidy::ClangTidyGlobalOptions Global; ///< the parsed line filter
};

/// Turns raw runs into a sorted, de-duplicated report (a header included by
/// several files reports each finding once).
Report buildReport(const std::vector<FileRun> &Runs);

/// The resource directory of the Clang this tool was built against.
std::string defaultResourceDir();

} // namespace weakcheck

#endif
