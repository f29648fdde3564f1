//===-- WeakcheckMain.cpp - the weakcheck command-line tool --------------===//
//
// weakcheck [options] <file>... [-- <compiler args>]
//
// Exit status: 0 no findings; 1 findings; 2 the tool could not do its job
// (bad option or configuration, unreadable compilation database, a missing or
// unreadable input, an output that cannot be written, or a translation unit
// that failed to compile: the others are still analysed and reported, or a
// report that cannot be written); 128 + signal when SIGINT, SIGTERM or SIGHUP
// interrupts the run (temporary files removed). How outputs are written:
// OutputFile.h.
//
//===----------------------------------------------------------------------===//

#include "Analyzer.h"
#include "Baseline.h"
#include "Git.h"
#include "OutputFile.h"
#include "Report.h"
#include "Version.h"
#include "clang/Format/Format.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Core/Replacement.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "clang-tidy/ClangTidy.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

using namespace clang::tooling;
using namespace llvm;

namespace {

enum ExitStatus { ExitClean = 0, ExitFindings = 1, ExitToolError = 2 };

cl::OptionCategory Category("weakcheck options");

cl::list<std::string> SourcePaths(cl::Positional, cl::desc("<file>..."),
                                  cl::cat(Category));
cl::opt<std::string> BuildPath(
    "p", cl::value_desc("build-dir"),
    cl::desc("Directory holding compile_commands.json (or the file itself).\n"
             "With no files given, every file in it is checked."),
    cl::cat(Category));
cl::opt<std::string> Checks(
    "checks", cl::value_desc("globs"),
    cl::desc("Comma-separated globs of checks to run, applied after the\n"
             "configuration files (default: weakref-*)"),
    cl::cat(Category));
cl::opt<std::string> WarningsAsErrors(
    "warnings-as-errors", cl::value_desc("globs"),
    cl::desc("Report findings of matching checks as errors"),
    cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter", cl::value_desc("regex"),
    cl::desc("Report findings in headers whose path matches (default: none;\n"
             "findings in the main file are always reported)"),
    cl::cat(Category));
cl::opt<std::string> Config(
    "config", cl::value_desc("yaml"),
    cl::desc("Configuration in .clang-tidy YAML form, e.g.\n"
             "\"{Checks: 'weakref-*', CheckOptions: {...}}\"; replaces\n"
             ".clang-tidy discovery"),
    cl::cat(Category));
cl::opt<std::string> ConfigFile(
    "config-file", cl::value_desc("path"),
    cl::desc("Read the configuration from this file instead of discovering\n"
             ".clang-tidy files"),
    cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit"),
                         cl::cat(Category));
enum class OutputFormat { Text, Json, Sarif, CodeClimate };
// A string, not an enum option: LLVM prints enum errors itself, over our
// one-line message.
cl::opt<std::string> FormatName(
    "format", cl::value_desc("text|json|sarif|codeclimate"),
    cl::desc("Output format: clang-style text (default), one JSON document\n"
             "(docs/json-output.md), SARIF 2.1.0 or a GitLab code quality\n"
             "report (docs/ci.md)"),
    cl::init("text"), cl::cat(Category));
// Adopting weakcheck on an existing code base (docs/ci.md).
cl::opt<std::string> DiffRev(
    "diff", cl::value_desc("git-rev"), cl::ValueOptional,
    cl::desc("Report only findings on lines changed since <git-rev> (a note\n"
             "on a changed line counts too); only changed files are\n"
             "analysed. Default: the merge base with the upstream branch, or\n"
             "the staged changes when run from a pre-commit hook"),
    cl::cat(Category));
cl::opt<std::string> BaselinePath(
    "baseline", cl::value_desc("file"),
    cl::desc("Leave out the findings of this earlier JSON or SARIF report"),
    cl::cat(Category));
cl::opt<std::string> WriteBaselinePath(
    "write-baseline", cl::value_desc("file"),
    cl::desc("Also write this run's findings (before --baseline) as a\n"
             "baseline for --baseline"),
    cl::cat(Category));
cl::opt<std::string> SarifRoot(
    "sarif-root", cl::value_desc("dir"),
    cl::desc("Directory that report paths are relative to (SARIF %SRCROOT%,\n"
             "code quality paths, fingerprints); default: the git top level,\n"
             "else the working directory"),
    cl::cat(Category));
cl::opt<std::string> SarifCategory(
    "sarif-category", cl::value_desc("id"),
    cl::desc("SARIF runAutomationDetails id (GitHub's analysis category)"),
    cl::cat(Category));
cl::opt<std::string> OutputPath(
    "output", cl::value_desc("file"),
    cl::desc("Write the report to this file (written whole or not at all)"),
    cl::cat(Category));
cl::opt<unsigned> Jobs(
    "j", cl::value_desc("N"),
    cl::desc("Analyse N translation units in parallel (default: all cores)"),
    cl::init(0), cl::Prefix, cl::cat(Category));
cl::opt<bool> Fix("fix",
                  cl::desc("Apply the fix-its of the findings (not in files of\n"
                           "translation units that failed to compile)"),
                  cl::cat(Category));
cl::opt<bool> FixErrors(
    "fix-errors",
    cl::desc("Like --fix, and also apply fix-its found in translation units\n"
             "that failed to compile"),
    cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes", cl::value_desc("yaml"),
    cl::desc("Write the fix-its as YAML for clang-apply-replacements"),
    cl::cat(Category));
cl::opt<bool> EnableCheckProfile(
    "enable-check-profile",
    cl::desc("Print the time each check takes, per translation unit, to stderr"),
    cl::cat(Category));
// A string, parsed below: LLVM's own message for a bad number is not ours.
cl::opt<std::string> TimeoutArg(
    "timeout", cl::value_desc("seconds"),
    cl::desc("Give up a translation unit whose analysis takes longer: it is\n"
             "reported as not analysed (exit 2) and the others go on\n"
             "(default: no limit)"),
    cl::cat(Category));
cl::opt<bool> Prefilter(
    "prefilter", cl::init(true),
    cl::desc("Skip checks whose API names never occur in a translation unit\n"
             "(default: on; --prefilter=false to measure without it)"),
    cl::cat(Category), cl::Hidden);
cl::opt<bool> Quiet("quiet", cl::desc("Do not print the summary to stderr"),
                    cl::cat(Category));

// clang-tidy's options, with clang-tidy's meaning (clang-tidy --help). Any of
// them on the command line makes weakcheck exit as clang-tidy does (see
// --exit-status).
cl::list<std::string> ExtraArgs(
    "extra-arg", cl::value_desc("flag"),
    cl::desc("Append this flag to every compile command"), cl::cat(Category));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before", cl::value_desc("flag"),
    cl::desc("Insert this flag after the compiler's name in every compile\n"
             "command"),
    cl::cat(Category));
