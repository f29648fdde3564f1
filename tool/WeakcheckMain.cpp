//===-- WeakcheckMain.cpp - the weakcheck command-line tool --------------===//
//
// weakcheck [options] <file>... [-- <compiler args>]
//
// Exit status: 0 no findings; 1 findings; 2 the tool could not do its job
// (bad option or configuration, unreadable compilation database, a missing or
// unreadable input, an output that cannot be written, or a translation unit
// that failed to compile: the others are still analysed and reported).
//
//===----------------------------------------------------------------------===//

#include "Analyzer.h"
#include "Report.h"
#include "Version.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include <set>

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
enum class OutputFormat { Text, Json };
cl::opt<OutputFormat> Format(
    "format", cl::desc("Output format"), cl::init(OutputFormat::Text),
    cl::values(clEnumValN(OutputFormat::Text, "text", "clang-style text"),
               clEnumValN(OutputFormat::Json, "json",
                          "one JSON document (docs/json-output.md)")),
    cl::cat(Category));
cl::opt<std::string> OutputPath(
    "output", cl::value_desc("file"),
    cl::desc("Write the report to this file (written whole or not at all)"),
    cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("Do not print the summary to stderr"),
                    cl::cat(Category));
cl::opt<std::string> ResourceDir(
    "resource-dir", cl::value_desc("dir"),
    cl::desc("Clang resource directory (default: the one weakcheck was\n"
             "built against)"),
    cl::cat(Category), cl::Hidden);

int fail(const Twine &Message) {
  errs() << "weakcheck: error: " << Message << "\n";
  return ExitToolError;
}

std::string absolute(StringRef Path) {
  SmallString<256> Abs(Path);
  sys::fs::make_absolute(Abs);
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
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

/// Writes \p Text to \p Path whole or not at all: a temporary file beside it,
/// renamed into place.
class OutputSink {
public:
  bool open(const std::string &Path, std::string &Error) {
    this->Path = Path;
    if (Path.empty())
      return true;
    std::string AbsPath = absolute(Path);
    StringRef Dir = sys::path::parent_path(AbsPath);
    if (sys::fs::is_directory(Path)) {
      Error = "cannot write output '" + Path + "': it is a directory";
      return false;
    }
    // createUniqueFile would create missing parent directories: refuse.
    if (!sys::fs::is_directory(Dir)) {
      Error = "cannot write output '" + Path + "': directory '" + Dir.str() +
              "' does not exist";
      return false;
    }
    int FD;
    if (std::error_code EC = sys::fs::createUniqueFile(
            Dir + "/.weakcheck-output-%%%%%%%%", FD, TempPath)) {
      Error = "cannot write output '" + Path + "': " + EC.message();
      return false;
    }
    sys::Process::SafelyCloseFileDescriptor(FD);
    return true;
  }
  bool write(StringRef Text, std::string &Error) {
    if (Path.empty()) {
      outs() << Text;
      outs().flush();
      return true;
    }
    std::error_code EC;
    {
      raw_fd_ostream OS(TempPath, EC, sys::fs::OF_None);
      if (!EC) {
        OS << Text;
        OS.close();
        EC = OS.error();
      }
    }
    if (!EC)
      EC = sys::fs::rename(TempPath, Path);
    if (EC) {
      Error = "cannot write output '" + Path + "': " + EC.message();
      discard();
      return false;
    }
    TempPath.clear();
    return true;
  }
  void discard() {
    if (!TempPath.empty())
      sys::fs::remove(TempPath);
    TempPath.clear();
  }
  ~OutputSink() { discard(); }

private:
  std::string Path;
  SmallString<256> TempPath;
};

void printVersion(raw_ostream &OS) {
  OS << "weakcheck version " << WEAKCHECK_VERSION << " (Clang "
     << WEAKCHECK_CLANG_VERSION << ")\n";
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);

  // Everything after "--" is the compile command for every file.
  int Argc = argc;
  std::string FixedError;
  std::unique_ptr<FixedCompilationDatabase> FixedDB =
      FixedCompilationDatabase::loadFromCommandLine(Argc, argv, FixedError);
  if (!FixedError.empty())
    return fail("invalid compiler arguments after '--': " + FixedError);

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
    errs() << ParseErrorStream.str();
    errs() << "weakcheck: error: invalid command line; see --help\n";
    return ExitToolError;
  }

  weakcheck::AnalyzerConfig AConfig;
  if (Checks.getNumOccurrences())
    AConfig.Checks = Checks;
  if (WarningsAsErrors.getNumOccurrences())
    AConfig.WarningsAsErrors = WarningsAsErrors;
  if (HeaderFilter.getNumOccurrences())
    AConfig.HeaderFilter = HeaderFilter;
  AConfig.ResourceDir = ResourceDir;
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

  if (ListChecks) {
    std::string Probe = SourcePaths.empty() ? absolute("dummy.cpp")
                                            : absolute(SourcePaths.front());
    if (!Analyzer->validate({Probe}, Error))
      return fail(Error);
    outs() << "Enabled checks:\n";
    for (const std::string &Name : Analyzer->enabledChecks(Probe))
      outs() << "    " << Name << "\n";
    return ExitClean;
  }

  // Claim the output before any work, so a bad path costs nothing.
  OutputSink Output;
  if (!Output.open(OutputPath, Error))
    return fail(Error);

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

  if (!DB) {
    std::string DetectError;
    DB = CompilationDatabase::autoDetectFromSource(Files.front(), DetectError);
    if (!DB) {
      if (!Quiet)
        errs() << "weakcheck: no compilation database found for '"
               << Files.front()
               << "'; analysing with default flags (pass -p <build-dir> or "
                  "-- <flags>)\n";
      DB = std::make_unique<FixedCompilationDatabase>(
          ".", std::vector<std::string>());
    }
  }

  if (!Analyzer->validate(Files, Error))
    return fail(Error);

  std::vector<weakcheck::FileRun> Runs;
  for (const std::string &File : Files)
    Runs.push_back(Analyzer->analyze(File, *DB));
  weakcheck::Report Report = weakcheck::buildReport(Runs);

  std::string Rendered;
  raw_string_ostream RenderStream(Rendered);
  if (Format == OutputFormat::Json)
    weakcheck::renderJson(Report, RenderStream);
  else
    weakcheck::renderText(Report, RenderStream, false);
  RenderStream.flush();
  if (!Output.write(Rendered, Error))
    return fail(Error);

  unsigned Failed = Report.filesFailed();
  if (!Quiet) {
    errs() << "weakcheck: " << Report.Findings.size()
           << (Report.Findings.size() == 1 ? " finding" : " findings")
           << " in " << Report.Files.size()
           << (Report.Files.size() == 1 ? " file" : " files");
    if (Failed)
      errs() << "; " << Failed << (Failed == 1 ? " file" : " files")
             << " failed to compile";
    errs() << "\n";
  }
  if (Failed)
    return ExitToolError;
  return Report.Findings.empty() ? ExitClean : ExitFindings;
}
