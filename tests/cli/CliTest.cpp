//===-- CliTest.cpp - the weakcheck binary as users run it ---------------===//
//
// Runs the built weakcheck (and clang-tidy with the plugin) as a child
// process and checks exit statuses, output formats, configuration and the
// errors for bad input that ../shared/spec/tool.md lists.
//
//===----------------------------------------------------------------------===//

#include "CliSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace cli;

/// Checks this build has; markers for checks not yet written are skipped.
bool isKnownCheck(const std::string &Check);

/// "file:line:col: warning: message [check]" lines of a text report.
std::set<std::string> warningLines(const std::string &Text) {
  std::set<std::string> Lines;
  std::regex Warning(R"(([^\s:]+):(\d+):(\d+): (warning|error): (.*) \[(weakref-[a-z-]+)\])");
  std::istringstream In(Text);
  for (std::string Line; std::getline(In, Line);) {
    std::smatch M;
    if (std::regex_match(Line, M, Warning))
      Lines.insert(fs::path(M[1].str()).filename().string() + ":" + M[2].str() +
                   ":" + M[3].str() + ": " + M[5].str() + " [" + M[6].str() + "]");
  }
  return Lines;
}

// ---- basics -----------------------------------------------------------------

TEST(Cli, VersionPrintsNameAndVersion) {
  Result R = weakcheck({"--version"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(R.Out.find("weakcheck version"), std::string::npos) << describe(R);
  EXPECT_NE(R.Out.find("Clang 19"), std::string::npos) << describe(R);
}

TEST(Cli, ListChecksNamesDeadOnArrival) {
  Result R = weakcheck({"--list-checks"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(R.Out.find("weakref-dead-on-arrival"), std::string::npos) << describe(R);
}

TEST(Cli, ListChecksHonoursChecksOption) {
  Result R = weakcheck({"--list-checks", "--checks=-*,weakref-dead-on-arrival"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(R.Out.find("weakref-dead-on-arrival"), std::string::npos);
  Result None = weakcheck({"--list-checks", "--checks=-*"});
  EXPECT_EQ(None.Status, 2) << describe(None);
  EXPECT_NE(None.Err.find("no weakref check is enabled"), std::string::npos) << describe(None);
}

TEST(Cli, CleanFileExitsZeroWithNoFindings) {
  Result R = weakcheck({"clean.cpp", "--"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_TRUE(warningLines(R.Out).empty()) << describe(R);
}

TEST(Cli, FindingExitsOneWithClangStyleText) {
  Result R = weakcheck({"findings.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(R.Out.find("findings.cpp:4:29: warning: weak reference 'w' is dead on "
                       "arrival"),
            std::string::npos)
      << describe(R);
  EXPECT_NE(R.Out.find("[weakref-dead-on-arrival]"), std::string::npos);
  // The source line and a caret under the reported column.
  EXPECT_NE(R.Out.find("    4 |   std::weak_ptr<Connection> w = "), std::string::npos)
      << describe(R);
  EXPECT_NE(R.Out.find("      |                             ^\n"), std::string::npos)
      << describe(R);
  EXPECT_NE(R.Out.find("findings.cpp:4:33: note: the temporary owner"),
            std::string::npos)
      << describe(R);
  EXPECT_NE(R.Err.find("1 finding in 1 file"), std::string::npos) << describe(R);
}

TEST(Cli, QuietDropsTheSummary) {
  Result R = weakcheck({"--quiet", "findings.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(R.Err, "") << describe(R);
}

TEST(Cli, NolintSuppressesFindings) {
  Result R = weakcheck({"nolint.cpp", "--"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_TRUE(warningLines(R.Out).empty()) << describe(R);
}

TEST(Cli, WarningsAsErrorsRaisesTheLevel) {
  Result R = weakcheck({"--warnings-as-errors=weakref-*", "--format=json",
                        "findings.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  auto J = nlohmann::json::parse(R.Out);
  ASSERT_EQ(J["diagnostics"].size(), 1u);
  EXPECT_EQ(J["diagnostics"][0]["level"], "error");
  Result Plain = weakcheck({"--format=json", "findings.cpp", "--"});
  EXPECT_EQ(nlohmann::json::parse(Plain.Out)["diagnostics"][0]["level"], "warning");
}

TEST(Cli, HeaderFilterControlsFindingsInHeaders) {
  Result Without = weakcheck({"includes_header.cpp", "--"});
  EXPECT_EQ(Without.Status, 0) << describe(Without);
  Result With = weakcheck({"--header-filter=in_header", "includes_header.cpp", "--"});
  EXPECT_EQ(With.Status, 1) << describe(With);
  EXPECT_NE(With.Out.find("in_header.h:4:25: warning:"), std::string::npos)
      << describe(With);
}

TEST(Cli, SystemHeadersAreSkippedUnlessConfigured) {
  TempDir Dir;
  fs::create_directories(Dir.Path / "sys");
  fs::copy(Data + "/in_header.h", Dir.Path / "sys/in_header.h");
  writeFile(Dir.Path / "main.cpp", "#include <in_header.h>\n");
  Result Skipped = weakcheck({"--header-filter=.*", "main.cpp", "--", "-isystem", "sys"},
                             Dir.Path);
  EXPECT_EQ(Skipped.Status, 0) << describe(Skipped);
  Result Included = weakcheck({"--header-filter=.*", "--config={SystemHeaders: true}",
                               "main.cpp", "--", "-isystem", "sys"},
                              Dir.Path);
  EXPECT_EQ(Included.Status, 1) << describe(Included);
  EXPECT_NE(Included.Out.find("in_header.h:4:25: warning:"), std::string::npos)
      << describe(Included);
}

TEST(Cli, HeaderIncludedTwiceReportsOnce) {
  TempDir Dir;
  fs::copy(Data + "/in_header.h", Dir.Path / "in_header.h");
  writeFile(Dir.Path / "a.cpp", "#include \"in_header.h\"\n");
  writeFile(Dir.Path / "b.cpp", "#include \"in_header.h\"\n");
  Result R = weakcheck({"--header-filter=.*", "--format=json", "a.cpp", "b.cpp", "--"},
                       Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(nlohmann::json::parse(R.Out)["diagnostics"].size(), 1u) << describe(R);
}

// ---- JSON ---------------------------------------------------------------------

TEST(Cli, JsonCarriesDiagnosticsNotesAndSummary) {
  Result R = weakcheck({"--format=json", "findings.cpp", "clean.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  nlohmann::json J = nlohmann::json::parse(R.Out);
  EXPECT_EQ(J["version"], 1);
  EXPECT_EQ(J["tool"]["name"], "weakcheck");
  ASSERT_EQ(J["diagnostics"].size(), 1u);
  const auto &D = J["diagnostics"][0];
  EXPECT_EQ(D["check"], "weakref-dead-on-arrival");
  EXPECT_EQ(D["level"], "warning");
  EXPECT_NE(D["message"].get<std::string>().find("'w' is dead on arrival"),
            std::string::npos);
  EXPECT_EQ(D["location"]["file"], Data + "/findings.cpp");
  EXPECT_EQ(D["location"]["line"], 4);
  EXPECT_EQ(D["location"]["column"], 29);
  ASSERT_EQ(D["notes"].size(), 1u);
  EXPECT_EQ(D["notes"][0]["location"]["line"], 4);
  EXPECT_EQ(D["notes"][0]["location"]["column"], 33);
  // The note's range spans the whole make_shared call.
  EXPECT_EQ(D["notes"][0]["location"]["endColumn"], 63);
  EXPECT_TRUE(D["fixes"].is_array());
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 2);
  EXPECT_EQ(J["summary"]["filesFailed"], 0);
  EXPECT_EQ(J["summary"]["findings"], 1);
  EXPECT_EQ(J["summary"]["byCheck"]["weakref-dead-on-arrival"], 1);
  ASSERT_EQ(J["files"].size(), 2u);
  EXPECT_EQ(J["files"][0]["status"], "analyzed");
}

TEST(Cli, OutputFileGetsTheReportAndStdoutStaysEmpty) {
  TempDir Dir;
  fs::path Out = Dir.Path / "report.json";
  Result R = weakcheck({"--format=json", "--output=" + Out.string(), "findings.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(R.Out, "");
  nlohmann::json J = nlohmann::json::parse(readFile(Out));
  EXPECT_EQ(J["diagnostics"].size(), 1u);
  // Nothing but the report is left in the directory.
  EXPECT_EQ(std::distance(fs::directory_iterator(Dir.Path), fs::directory_iterator()), 1);
}

// ---- configuration --------------------------------------------------------------

const char *CustomFactoryConfig =
    "CheckOptions:\n"
    "  weakref-dead-on-arrival.OwnerFactories: '::app::create'\n";

TEST(Cli, CheckOptionsReachTheCheckFromConfigFile) {
  Result Default = weakcheck({"custom_factory.cpp", "--"});
  EXPECT_EQ(Default.Status, 0) << describe(Default);
  TempDir Dir;
  writeFile(Dir.Path / "weakcheck.yaml", CustomFactoryConfig);
  Result R = weakcheck({"--config-file=" + (Dir.Path / "weakcheck.yaml").string(),
                        "custom_factory.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(R.Out.find("custom_factory.cpp:7:25: warning:"), std::string::npos) << describe(R);
}

TEST(Cli, CheckOptionsReachTheCheckFromConfigString) {
  Result R = weakcheck({"--config={CheckOptions: {weakref-dead-on-arrival.OwnerFactories: "
                        "'::app::create'}}",
                        "custom_factory.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
}

TEST(Cli, DiscoveredClangTidyFileConfiguresTheCheck) {
  TempDir Dir;
  fs::create_directories(Dir.Path / "src");
  fs::copy(Data + "/custom_factory.cpp", Dir.Path / "src/custom_factory.cpp");
  writeFile(Dir.Path / ".clang-tidy", CustomFactoryConfig);
  Result R = weakcheck({"src/custom_factory.cpp", "--"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  // A nearer .clang-tidy can turn the check off...
  writeFile(Dir.Path / "src/.clang-tidy",
            "InheritParentConfig: true\nChecks: 'weakref-*,-weakref-dead-on-arrival'\n");
  Result Off = weakcheck({"--list-checks", "src/custom_factory.cpp"}, Dir.Path);
  EXPECT_EQ(Off.Out.find("weakref-dead-on-arrival"), std::string::npos) << describe(Off);
  // ...and with nothing left to run (a vendored folder), its files are
  // skipped with a note, not passed silently and not a failed run...
  writeFile(Dir.Path / "src/.clang-tidy", "InheritParentConfig: true\nChecks: '-weakref-*'\n");
  Result None = weakcheck({"src/custom_factory.cpp", "--"}, Dir.Path);
  EXPECT_EQ(None.Status, 0) << describe(None);
  EXPECT_NE(None.Err.find("note: skipping '" + (Dir.Path / "src/custom_factory.cpp").string() +
                          "': its configuration enables no weakref check"),
            std::string::npos)
      << describe(None);
  // ...but when the command line chose the checks, that is an error.
  Result Chosen = weakcheck({"--checks=-weakref-*", "src/custom_factory.cpp", "--"}, Dir.Path);
  EXPECT_EQ(Chosen.Status, 2) << describe(Chosen);
  EXPECT_NE(Chosen.Err.find("no weakref check is enabled"), std::string::npos) << describe(Chosen);
}

TEST(Cli, SharedClangTidyOptionsOfOtherChecksAreAccepted) {
  TempDir Dir;
  fs::copy(Data + "/findings.cpp", Dir.Path / "findings.cpp");
  writeFile(Dir.Path / ".clang-tidy",
            "Checks: 'bugprone-*,weakref-*'\n"
            "CheckOptions:\n  bugprone-argument-comment.StrictMode: true\n");
  Result R = weakcheck({"findings.cpp", "--"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
}

// ---- bad input: a clear message and exit status 2 ----------------------------

TEST(CliBadInput, MissingSourceFile) {
  expectToolError(weakcheck({"no_such_file.cpp", "--"}),
                  "cannot read source file");
}

TEST(CliBadInput, DirectoryAsSource) {
  expectToolError(weakcheck({".", "--"}), "is a directory");
}

TEST(CliBadInput, BinaryFileAsSource) {
  TempDir Dir;
  writeFile(Dir.Path / "blob.cpp", std::string("\x7f" "ELF\0\0\0", 7));
  expectToolError(weakcheck({(Dir.Path / "blob.cpp").string(), "--"}),
                  "is a binary file");
}

TEST(CliBadInput, EmptyInputList) {
  expectToolError(weakcheck({}), "no input files");
}

TEST(CliBadInput, UnknownCommandLineOption) {
  expectToolError(weakcheck({"--no-such-option", "findings.cpp", "--"}),
                  "no-such-option");
}

TEST(CliBadInput, UnknownFormat) {
  expectToolError(weakcheck({"--format=xml", "findings.cpp", "--"}), "xml");
}

TEST(CliBadInput, UnknownCheckGlob) {
  expectToolError(weakcheck({"--checks=weakref-no-such-check", "findings.cpp", "--"}),
                  "matches no weakcheck check");
}

TEST(CliBadInput, ConfigThatIsNotYaml) {
  TempDir Dir;
  writeFile(Dir.Path / "bad.yaml", "Checks: [unterminated\n");
  expectToolError(weakcheck({"--config-file=" + (Dir.Path / "bad.yaml").string(),
                             "findings.cpp", "--"}),
                  "invalid configuration");
}

TEST(CliBadInput, DiscoveredClangTidyThatDoesNotParse) {
  TempDir Dir;
  fs::copy(Data + "/findings.cpp", Dir.Path / "findings.cpp");
  writeFile(Dir.Path / ".clang-tidy", "Checks: {{{\n");
  expectToolError(weakcheck({"findings.cpp", "--"}, Dir.Path), ".clang-tidy");
}

TEST(CliBadInput, ConfigNamingUnknownOption) {
  expectToolError(weakcheck({"--config={CheckOptions: {weakref-dead-on-arrival.NoSuchOption: x}}",
                             "findings.cpp", "--"}),
                  "unknown check option 'weakref-dead-on-arrival.NoSuchOption'");
}

TEST(CliBadInput, MissingConfigFile) {
  expectToolError(weakcheck({"--config-file=/nonexistent/weakcheck.yaml",
                             "findings.cpp", "--"}),
                  "cannot read config file");
}

TEST(CliBadInput, CompilerArgumentsClangRejects) {
  expectToolError(weakcheck({"findings.cpp", "--", "-fno-such-flag-at-all"}),
                  "unknown argument");
}

TEST(CliBadInput, MissingCompilationDatabase) {
  TempDir Dir;
  expectToolError(weakcheck({"-p", Dir.Path.string(), Data + "/findings.cpp"}),
                  "no compilation database");
}

TEST(CliBadInput, MalformedCompilationDatabase) {
  TempDir Dir;
  writeFile(Dir.Path / "compile_commands.json", "[{\"directory\": ");
  expectToolError(weakcheck({"-p", Dir.Path.string(), Data + "/findings.cpp"}),
                  "cannot load compilation database");
}

TEST(CliBadInput, OutputPathThatIsADirectory) {
  TempDir Dir;
  Result R = weakcheck({"--format=sarif", "--output=" + Dir.Path.string(), "findings.cpp", "--"});
  expectToolError(R, "is a directory");
  EXPECT_EQ(std::distance(fs::directory_iterator(Dir.Path), fs::directory_iterator()), 0);
}

TEST(CliBadInput, ConfigAndConfigFileTogether) {
  expectToolError(weakcheck({"--config={}", "--config-file=x.yaml", "findings.cpp", "--"}),
                  "cannot be used together");
}

TEST(CliBadInput, OutputPathThatCannotBeWritten) {
  Result R = weakcheck({"--format=json", "--output=/nonexistent-dir/report.json",
                        "findings.cpp", "--"});
  expectToolError(R, "cannot write output");
  EXPECT_EQ(R.Out, "");
  EXPECT_FALSE(fs::exists("/nonexistent-dir"));
}

TEST(CliBadInput, SyntaxErrorInOneFileStillReportsTheOthers) {
  Result R = weakcheck({"--format=json", "syntax_error.cpp", "findings.cpp", "--"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  nlohmann::json J = nlohmann::json::parse(R.Out);
  EXPECT_EQ(J["summary"]["filesFailed"], 1);
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 1);
  ASSERT_EQ(J["diagnostics"].size(), 1u);
  EXPECT_EQ(J["diagnostics"][0]["location"]["file"], Data + "/findings.cpp");
  bool SawFailed = false;
  for (const auto &F : J["files"])
    if (F["file"] == Data + "/syntax_error.cpp") {
      SawFailed = true;
      EXPECT_EQ(F["status"], "failed");
      ASSERT_FALSE(F["errors"].empty());
      EXPECT_EQ(F["errors"][0]["location"]["line"], 3);
    }
  EXPECT_TRUE(SawFailed) << describe(R);
}

TEST(CliBadInput, JsonIsValidWhenEveryFileFails) {
  Result R = weakcheck({"--format=json", "syntax_error.cpp", "--"});
  EXPECT_EQ(R.Status, 2) << describe(R);
  nlohmann::json J = nlohmann::json::parse(R.Out);
  EXPECT_EQ(J["summary"]["filesFailed"], 1);
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 0);
  EXPECT_TRUE(J["diagnostics"].empty());
}

// ---- compilation databases ------------------------------------------------------

TEST(Cli, CompilationDatabaseWithoutFilesChecksEveryEntry) {
  TempDir Dir;
  for (const char *F : {"findings.cpp", "clean.cpp"})
    fs::copy(Data + "/" + F, Dir.Path / F);
  writeFile(Dir.Path / "compile_commands.json",
            "[{\"directory\": \"" + Dir.Path.string() +
                "\", \"command\": \"c++ -std=c++17 -c findings.cpp\", \"file\": \"findings.cpp\"},"
                " {\"directory\": \"" + Dir.Path.string() +
                "\", \"command\": \"c++ -std=c++17 -c clean.cpp\", \"file\": \"clean.cpp\"}]");
  Result R = weakcheck({"-p", Dir.Path.string(), "--format=json"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  nlohmann::json J = nlohmann::json::parse(R.Out);
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 2);
  EXPECT_EQ(J["diagnostics"].size(), 1u);
}

bool isKnownCheck(const std::string &Check) {
  static const std::string Listed = weakcheck({"--list-checks"}).Out;
  return Listed.find("    " + Check + "\n") != std::string::npos;
}

// ---- fixes ------------------------------------------------------------------------

// weakref-self-capture-cycle offers a fix-it (capture weak_from_this()
// instead of shared_from_this()); fixable.cpp has one such finding.
const char *FixCheck = "--checks=-*,weakref-self-capture-cycle";

TEST(Fixes, FixAppliesTheFixItInPlace) {
  TempDir Dir;
  fs::copy(Data + "/fixable.cpp", Dir.Path / "fixable.cpp");
  fs::permissions(Dir.Path / "fixable.cpp", fs::perms::owner_read | fs::perms::owner_write |
                                                 fs::perms::group_read);
  Result R = weakcheck({FixCheck, "--fix", "fixable.cpp", "--", "-std=c++20"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(R.Err.find("applied 1 fix in 1 file"), std::string::npos) << describe(R);
  std::string Fixed = readFile(Dir.Path / "fixable.cpp");
  EXPECT_NE(Fixed.find("[self = weak_from_this()]"), std::string::npos) << Fixed;
  EXPECT_EQ(Fixed.find("= shared_from_this()"), std::string::npos) << Fixed;
  // The file keeps its permissions, and the fixed code is clean.
  EXPECT_EQ(fs::status(Dir.Path / "fixable.cpp").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  Result Again = weakcheck({FixCheck, "fixable.cpp", "--", "-std=c++20"}, Dir.Path);
  EXPECT_EQ(Again.Status, 0) << describe(Again);
}

// weakref-expired-then-lock rewrites 'if (!w.expired()) { auto p = w.lock();'
// into 'if (auto p = w.lock()) {', and the result compiles and is clean.
TEST(Fixes, ExpiredThenLockBecomesIfInitLock) {
  TempDir Dir;
  fs::copy(Data + "/expired_then_lock.cpp", Dir.Path / "expired_then_lock.cpp");
  const char *Check = "--checks=-*,weakref-expired-then-lock";
  Result R = weakcheck({Check, "--fix", "expired_then_lock.cpp", "--", "-std=c++17"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(R.Err.find("applied 1 fix in 1 file"), std::string::npos) << describe(R);
  std::string Fixed = readFile(Dir.Path / "expired_then_lock.cpp");
  EXPECT_NE(Fixed.find("if (auto p = w.lock()) {"), std::string::npos) << Fixed;
  EXPECT_EQ(Fixed.find("expired()"), std::string::npos) << Fixed;
  EXPECT_NE(Fixed.find("p->notify();"), std::string::npos) << Fixed;
  Result Again = weakcheck({"--checks=-*,weakref-expired-then-lock,weakref-unchecked-lock",
                            "expired_then_lock.cpp", "--", "-std=c++17"},
                           Dir.Path);
  EXPECT_EQ(Again.Status, 0) << describe(Again) << Fixed;
}

TEST(Fixes, ExportedFixesApplyWithClangApplyReplacements) {
  TempDir Dir;
  fs::copy(Data + "/fixable.cpp", Dir.Path / "fixable.cpp");
  fs::create_directories(Dir.Path / "fixes");
  Result R = weakcheck({FixCheck, "--export-fixes=fixes/weakcheck.yaml", "fixable.cpp", "--",
                        "-std=c++20"},
                       Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  // Exporting does not touch the source.
  EXPECT_EQ(readFile(Dir.Path / "fixable.cpp"), readFile(Data + "/fixable.cpp"));
  std::string Yaml = readFile(Dir.Path / "fixes/weakcheck.yaml");
  EXPECT_NE(Yaml.find("DiagnosticName:  weakref-self-capture-cycle"), std::string::npos) << Yaml;
  EXPECT_NE(Yaml.find("ReplacementText: weak_from_this"), std::string::npos) << Yaml;
  Result Apply = run(WEAKCHECK_CLANG_APPLY_REPLACEMENTS, {(Dir.Path / "fixes").string()}, Dir.Path);
  EXPECT_EQ(Apply.Status, 0) << describe(Apply);
  EXPECT_NE(readFile(Dir.Path / "fixable.cpp").find("[self = weak_from_this()]"),
            std::string::npos);
}

TEST(Fixes, JsonAndSarifCarryTheFixIt) {
  Result J = weakcheck({FixCheck, "--format=json", "fixable.cpp", "--", "-std=c++20"});
  nlohmann::json Doc = nlohmann::json::parse(J.Out);
  ASSERT_EQ(Doc["diagnostics"].size(), 1u) << describe(J);
  const auto &Fix = Doc["diagnostics"][0]["fixes"];
  ASSERT_EQ(Fix.size(), 1u);
  EXPECT_EQ(Fix[0]["replacement"], "weak_from_this");
  EXPECT_EQ(Fix[0]["line"], 6);
  EXPECT_EQ(Fix[0]["column"], 24);
  EXPECT_EQ(Fix[0]["length"], 16);
  Result S = weakcheck(
      {FixCheck, "--format=sarif", "--sarif-root=.", "fixable.cpp", "--", "-std=c++20"});
  nlohmann::json Sarif = nlohmann::json::parse(S.Out);
  const auto &Change = Sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
  EXPECT_EQ(Change["artifactLocation"]["uri"], "fixable.cpp");
  EXPECT_EQ(Change["replacements"][0]["insertedContent"]["text"], "weak_from_this");
  EXPECT_EQ(Change["replacements"][0]["deletedRegion"]["startColumn"], 24);
  EXPECT_EQ(Change["replacements"][0]["deletedRegion"]["endColumn"], 40);
}

TEST(CliBadInput, ExportFixesPathThatCannotBeWritten) {
  expectToolError(weakcheck({"--export-fixes=/nonexistent-dir/fixes.yaml", "findings.cpp", "--"}),
                  "cannot write output");
}

// ---- many files ----------------------------------------------------------------

/// A directory with \p N copies of the data files and a database listing them.
void makeDatabase(const fs::path &Dir, int N) {
  std::string Db = "[";
  for (int I = 0; I < N; ++I) {
    for (const char *Base : {"findings", "clean", "nolint"}) {
      std::string Name = std::string(Base) + std::to_string(I) + ".cpp";
      fs::copy(Data + "/" + Base + ".cpp", Dir / Name);
      if (Db.size() > 1)
        Db += ",";
      Db += "{\"directory\": \"" + Dir.string() +
            "\", \"command\": \"c++ -std=c++17 -c " + Name + "\", \"file\": \"" +
            Name + "\"}";
    }
  }
  writeFile(Dir / "compile_commands.json", Db + "]");
}

TEST(Cli, ParallelRunIsDeterministicAndEqualsSerialRun) {
  TempDir Dir;
  makeDatabase(Dir.Path, 4);
  Result Serial = weakcheck({"-p", Dir.Path.string(), "-j", "1", "--format=json"});
  Result Parallel = weakcheck({"-p", Dir.Path.string(), "-j4", "--format=json"});
  Result Text1 = weakcheck({"-p", Dir.Path.string(), "-j=1"});
  Result Text4 = weakcheck({"-p", Dir.Path.string(), "-j=4"});
  EXPECT_EQ(Serial.Status, 1) << describe(Serial);
  EXPECT_EQ(Parallel.Status, 1) << describe(Parallel);
  EXPECT_EQ(Serial.Out, Parallel.Out);
  EXPECT_EQ(Text1.Out, Text4.Out);
  nlohmann::json J = nlohmann::json::parse(Parallel.Out);
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 12);
  ASSERT_EQ(J["diagnostics"].size(), 4u);
  // Sorted by file.
  for (size_t I = 1; I < J["diagnostics"].size(); ++I)
    EXPECT_LT(J["diagnostics"][I - 1]["location"]["file"].get<std::string>(),
              J["diagnostics"][I]["location"]["file"].get<std::string>());
}

TEST(Cli, NoProgressLineWhenStderrIsNotATerminal) {
  TempDir Dir;
  makeDatabase(Dir.Path, 2);
  Result R = weakcheck({"-p", Dir.Path.string(), "-j2"});
  EXPECT_EQ(R.Err.find('\r'), std::string::npos) << describe(R);
  EXPECT_EQ(R.Err.find("[1/6]"), std::string::npos) << describe(R);
}

TEST(Cli, ProgressLineOnATerminal) {
  TempDir Dir;
  makeDatabase(Dir.Path, 2);
  // script(1) gives weakcheck a pseudo-terminal for stdout and stderr.
  Result R = run("/usr/bin/script",
                 {"-qec", Weakcheck + " -p " + Dir.Path.string() + " -j2", "/dev/null"});
  EXPECT_NE(R.Out.find("[6/6]"), std::string::npos) << describe(R);
  EXPECT_NE(R.Out.find("\r"), std::string::npos) << describe(R);
}

// ---- the bundled examples ---------------------------------------------------------

// Every "BUG (weakref-<check>)" comment in examples/ is followed within a few
// lines by exactly one finding of that check, and nothing else is reported:
// the correct code beside the bugs stays silent.
TEST(Examples, FindsEveryMarkedBugAndNothingElse) {
  const fs::path Src = fs::path(WEAKCHECK_EXAMPLES_DIR) / "src";
  std::vector<std::string> Args = {"--format=json"};
  std::map<std::string, std::vector<std::pair<unsigned, std::string>>> Markers;
  std::regex Marker(R"(BUG \((weakref-[a-z-]+)\))");
  for (const auto &Entry : fs::directory_iterator(Src)) {
    if (Entry.path().extension() != ".cpp")
      continue;
    Args.push_back(Entry.path().string());
    std::istringstream In(readFile(Entry.path()));
    unsigned LineNo = 0;
    for (std::string Line; std::getline(In, Line);) {
      ++LineNo;
      std::smatch M;
      if (std::regex_search(Line, M, Marker) &&
          isKnownCheck(M[1].str()))
        Markers[Entry.path().string()].push_back({LineNo, M[1].str()});
    }
  }
  const std::string Runtime = (fs::path(WEAKCHECK_EXAMPLES_DIR) / "../runtime/include").string();
  Args.insert(Args.end(), {"--", "-std=c++20", "-I" + Src.string(), "-I" + Runtime});
  Result R = weakcheck(Args);
  EXPECT_EQ(R.Status, 1) << describe(R);
  nlohmann::json J = nlohmann::json::parse(R.Out);
  unsigned Expected = 0;
  for (auto &[File, List] : Markers)
    Expected += List.size();
  EXPECT_GE(Expected, 5u);
  EXPECT_EQ(J["diagnostics"].size(), Expected) << R.Out;
  for (const auto &D : J["diagnostics"]) {
    std::string File = D["location"]["file"];
    unsigned Line = D["location"]["line"];
    auto &List = Markers[File];
    auto It = std::find_if(List.begin(), List.end(), [&](const auto &M) {
      return M.second == D["check"] && Line > M.first && Line <= M.first + 4;
    });
    EXPECT_NE(It, List.end()) << "unmarked finding: " << File << ":" << Line
                              << ": " << D["message"];
    if (It != List.end())
      List.erase(It);
  }
}

// ---- the pre-filter (checks/utils/Keywords.h) --------------------------------------

/// weakcheck's "pre-filter: <file>: matched N of M checks; skipped a,b" line
/// (printed with --enable-check-profile) for \p File.
std::string prefilterLine(const Result &R, const std::string &File) {
  std::istringstream In(R.Err);
  for (std::string Line; std::getline(In, Line);)
    if (Line.rfind("weakcheck: pre-filter: ", 0) == 0 &&
        Line.find("/" + File + ": ") != std::string::npos)
      return Line;
  return "";
}

TEST(Prefilter, TranslationUnitWithoutTheApiIsNotMatchedAtAll) {
  TempDir Dir;
  writeFile(Dir.Path / "plain.cpp", "struct S { int x; };\nint f(S s) { return s.x; }\n");
  fs::copy(Data + "/findings.cpp", Dir.Path / "findings.cpp");
  const std::string Check = "--checks=-*,weakref-dead-on-arrival";
  Result R = weakcheck({Check, "--enable-check-profile", "plain.cpp", "findings.cpp", "--",
                        "-std=c++17"},
                       Dir.Path);
  // Still reported where the API is used...
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(warningLines(R.Out).size(), 1u) << describe(R);
  EXPECT_NE(R.Out.find("findings.cpp:4:29: warning: weak reference 'w' is dead on arrival"),
            std::string::npos)
      << describe(R);
  EXPECT_EQ(prefilterLine(R, "findings.cpp"),
            "weakcheck: pre-filter: " + (Dir.Path / "findings.cpp").string() +
                ": matched 1 of 1 checks")
      << describe(R);
  // ...and where it is not, no check runs and the AST is not traversed.
  EXPECT_EQ(prefilterLine(R, "plain.cpp"),
            "weakcheck: pre-filter: " + (Dir.Path / "plain.cpp").string() +
                ": matched 0 of 1 checks; skipped weakref-dead-on-arrival")
      << describe(R);
  // --prefilter=false runs the check everywhere; the report is the same.
  Result Off = weakcheck({Check, "--prefilter=false", "--enable-check-profile", "plain.cpp",
                          "findings.cpp", "--", "-std=c++17"},
                         Dir.Path);
  EXPECT_EQ(Off.Out, R.Out);
  EXPECT_NE(prefilterLine(Off, "plain.cpp").find("matched 1 of 1 checks"), std::string::npos)
      << describe(Off);
}

TEST(Prefilter, SkipsOnlyTheChecksWhoseApiIsAbsent) {
  TempDir Dir;
  // The standard smart pointers are declared, CPython, pybind11 and the
  // weakref runtime are not.
  writeFile(Dir.Path / "std.cpp", "#include <memory>\nstd::shared_ptr<int> p;\n");
  Result R = weakcheck({"--enable-check-profile", "std.cpp", "--", "-std=c++17"}, Dir.Path);
  EXPECT_EQ(R.Status, 0) << describe(R);
  std::string Line = prefilterLine(R, "std.cpp");
  for (const char *Skipped : {"weakref-capi-clear-weakrefs", "weakref-capi-borrowed-getobject",
                              "weakref-callback-arity", "weakref-finalizer-captures-referent"})
    EXPECT_NE(Line.find(Skipped), std::string::npos) << Skipped << "\n" << Line;
  for (const char *Kept : {"weakref-dead-on-arrival", "weakref-self-capture-cycle",
                           "weakref-destructor-resurrection",
                           "weakref-non-public-enable-shared-from-this"})
    EXPECT_EQ(Line.find(Kept), std::string::npos) << Kept << "\n" << Line;
}

// What a scan of the user's own text would miss: the API is reached only
// through names declared in a system header (an alias of std::weak_ptr, a
// base class deriving from enable_shared_from_this). The pre-filter looks at
// every identifier of the unit, so these are still found.
TEST(Prefilter, ApiReachedOnlyThroughSystemHeadersIsStillChecked) {
  TempDir Dir;
  fs::create_directories(Dir.Path / "sys");
  writeFile(Dir.Path / "sys/lib.h",
            "#include <memory>\n"
            "namespace lib {\n"
            "struct Base : std::enable_shared_from_this<Base> {};\n"
            "using Owner = std::shared_ptr<Base>;\n"
            "using Handle = std::weak_ptr<Base>;\n"
            "}\n");
  writeFile(Dir.Path / "user.cpp",
            "#include <lib.h>\n"
            "class Conn : lib::Base {};\n"
            "void f() {\n"
            "  lib::Handle h = lib::Owner(new lib::Base);\n"
            "  (void)h;\n"
            "}\n");
  const std::vector<std::string> Tail = {"user.cpp", "--", "-std=c++17", "-isystem", "sys"};
  std::vector<std::string> On = {"--checks=-*,weakref-dead-on-arrival,"
                                 "weakref-non-public-enable-shared-from-this"};
  On.insert(On.end(), Tail.begin(), Tail.end());
  Result R = weakcheck(On, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  std::set<std::string> Lines = warningLines(R.Out);
  ASSERT_EQ(Lines.size(), 2u) << describe(R);
  EXPECT_EQ(Lines.begin()->substr(0, 11), "user.cpp:2:") << describe(R);
  EXPECT_EQ(std::next(Lines.begin())->substr(0, 11), "user.cpp:4:") << describe(R);
  std::vector<std::string> Off = On;
  Off.insert(Off.begin(), "--prefilter=false");
  EXPECT_EQ(weakcheck(Off, Dir.Path).Out, R.Out);
}

// A check option that is a pattern, not a name, keeps the check running:
// the pre-filter cannot tell which identifiers a regular expression needs.
TEST(Prefilter, PatternOptionsDisableTheFilterForThatCheck) {
  TempDir Dir;
  writeFile(Dir.Path / "plain.cpp", "int f(int x) { return x; }\n");
  Result R = weakcheck({"--checks=-*,weakref-capi-borrowed-getobject",
                        "--config={CheckOptions: "
                        "{weakref-capi-borrowed-getobject.FetchFunctions: 'PyWeakref_.*'}}",
                        "--enable-check-profile", "plain.cpp", "--", "-std=c++17"},
                       Dir.Path);
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(prefilterLine(R, "plain.cpp").find("matched 1 of 1 checks"), std::string::npos)
      << describe(R);
}

// ---- the clang-tidy plugin -------------------------------------------------------

TEST(Plugin, ClangTidyWithPluginReportsWhatWeakcheckReports) {
  // The same inputs through both front ends: the data files and every
  // example source.
  std::vector<std::vector<std::string>> Inputs = {
      {"findings.cpp", "--"},
      {"clean.cpp", "--"},
      {"nolint.cpp", "--"},
      {"--header-filter=in_header", "includes_header.cpp", "--"}};
  const fs::path Src = fs::path(WEAKCHECK_EXAMPLES_DIR) / "src";
  for (const auto &Entry : fs::directory_iterator(Src))
    if (Entry.path().extension() == ".cpp")
      Inputs.push_back({Entry.path().string(), "--", "-std=c++20", "-I" + Src.string(),
                        "-I" + (Src / "../../runtime/include").string()});
  unsigned WithFindings = 0;
  for (const std::vector<std::string> &Args : Inputs) {
    std::vector<std::string> TidyArgs = {"--load=" + Plugin, "--checks=-*,weakref-*"};
    TidyArgs.insert(TidyArgs.end(), Args.begin(), Args.end());
    Result Tidy = run(ClangTidy, TidyArgs);
    Result Ours = weakcheck(Args);
    std::set<std::string> TidyLines = warningLines(Tidy.Out);
    WithFindings += !TidyLines.empty();
    EXPECT_EQ(TidyLines, warningLines(Ours.Out)) << describe(Tidy) << describe(Ours);
  }
  EXPECT_GE(WithFindings, 4u);
}

TEST(Plugin, ClangTidyListsTheChecks) {
  Result R = run(ClangTidy, {"--load=" + Plugin, "--checks=-*,weakref-*", "--list-checks"});
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(R.Out.find("weakref-dead-on-arrival"), std::string::npos) << describe(R);
}

} // namespace