cl::opt<std::string> LineFilter(
    "line-filter", cl::value_desc("json"),
    cl::desc("Report only findings on these lines, e.g.\n"
             "'[{\"name\":\"file.cpp\",\"lines\":[[1,3],[7,7]]}]'"),
    cl::cat(Category));
cl::opt<std::string> ExcludeHeaderFilter(
    "exclude-header-filter", cl::value_desc("regex"),
    cl::desc("Do not report findings in headers whose path matches, even if\n"
             "--header-filter matches"),
    cl::cat(Category));
cl::opt<bool> SystemHeaders("system-headers",
                            cl::desc("Report findings in system headers too"),
                            cl::cat(Category));
cl::opt<bool> UseColor(
    "use-color",
    cl::desc("Colour the text report (default: when stdout is a terminal)"),
    cl::cat(Category));
cl::opt<bool> DumpConfig(
    "dump-config",
    cl::desc("Print the configuration in effect for the first file (or the\n"
             "working directory) as .clang-tidy YAML and exit"),
    cl::cat(Category));
cl::opt<bool> VerifyConfig(
    "verify-config",
    cl::desc("Check the configuration (checks, options, .clang-tidy files)\n"
             "and exit"),
    cl::cat(Category));
cl::opt<bool> AllowNoChecks(
    "allow-no-checks",
    cl::desc("A configuration that enables no weakref check is not an error:\n"
             "the files are skipped with a note"),
    cl::cat(Category));
cl::opt<bool> FixNotes(
    "fix-notes",
    cl::desc("With --fix, --export-fixes: also use fix-its that notes offer\n"
             "(the first one of each finding)"),
    cl::cat(Category));
cl::opt<std::string> FormatStyle(
    "format-style", cl::value_desc("style"),
    cl::desc("Format the code around applied fix-its: none (default), file,\n"
             "llvm, google, ... or '{key: value}' (FormatStyle in\n"
             ".clang-tidy sets it too)"),
    cl::cat(Category));
cl::opt<std::string> ExitStatusMode(
    "exit-status", cl::value_desc("weakcheck|clang-tidy"),
    cl::desc("weakcheck: 0 clean, 1 findings, 2 could not do its job (the\n"
             "default); clang-tidy: 0 unless a compile error, a finding\n"
             "turned into an error, or a tool error (1), as clang-tidy. The\n"
             "default is clang-tidy's when weakcheck is invoked as clang-tidy\n"
             "or with an option only clang-tidy has"),
    cl::cat(Category));
cl::opt<bool> AllowAlphaCheckers(
    "allow-enabling-analyzer-alpha-checkers",
    cl::desc("Accepted for clang-tidy callers; weakcheck runs no analyzer"),
    cl::cat(Category), cl::Hidden);
cl::list<std::string> LoadPlugins("load", cl::cat(Category), cl::Hidden);

cl::opt<std::string> ResourceDir(
    "resource-dir", cl::value_desc("dir"),
    cl::desc("Clang resource directory (default: the one weakcheck was\n"
             "built against)"),
    cl::cat(Category), cl::Hidden);

/// Exit statuses as clang-tidy's (see --exit-status).
bool ClangTidyExitStatus = false;

int fail(const Twine &Message) {
  errs() << "weakcheck: error: " << Message << "\n";
  return ClangTidyExitStatus ? 1 : ExitToolError;
}

/// Decides --exit-status before the command line is parsed, so that even a
/// bad option exits as the caller expects. A clang-tidy caller is told apart
/// by a program name starting with "clang-tidy", an option only clang-tidy
/// has, or a long option spelt with one dash as clang-tidy documents them
/// (run-clang-tidy passes "-p=build -quiet").
bool wantsClangTidyExitStatus(int argc, const char **argv) {
  static const char *const ClangTidyOnly[] = {
      "extra-arg", "extra-arg-before", "line-filter", "exclude-header-filter",
      "system-headers", "use-color", "dump-config", "verify-config",
      "allow-no-checks", "fix-errors", "fix-notes", "format-style",
      "allow-enabling-analyzer-alpha-checkers", "load"};
  bool Result = sys::path::filename(argv[0]).starts_with("clang-tidy");
  for (int I = 1; I < argc; ++I) {
    StringRef Arg(argv[I]);
    if (Arg == "--")
      break;
    if (!Arg.consume_front("-"))
      continue;
    bool SingleDash = !Arg.consume_front("-");
    auto [Name, Value] = Arg.split('=');
    // clang-tidy's own spelling of a long option, "-checks=", "-p=build",
    // "-quiet" (weakcheck documents "--checks"); "-j4" is weakcheck's.
    if (SingleDash && Name.size() > 1 &&
        !(Name[0] == 'j' && llvm::all_of(Name.drop_front(), llvm::isDigit)))
      Result = true;
    if (Name == "exit-status") {
      if (Value.empty() && I + 1 < argc)
        Value = argv[I + 1];
      return Value == "clang-tidy";
    }
    if (llvm::is_contained(ClangTidyOnly, Name))
      Result = true;
  }
  return Result;
}

/// CMake's CMAKE_<LANG>_CLANG_TIDY passes the whole compile command after
/// "--" (compiler, -c, -o x.o, -MD -MF x.d, the source). As clang-tidy's
/// default argument adjusters do, drop what only a real compilation needs
/// before the driver sees the command: the driver would otherwise reject
/// "-o" for two inputs (the source and the one it adds itself).
std::vector<const char *> withoutOutputFlags(int argc, const char **argv) {
  std::vector<const char *> Args(argv, argv + argc);
  auto DoubleDash = std::find_if(Args.begin(), Args.end(), [](const char *A) {
    return StringRef(A) == "--";
  });
  if (DoubleDash == Args.end())
    return Args;
  std::vector<const char *> Result(Args.begin(), DoubleDash + 1);
  for (auto It = DoubleDash + 1; It != Args.end(); ++It) {
    StringRef A(*It);
    if (A == "-o" || A == "-MF" || A == "-MT" || A == "-MQ" || A == "-MJ" ||
        A == "--serialize-diagnostics") {
      if (It + 1 != Args.end())
        ++It;
      continue;
    }
    if ((A.starts_with("-o") && !A.starts_with("-obj")) ||
        A.starts_with("-MF") || A.starts_with("-MT") || A.starts_with("-MQ") ||
        A.starts_with("-MJ") || A == "-MD" || A == "-MMD" || A == "-M" ||
        A == "-MM" || A == "-MG" || A == "-MP")
      continue;
    Result.push_back(*It);
  }
  return Result;
}

std::string absolute(StringRef Path) {
  SmallString<256> Abs(Path);
  sys::fs::make_absolute(Abs);
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

/// A C or C++ header by its extension.
bool isHeader(StringRef File) {
  StringRef Ext = sys::path::extension(File);
  return llvm::is_contained({".h", ".hh", ".hpp", ".hxx", ".h++", ".H", ".inl",
                             ".ipp", ".tcc", ".inc"},
                            Ext);
}

bool isCompilerError(const clang::tidy::ClangTidyError &E) {
  return E.DiagLevel == clang::tooling::Diagnostic::Error &&
         StringRef(E.DiagnosticName).starts_with("clang-diagnostic-");
}

/// An input must be a readable regular file with text in it.
bool checkInput(const std::string &File, std::string &Error) {
  sys::fs::file_status Status;
  if (std::error_code EC = sys::fs::status(File, Status)) {
    Error = "cannot read source file '" + File + "': " + EC.message();
    return false;
  }
  if (sys::fs::is_directory(Status)) {
    Error = "'" + File + "' is a directory, not a source file";
    return false;
  }
  if (!sys::fs::is_regular_file(Status)) {
    Error = "'" + File + "' is not a regular file";
    return false;
  }
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer) {
    Error = "cannot read source file '" + File +
            "': " + Buffer.getError().message();
    return false;
  }
  StringRef Head = (*Buffer)->getBuffer().take_front(64 * 1024);
  if (Head.contains('\0')) {
    Error = "'" + File + "' is a binary file, not a source file";
    return false;
  }
  return true;
}

std::unique_ptr<CompilationDatabase> loadDatabase(StringRef Path,
                                                  std::string &Error) {
  SmallString<256> JsonPath(Path);
  if (sys::fs::is_directory(JsonPath))
    sys::path::append(JsonPath, "compile_commands.json");
  if (!sys::fs::exists(JsonPath)) {
    Error = "no compilation database at '" + std::string(JsonPath) +
            "' (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)";
    return nullptr;
  }
  std::string LoadError;
  std::unique_ptr<CompilationDatabase> DB = JSONCompilationDatabase::loadFromFile(
      JsonPath, LoadError, JSONCommandLineSyntax::AutoDetect);
  if (!DB) {
    Error = "cannot load compilation database '" + std::string(JsonPath) +
            "': " + LoadError;
    return nullptr;
  }
  // Files missing from the database borrow the command of a similar one, as
  // clang-tidy and clangd do.
  return inferTargetAndDriverMode(
      inferMissingCompileCommands(expandResponseFiles(
          std::move(DB), llvm::vfs::getRealFileSystem())));
}

/// --timeout in seconds; 0: no limit.
double Timeout = 0;

/// --timeout as the user wrote it ("2", "0.5").
std::string TimeoutText() { return TimeoutArg; }

/// Set when a translation unit ran over --timeout: its thread still runs,
/// so the process ends with _exit, not by destroying what it uses.
std::atomic<bool> AbandonedWork{false};

/// Analyses every file, \p Jobs at a time; the result is in \p Files order
/// whatever the scheduling. A one-line progress indicator goes to stderr
/// when it is a terminal. With --timeout, a unit that runs longer is given
/// up (reported as not analysed) and a fresh worker takes its place; its
/// thread is left running, and \p A and \p DB must then outlive the
/// process (the caller leaks them).
std::vector<weakcheck::FileRun> analyzeAll(const weakcheck::Analyzer &A,
                                           const CompilationDatabase &DB,
                                           const std::vector<std::string> &Files) {
  enum class State { Waiting, Running, Done, TimedOut };
  // Shared with threads that may outlive this call.
  struct Work {
    std::vector<std::string> Files;
    std::vector<weakcheck::FileRun> Runs;
    std::vector<State> States;
    std::vector<std::chrono::steady_clock::time_point> Started;
    std::atomic<size_t> Next{0};
    std::mutex M;
    std::condition_variable Changed;
    size_t Finished = 0;
  };
  auto W = std::make_shared<Work>();
  W->Files = Files;
  W->Runs.resize(Files.size());
  W->States.assign(Files.size(), State::Waiting);
  W->Started.resize(Files.size());
  unsigned Threads = Jobs ? unsigned(Jobs) : std::thread::hardware_concurrency();
  Threads = std::max(1u, std::min<unsigned>(Threads, Files.size()));
  bool Progress = !Quiet && Files.size() > 1 && sys::Process::StandardErrIsDisplayed();
  auto Worker = [W, &A, &DB, Progress] {
    for (size_t I; (I = W->Next++) < W->Files.size();) {
      {
        std::lock_guard<std::mutex> Lock(W->M);
        W->States[I] = State::Running;
        W->Started[I] = std::chrono::steady_clock::now();
      }
      weakcheck::FileRun Run = A.analyze(W->Files[I], DB);
      std::lock_guard<std::mutex> Lock(W->M);
      if (W->States[I] != State::Running)
        return; // given up: a replacement took this worker's place
      W->Runs[I] = std::move(Run);
      W->States[I] = State::Done;
      ++W->Finished;
      if (Progress) {
        errs() << "\r\x1b[K[" << W->Finished << "/" << W->Files.size() << "] "
               << sys::path::filename(W->Files[I]);
        errs().flush();
      }
      W->Changed.notify_all();
    }
  };
  std::vector<std::thread> Pool;
  if (Timeout <= 0) {
    for (unsigned T = 1; T < Threads; ++T)
      Pool.emplace_back(Worker);
    Worker();
    for (std::thread &T : Pool)
      T.join();
  } else {
    for (unsigned T = 0; T < Threads; ++T)
      Pool.emplace_back(Worker);
    auto Limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(Timeout));
    std::unique_lock<std::mutex> Lock(W->M);
    while (W->Finished < W->Files.size()) {
      W->Changed.wait_for(Lock, std::chrono::milliseconds(100));
      auto Now = std::chrono::steady_clock::now();
      for (size_t I = 0; I < W->Files.size(); ++I) {
        if (W->States[I] != State::Running || Now - W->Started[I] < Limit)
          continue;
        W->States[I] = State::TimedOut;
        ++W->Finished;
        AbandonedWork = true;
        weakcheck::FileRun &Run = W->Runs[I];
        Run.File = W->Files[I];
        clang::tidy::ClangTidyError E("clang-diagnostic-error",
                                      clang::tooling::Diagnostic::Error, "",
                                      false);
        E.Message.Message = "not analysed: the analysis took longer than "
                            "--timeout=" +
                            TimeoutText() + "s";
        E.Message.FilePath = W->Files[I];
        Run.Errors.push_back(std::move(E));
        errs() << (Progress ? "\r\x1b[K" : "") << "weakcheck: error: '"
               << W->Files[I] << "' not analysed: over the time limit (--timeout="
               << TimeoutText() << ")\n";
        Pool.emplace_back(Worker); // take the stuck worker's place
      }
    }
    Lock.unlock();
    for (std::thread &T : Pool)
      T.detach(); // idle ones end at once; a stuck one is left behind
  }
  if (Progress)
    errs() << "\r\x1b[K";
  std::lock_guard<std::mutex> Lock(W->M);
  return W->Runs;
}

/// The fix-its of every finding, once each, as clang-apply-replacements
/// reads them; with \p Reported, only those of the findings it holds (what
/// --diff and --baseline left in the report).
void exportFixes(const std::vector<weakcheck::FileRun> &Runs,
                 const weakcheck::Report *Reported, raw_ostream &OS) {
  using Key = std::tuple<std::string, std::string, unsigned, std::string>;
  std::set<Key> Keep;
  if (Reported)
    for (const weakcheck::Finding &F : Reported->Findings)
      Keep.insert({F.Check, F.Main.Span.Begin.File, F.Main.Span.Begin.Offset,
                   F.Main.Text});
  std::vector<clang::tidy::ClangTidyError> Errors;
  std::set<Key> Seen;
  for (const weakcheck::FileRun &Run : Runs)
    for (const clang::tidy::ClangTidyError &E : Run.Errors) {
      if (StringRef(E.DiagnosticName).starts_with("clang-diagnostic-"))
        continue;
      if (!Seen.insert({E.DiagnosticName, E.Message.FilePath, E.Message.FileOffset,
                        E.Message.Message})
               .second)
        continue;
      if (Reported) {
        SmallString<256> File(E.Message.FilePath);
        if (!sys::path::is_absolute(File)) { // as buildReport resolves it
          if (E.BuildDirectory.empty()) {
            sys::fs::make_absolute(File);
          } else {
            File = E.BuildDirectory;
            sys::path::append(File, E.Message.FilePath);
          }
        }
        sys::path::remove_dots(File, /*remove_dot_dot=*/true);
        if (!Keep.count({E.DiagnosticName, std::string(File),
                         E.Message.FileOffset, E.Message.Message}))
          continue;
      }
      Errors.push_back(E);
    }
  clang::tidy::exportReplacements(Runs.empty() ? "" : Runs.front().File, Errors, OS);
}

/// Applies \p Fixes to \p Text (the contents of \p File), then cleans up
/// and formats the changed code in \p Style, as clang-tidy's --format-style.
bool formatFixes(const std::string &File, std::string &Text,
                 const std::vector<const weakcheck::FixReplacement *> &Fixes,
                 StringRef Style, std::string &Error) {
  clang::tooling::Replacements Replacements;
  for (const auto *Fix : Fixes)
    if (llvm::Error E = Replacements.add(clang::tooling::Replacement(
            File, Fix->Span.Begin.Offset, Fix->Length, Fix->Text))) {
      Error = "cannot combine the fix-its of '" + File +
              "': " + llvm::toString(std::move(E));
      return false;
    }
  llvm::Expected<clang::format::FormatStyle> FormatStyle =
      clang::format::getStyle(Style, File, "none", Text);
  if (!FormatStyle) {
    Error = "invalid format style '" + Style.str() + "' for '" + File +
            "': " + llvm::toString(FormatStyle.takeError());
    return false;
  }
  llvm::Expected<clang::tooling::Replacements> Cleaned =
      clang::format::cleanupAroundReplacements(Text, Replacements, *FormatStyle);
  if (!Cleaned) {
    Error = "cannot clean up the fix-its of '" + File +
            "': " + llvm::toString(Cleaned.takeError());
    return false;
  }
  llvm::Expected<clang::tooling::Replacements> Formatted =
      clang::format::formatReplacements(Text, *Cleaned, *FormatStyle);
  if (!Formatted) {
    Error = "cannot format the fix-its of '" + File +
            "': " + llvm::toString(Formatted.takeError());
    return false;
  }
  llvm::Expected<std::string> Result =
      clang::tooling::applyAllReplacements(Text, *Formatted);
  if (!Result) {
    Error = "cannot apply the fix-its of '" + File +
            "': " + llvm::toString(Result.takeError());
    return false;
  }
  Text = std::move(*Result);
  return true;
}

/// Applies the findings' fix-its to the files, each file rewritten whole or
/// not at all. Overlapping fix-its: the first (in file order) wins and the
/// others are reported and skipped.
bool applyFixes(const weakcheck::Report &R, const weakcheck::Analyzer &A,
                unsigned &Applied, unsigned &Changed, std::string &Error) {
  std::map<std::string, std::vector<const weakcheck::FixReplacement *>> ByFile;
  for (const weakcheck::Finding &F : R.Findings)
    for (const weakcheck::FixReplacement &Fix : F.Fixes)
      ByFile[Fix.Span.Begin.File].push_back(&Fix);
  for (auto &[File, Fixes] : ByFile) {
    llvm::sort(Fixes, [](const auto *A, const auto *B) {
      return std::tie(A->Span.Begin.Offset, A->Length, A->Text) <
             std::tie(B->Span.Begin.Offset, B->Length, B->Text);
    });
    auto Buffer = MemoryBuffer::getFile(File);
    if (!Buffer) {
      Error = "cannot read '" + File + "' to fix it: " + Buffer.getError().message();
      return false;
    }
    std::string Text = (*Buffer)->getBuffer().str();
    std::vector<const weakcheck::FixReplacement *> Kept;
    for (const auto *Fix : Fixes) {
      if (!Kept.empty()) {
        const auto *Last = Kept.back();
        if (Last->Span.Begin.Offset == Fix->Span.Begin.Offset &&
            Last->Length == Fix->Length && Last->Text == Fix->Text)
          continue; // the same fix from two translation units
        if (Fix->Span.Begin.Offset < Last->Span.Begin.Offset + Last->Length) {
          errs() << "weakcheck: warning: skipped a fix-it at " << File << ":"
                 << Fix->Span.Begin.Line << ":" << Fix->Span.Begin.Column
                 << " that overlaps another\n";
          continue;
        }
      }
      if (Fix->Span.Begin.Offset + Fix->Length > Text.size()) {
        Error = "fix-it outside '" + File + "' (did it change during the run?)";
        return false;
      }
      Kept.push_back(Fix);
    }
    std::string Style = A.optionsFor(File).FormatStyle.value_or("none");
    if (Style != "none") {
      // As clang-tidy's --format-style: clean up and format around the
      // fix-its with clang-format.
      if (!formatFixes(File, Text, Kept, Style, Error))
        return false;
    } else {
      for (auto It = Kept.rbegin(); It != Kept.rend(); ++It)
        Text.replace((*It)->Span.Begin.Offset, (*It)->Length, (*It)->Text);
    }
    // A symlinked source: its target is rewritten and the link stays.
    weakcheck::OutputFile Sink;
    if (!Sink.open(File, Error) || !Sink.write(Text, Error))
      return false;
    Applied += Kept.size();
    ++Changed;
  }
  return true;
}

/// --diff: keeps the findings whose location, or one of whose notes, is on
/// a changed line.
void keepChangedLines(weakcheck::Report &R, const weakcheck::ChangedLines &Changed,
                      const weakcheck::RepoPaths &Paths) {
  auto OnChangedLine = [&](const weakcheck::Message &M) {
    return !M.Span.Begin.File.empty() &&
           Changed.touches(Paths.real(M.Span.Begin.File), M.Span.Begin.Line);
  };
  size_t Before = R.Findings.size();
  llvm::erase_if(R.Findings, [&](const weakcheck::Finding &F) {
    return !OnChangedLine(F.Main) && llvm::none_of(F.Notes, OnChangedLine);
  });
  R.OutsideDiff += Before - R.Findings.size();
}

void printVersion(raw_ostream &OS) {
  OS << "weakcheck version " << WEAKCHECK_VERSION << " (Clang "
     << WEAKCHECK_CLANG_VERSION << ")\n";
}

} // namespace

int weakcheckMain(int argc, const char **argv);

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  int Status = weakcheckMain(argc, argv);
  if (AbandonedWork) {
    // A unit over --timeout is still being analysed by a thread that uses
    // the process's statics: leave without destroying them.
    outs().flush();
    errs().flush();
    ::_exit(Status);
  }
  return Status;
}

int weakcheckMain(int argc, const char **argv) {
  Timeout = 0; // the CLI fuzz target calls this again and again
  weakcheck::installSignalHandlers();
  ClangTidyExitStatus = wantsClangTidyExitStatus(argc, argv);

  // Everything after "--" is the compile command for every file.
  std::vector<const char *> Stripped = withoutOutputFlags(argc, argv);
  argv = Stripped.data();
  int Argc = int(Stripped.size());
  std::string FixedError;
  std::unique_ptr<FixedCompilationDatabase> FixedDB =
      FixedCompilationDatabase::loadFromCommandLine(Argc, argv, FixedError);
  if (!FixedError.empty()) {
    // The driver's messages, one line: "error: unknown argument: '-x'\n".
    SmallVector<StringRef> Lines;
    StringRef(FixedError).split(Lines, '\n', -1, false);
    std::string Joined;
    for (StringRef Line : Lines) {
      Line = Line.trim();
      Line.consume_front("error: ");
      Joined += (Joined.empty() ? "" : "; ") + Line.str();
    }
    return fail("invalid compiler arguments after '--': " + Joined);
  }

  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter(printVersion);
  std::string ParseErrors;
  raw_string_ostream ParseErrorStream(ParseErrors);
  if (!cl::ParseCommandLineOptions(
          Argc, argv,
          "weakcheck: finds misuse of weak references in C and C++\n\n"
          "  weakcheck [options] <file>... [-- <compiler args>]\n"
          "  weakcheck -p <build-dir> [<file>...]\n",
          &ParseErrorStream)) {
    // LLVM's parser explains over several lines; one is enough here.
    StringRef First = StringRef(ParseErrorStream.str()).split('\n').first;
    if (First.empty()) // LLVM already printed the error itself.
      return ClangTidyExitStatus ? 1 : ExitToolError;
    First.consume_front(sys::path::filename(argv[0]));
    First.consume_front(": ");
    return fail(First.rtrim() + " (see --help)");
  }

  if (ExitStatusMode.getNumOccurrences() && ExitStatusMode != "weakcheck" &&
      ExitStatusMode != "clang-tidy")
    return fail("unknown --exit-status '" + ExitStatusMode +
                "'; use weakcheck or clang-tidy");
  if (TimeoutArg.getNumOccurrences() &&
      (StringRef(TimeoutArg).getAsDouble(Timeout) || !(Timeout > 0)))
    return fail("--timeout wants a number of seconds greater than 0, not '" +
                TimeoutArg + "'");
  if (!LoadPlugins.empty())
    return fail("weakcheck does not load clang-tidy plugins (--load); run "
                "clang-tidy for them, and weakcheck or its plugin for weakref-*");
  // An empty "--" only ends the file list: -p gives the commands.
  if (FixedDB && BuildPath.getNumOccurrences() &&
      Stripped.size() == size_t(Argc) + 1)
    FixedDB.reset();
  if (FixedDB && BuildPath.getNumOccurrences())
    return fail("-p and '--' both give the compile commands; use -p alone "
                "(with --extra-arg=<flag> for more flags) or '-- <flags>' alone");

  OutputFormat Format;
  if (FormatName == "text")
    Format = OutputFormat::Text;
  else if (FormatName == "json")
    Format = OutputFormat::Json;
  else if (FormatName == "sarif")
    Format = OutputFormat::Sarif;
  else if (FormatName == "codeclimate")
    Format = OutputFormat::CodeClimate;
  else
    return fail("unknown --format '" + FormatName +
                "'; use text, json, sarif or codeclimate");

  weakcheck::AnalyzerConfig AConfig;
  if (Checks.getNumOccurrences())
    AConfig.Checks = Checks;
  if (WarningsAsErrors.getNumOccurrences())
    AConfig.WarningsAsErrors = WarningsAsErrors;
  if (HeaderFilter.getNumOccurrences())
    AConfig.HeaderFilter = HeaderFilter;
  if (ExcludeHeaderFilter.getNumOccurrences())
    AConfig.ExcludeHeaderFilter = ExcludeHeaderFilter;
  if (SystemHeaders.getNumOccurrences())
    AConfig.SystemHeaders = SystemHeaders;
  if (FormatStyle.getNumOccurrences())
    AConfig.FormatStyle = FormatStyle;
  AConfig.ExtraArgs = ExtraArgs;
  AConfig.ExtraArgsBefore = ExtraArgsBefore;
  AConfig.LineFilter = LineFilter;
  AConfig.FixNotes = FixNotes;
  AConfig.ResourceDir = ResourceDir;
  AConfig.EnableCheckProfile = EnableCheckProfile;
  AConfig.Prefilter = Prefilter;
  if (Config.getNumOccurrences() && ConfigFile.getNumOccurrences())
    return fail("--config and --config-file cannot be used together");
  if (Config.getNumOccurrences()) {
    AConfig.ConfigText = Config;
    AConfig.ConfigSource = "--config";
  } else if (ConfigFile.getNumOccurrences()) {
    auto Text = MemoryBuffer::getFile(ConfigFile);
    if (!Text)
      return fail("cannot read config file '" + ConfigFile +
                  "': " + Text.getError().message());
    AConfig.ConfigText = (*Text)->getBuffer().str();
    AConfig.ConfigSource = ConfigFile;
  }
  std::string Error;
  std::unique_ptr<weakcheck::Analyzer> Analyzer =
      weakcheck::Analyzer::create(std::move(AConfig), Error);
  if (!Analyzer)
    return fail(Error);

  // The file whose configuration --list-checks, --dump-config and
  // --verify-config show ("-", as run-clang-tidy passes, is the working
  // directory).
  std::string Probe =
      SourcePaths.empty() || SourcePaths.front() == "-"
          ? absolute("dummy.cpp")
          : absolute(SourcePaths.front());
  if (VerifyConfig) {
    if (!Analyzer->validate({Probe}, Error, !AllowNoChecks))
      return fail(Error);
    weakcheck::OutputFile Stdout;
    if (!Stdout.write("No config errors detected.\n", Error))
      return fail(Error);
    return ExitClean;
  }
  if (DumpConfig) {
    clang::tidy::ClangTidyOptions Effective = Analyzer->optionsFor(Probe);
    Effective.CheckOptions = clang::tidy::getCheckOptions(Effective, false);
    weakcheck::OutputFile Stdout;
    if (!Stdout.write(clang::tidy::configurationAsText(
                          clang::tidy::ClangTidyOptions::getDefaults().merge(
                              Effective, 0)) +
                          "\n",
                      Error))
      return fail(Error);
    return ExitClean;
  }
  if (ListChecks) {
    if (!Analyzer->validate({Probe}, Error, !AllowNoChecks))
      return fail(Error);
    std::vector<std::string> Enabled = Analyzer->enabledChecks(Probe);
    std::string Listing;
    raw_string_ostream OS(Listing);
    if (FormatName == "json") {
      // docs/json-output.md, "Check list".
      weakcheck::renderCheckList(weakcheck::Analyzer::allChecks(), Enabled, OS);
    } else {
      OS << "Enabled checks:\n";
      for (const std::string &Name : Enabled) {
        OS << "    " << Name << "\n";
        if (const char *Summary = weakcheck::checkSummary(Name))
          OS << "        " << Summary << "\n";
      }
      OS << "\n";
    }
    OS.flush();
    weakcheck::OutputFile Stdout;
    if (!Stdout.open(OutputPath, Error) || !Stdout.write(Listing, Error))
      return fail(Error);
    return ExitClean;
  }

  // Claim the output before any work, so a bad path costs nothing.
  weakcheck::OutputFile Output;
  if (!Output.open(OutputPath, Error))
    return fail(Error);
  weakcheck::OutputFile FixesOutput(weakcheck::OutputFile::Kind::Discard);
  std::string FixesPath = ExportFixes;
  if (!FixesPath.empty() && sys::fs::is_directory(FixesPath)) {
    // A directory, as clang-apply-replacements reads one: a file of our own
    // in it, never replacing another run's.
    SmallString<256> Unique;
    sys::fs::createUniquePath(FixesPath + "/weakcheck-fixes-%%%%%%%%.yaml",
                              Unique, /*MakeAbsolute=*/false);
    FixesPath = std::string(Unique);
  }
  if (!FixesOutput.open(FixesPath, Error))
    return fail(Error);
  if (!ExportFixes.empty() && !OutputPath.empty() &&
      Output.sameTarget(FixesOutput))
    return fail("--export-fixes and --output name the same file");
  weakcheck::OutputFile BaselineOutput(weakcheck::OutputFile::Kind::Discard);
  if (!BaselineOutput.open(WriteBaselinePath, Error))
    return fail(Error);
  if (!WriteBaselinePath.empty() &&
      ((!OutputPath.empty() && Output.sameTarget(BaselineOutput)) ||
       (!ExportFixes.empty() && FixesOutput.sameTarget(BaselineOutput))))
    return fail("--write-baseline names the same file as --output or "
                "--export-fixes");
  std::set<std::string> Baseline;
  if (BaselinePath.getNumOccurrences() &&
      !weakcheck::readBaseline(BaselinePath, Baseline, Error))
    return fail(Error);
  if (SarifRoot.getNumOccurrences() && !sys::fs::is_directory(SarifRoot))
    return fail("--sarif-root '" + SarifRoot + "' is not a directory");
  SmallString<256> WorkDir;
  sys::fs::current_path(WorkDir);
  weakcheck::ChangedLines Changed;
  bool Diff = DiffRev.getNumOccurrences() != 0;
  if (Diff) {
    weakcheck::DiffRequest Request;
    Request.Rev = DiffRev;
    // pre-commit (PRE_COMMIT) and git's own commit hooks (GIT_INDEX_FILE)
    // check what is staged.
    Request.Staged = getenv("PRE_COMMIT") || getenv("GIT_INDEX_FILE");
    Request.Dir = std::string(WorkDir);
    if (!Changed.compute(Request, Error))
      return fail(Error);
  }
  // Paths in reports and fingerprints are relative to this root. Text
  // output shows neither, so it does not ask git.
  std::string Root = SarifRoot;
  if (Root.empty() && (Format != OutputFormat::Text || Diff ||
                       !WriteBaselinePath.empty() ||
                       BaselinePath.getNumOccurrences()))
    Root = weakcheck::gitTopLevel(WorkDir);
  if (Root.empty())
    Root = std::string(WorkDir);
  weakcheck::RepoPaths Paths(Root);

  std::unique_ptr<CompilationDatabase> DB;
  if (FixedDB) {
    DB = std::move(FixedDB);
  } else if (BuildPath.getNumOccurrences()) {
    DB = loadDatabase(BuildPath, Error);
    if (!DB)
      return fail(Error);
  }

  std::vector<std::string> Files;
  for (const std::string &Path : SourcePaths)
    Files.push_back(absolute(Path));
  if (Files.empty() && DB && BuildPath.getNumOccurrences()) {
    std::set<std::string> Unique;
    for (const std::string &File : DB->getAllFiles())
      Unique.insert(absolute(File));
    Files.assign(Unique.begin(), Unique.end());
    if (Files.empty())
      return fail("the compilation database in '" + BuildPath +
                  "' lists no files");
  }
  if (Files.empty())
    return fail("no input files; name source files or pass -p <build-dir>");
  for (const std::string &File : Files)
    if (!checkInput(File, Error))
      return fail(Error);
  // An output that is one of the inputs (by device and inode, so through
  // symlinks and hard links too) would replace the source with the report.
  {
    std::vector<std::pair<std::string, std::string>> Inputs;
    for (const std::string &File : Files)
      Inputs.push_back({File, "source file"});
    if (ConfigFile.getNumOccurrences())
      Inputs.push_back({ConfigFile, "--config-file"});
    if (BuildPath.getNumOccurrences()) {
      SmallString<256> Json(BuildPath);
      if (sys::fs::is_directory(Json))
        sys::path::append(Json, "compile_commands.json");
      Inputs.push_back({std::string(Json), "compilation database"});
    }
    for (const auto *Out : {&Output, &FixesOutput}) {
      if (!Out->existingID())
        continue;
      const char *Option = Out == &Output ? "--output" : "--export-fixes";
      for (const auto &[Input, What] : Inputs) {
        sys::fs::UniqueID ID;
        if (!sys::fs::getUniqueID(Input, ID) && ID == *Out->existingID())
          return fail(Twine(Option) + " '" +
                      (Out == &Output ? OutputPath : ExportFixes) +
                      "' is the " + What + " '" + Input +
                      "'; refusing to overwrite an input");
      }
    }
  }

  if (!DB) {
    std::string DetectError;
    DB = CompilationDatabase::autoDetectFromSource(Files.front(), DetectError);
    if (!DB) {
      // Not hidden by --quiet: without it, findings depend on guessed flags.
      errs() << "weakcheck: note: no compilation database found for '"
               << Files.front()
               << "'; analysing with default flags (pass -p <build-dir> or "
                  "-- <flags>)\n";
      DB = std::make_unique<FixedCompilationDatabase>(
          ".", std::vector<std::string>());
    }
  }

  if (!Analyzer->validate(Files, Error, /*RequireChecks=*/false))
    return fail(Error);
  // A file whose configuration enables no weakref check: an error when the
  // command line chose the checks, otherwise (a vendored folder's
  // .clang-tidy saying "Checks: '-*'") skipped with a note.
  {
    bool CommandLineChoseChecks = Checks.getNumOccurrences() ||
                                  Config.getNumOccurrences() ||
                                  ConfigFile.getNumOccurrences();
    std::map<std::string, bool> DirHasChecks;
    std::vector<std::string> Kept;
    for (const std::string &File : Files) {
      std::string Dir = sys::path::parent_path(File).str();
      auto [It, New] = DirHasChecks.try_emplace(Dir, true);
      if (New)
        It->second = !Analyzer->enabledChecks(File).empty();
      if (It->second) {
        Kept.push_back(File);
        continue;
      }
      if (CommandLineChoseChecks && !AllowNoChecks)
        return fail(Analyzer->noChecksMessage(File));
      if (!Quiet)
        errs() << "weakcheck: note: skipping '" << File
               << "': its configuration enables no weakref check (Checks: '"
               << Analyzer->optionsFor(File).Checks.value_or("") << "')\n";
    }
    Files = std::move(Kept);
  }

  if (Diff)
    llvm::erase_if(Files, [&](const std::string &File) {
      return !Changed.changed(Paths.real(File));
    });
  std::vector<weakcheck::FileRun> Runs = analyzeAll(*Analyzer, *DB, Files);
  if (AbandonedWork) {
    // Still used by the thread of the unit that ran over --timeout.
    (void)Analyzer.release();
    (void)DB.release();
  }
  // A header named as an input (pre-commit passes staged headers) that does
  // not compile on its own is not self-contained: it is checked through the
  // sources that include it, not reported as a failure.
  llvm::erase_if(Runs, [&](const weakcheck::FileRun &Run) {
    if (!isHeader(Run.File) || llvm::none_of(Run.Errors, isCompilerError))
      return false;
    if (!Quiet)
      errs() << "weakcheck: note: skipping header '" << Run.File
             << "': it does not compile on its own; it is checked through the "
                "source files that include it\n";
    return true;
  });
  if (EnableCheckProfile)
    for (const weakcheck::FileRun &Run : Runs) {
      // What the pre-filter did, beside the per-check times.
      const weakcheck::PrefilterOutcome &P = Run.Prefilter;
      errs() << "weakcheck: pre-filter: " << Run.File << ": matched " << P.Ran
             << " of " << P.Enabled << " checks";
      if (!P.Skipped.empty())
        errs() << "; skipped " << join(P.Skipped, ",");
      errs() << "\n";
      // Functions a check did not analyse fully: never skipped silently.
      for (const weakcheck::IncompleteAnalysis &I : Run.Incomplete)
        errs() << "weakcheck: incomplete: " << I.Pos.File << ":" << I.Pos.Line
               << ":" << I.Pos.Column << ": " << I.Check << ": function '"
               << I.Function << "' " << I.Reason << "\n";
    }
  weakcheck::Report Report = weakcheck::buildReport(Runs);
  weakcheck::assignFingerprints(Report, Paths);
  if (Diff)
    keepChangedLines(Report, Changed, Paths);
  if (!WriteBaselinePath.empty()) {
    std::string Json;
    raw_string_ostream JsonStream(Json);
    weakcheck::renderJson(Report, JsonStream);
    JsonStream.flush();
    if (!BaselineOutput.write(Json, Error))
      return fail(Error);
  }
  if (BaselinePath.getNumOccurrences())
    weakcheck::applyBaseline(Report, Baseline);

  std::string Rendered;
  raw_string_ostream RenderStream(Rendered);
  if (Format == OutputFormat::Json) {
    weakcheck::renderJson(Report, RenderStream);
  } else if (Format == OutputFormat::Sarif) {
    weakcheck::SarifOptions Sarif;
    Sarif.RuleIds = weakcheck::Analyzer::allChecks();
    Sarif.Category = SarifCategory;
    weakcheck::renderSarif(Report, RenderStream, Sarif, Paths);
  } else if (Format == OutputFormat::CodeClimate) {
    weakcheck::renderCodeClimate(Report, RenderStream, Paths);
  } else {
    // Colour as clang-tidy: asked for, or by default on a terminal.
    bool Color = UseColor.getNumOccurrences()
                     ? bool(UseColor)
                     : OutputPath.empty() && sys::Process::StandardOutIsDisplayed() &&
                           sys::Process::StandardOutHasColors();
    weakcheck::renderText(Report, RenderStream, Color);
  }
  RenderStream.flush();
  if (!Output.write(Rendered, Error))
    return fail(Error);

  if (!ExportFixes.empty()) {
    std::string Yaml;
    raw_string_ostream YamlStream(Yaml);
    bool Filtered = Diff || BaselinePath.getNumOccurrences();
    exportFixes(Runs, Filtered ? &Report : nullptr, YamlStream);
    YamlStream.flush();
    if (!FixesOutput.write(Yaml, Error))
      return fail(Error);
  }
  if (Fix || FixErrors) {
    // As clang-tidy: the fix-its of a translation unit that did not compile
    // are not applied, and its main file is not touched, without
    // --fix-errors.
    const weakcheck::Report *ToFix = &Report;
    weakcheck::Report Compiled;
    if (!FixErrors && Report.filesFailed()) {
      std::set<std::string> FailedFiles;
      for (const weakcheck::FileOutcome &F : Report.Files)
        if (F.Failed)
          FailedFiles.insert(F.File);
      std::vector<weakcheck::FileRun> Good;
      for (const weakcheck::FileRun &Run : Runs)
        if (!FailedFiles.count(Run.File))
          Good.push_back(Run);
      Compiled = weakcheck::buildReport(Good);
      for (weakcheck::Finding &F : Compiled.Findings)
        llvm::erase_if(F.Fixes, [&](const weakcheck::FixReplacement &R) {
          return FailedFiles.count(R.Span.Begin.File) != 0;
        });
      ToFix = &Compiled;
      errs() << "weakcheck: warning: " << FailedFiles.size()
             << (FailedFiles.size() == 1 ? " file" : " files")
             << " failed to compile; "
             << (FailedFiles.size() == 1 ? "its" : "their")
             << " fix-its are not applied (pass --fix-errors to apply them "
                "anyway)\n";
    }
    unsigned Applied = 0, Changed = 0;
    if (!applyFixes(*ToFix, *Analyzer, Applied, Changed, Error))
      return fail(Error);
    if (!Quiet)
      errs() << "weakcheck: applied " << Applied
             << (Applied == 1 ? " fix" : " fixes") << " in " << Changed
             << (Changed == 1 ? " file" : " files") << "\n";
  }

  unsigned Failed = Report.filesFailed();
  unsigned AsErrors = llvm::count_if(Report.Findings, [](const auto &F) {
    return F.Level == "error";
  });
  if (!Quiet) {
    errs() << "weakcheck: " << Report.Findings.size()
           << (Report.Findings.size() == 1 ? " finding" : " findings")
           << " in " << Report.Files.size()
           << (Report.Files.size() == 1 ? " file" : " files");
    if (Failed)
      errs() << "; " << Failed << (Failed == 1 ? " file" : " files")
             << " failed to compile";
    if (Diff)
      errs() << "; " << Report.OutsideDiff << " outside the "
             << Changed.describe();
    if (BaselinePath.getNumOccurrences())
      errs() << "; " << Report.SuppressedByBaseline
             << " suppressed by the baseline";
    if (AsErrors)
      errs() << "; " << AsErrors << (AsErrors == 1 ? " finding" : " findings")
             << " treated as errors";
    errs() << "\n";
  }
  if (ClangTidyExitStatus)
    return Failed || AsErrors ? 1 : 0;
  if (Failed)
    return ExitToolError;
  return Report.Findings.empty() ? ExitClean : ExitFindings;
}
