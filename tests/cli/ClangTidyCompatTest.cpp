//===-- ClangTidyCompatTest.cpp - weakcheck where clang-tidy is expected --===//
//
// clang-tidy's options with clang-tidy's meaning, a full compile command
// after "--" (as CMake passes it), the two exit-status conventions, shared
// .clang-tidy files and --list-checks. The real clients (CMake, run-clang-tidy,
// clang-tidy-diff, pre-commit) are driven by test_clang_tidy_clients.py and
// test_pre_commit.py.
//
//===----------------------------------------------------------------------===//

#include "CliSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace cli;

/// What CMake's CMAKE_CXX_CLANG_TIDY runs for \p Source (absolute).
std::vector<std::string> cmakeStyle(const std::string &Source,
                                    std::vector<std::string> Options = {}) {
  std::vector<std::string> Args = {"--extra-arg-before=--driver-mode=g++"};
  Args.insert(Args.end(), Options.begin(), Options.end());
  Args.insert(Args.end(),
              {Source, "--", "/usr/bin/c++", "-DNDEBUG", "-O2", "-std=gnu++17", "-MD", "-MT",
               "CMakeFiles/app.dir/x.cpp.o", "-MF", "CMakeFiles/app.dir/x.cpp.o.d", "-o",
               "CMakeFiles/app.dir/x.cpp.o", "-c", Source});
  return Args;
}

TEST(ClangTidyCompat, FullCompileCommandAfterDoubleDash) {
  TempDir Dir;
  fs::path Src = Dir.Path / "src ü" / "app.cpp";
  fs::create_directories(Src.parent_path());
  fs::copy(Data + "/findings.cpp", Src);
  Result R = weakcheck(cmakeStyle(Src.string()), Dir.Path);
  // clang-tidy's convention (CMake fails the build on any other status):
  // findings are warnings, exit 0.
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(R.Out.find("app.cpp:4:29: warning:"), std::string::npos) << describe(R);
  EXPECT_EQ(R.Err.find("cannot specify -o"), std::string::npos) << describe(R);
  // Nothing was compiled or written.
  EXPECT_FALSE(fs::exists(Dir.Path / "CMakeFiles"));
  Result E = weakcheck(cmakeStyle(Src.string(), {"--warnings-as-errors=weakref-*"}), Dir.Path);
  EXPECT_EQ(E.Status, 1) << describe(E);
  EXPECT_NE(E.Out.find("app.cpp:4:29: error:"), std::string::npos) << describe(E);
}

TEST(ClangTidyCompat, ExitStatusConventions) {
  const std::vector<std::string> Finding = {"findings.cpp", "--"};
  auto With = [&](std::vector<std::string> Options) {
    Options.insert(Options.end(), Finding.begin(), Finding.end());
    return weakcheck(Options).Status;
  };
  // weakcheck's own: 0 / 1 findings / 2 could not do its job.
  EXPECT_EQ(With({}), 1);
  EXPECT_EQ(With({"--checks=weakref-*", "-j2"}), 1);
  EXPECT_EQ(weakcheck({"syntax_error.cpp", "--"}).Status, 2);
  // clang-tidy's, asked for or implied by a clang-tidy option or spelling.
  EXPECT_EQ(With({"--exit-status=clang-tidy"}), 0);
  EXPECT_EQ(With({"--extra-arg=-DX"}), 0);
  EXPECT_EQ(With({"-checks=weakref-*"}), 0);
  EXPECT_EQ(With({"-quiet"}), 0);
  EXPECT_EQ(With({"--exit-status=weakcheck", "--extra-arg=-DX"}), 1);
  EXPECT_EQ(With({"--exit-status=clang-tidy", "--warnings-as-errors=*"}), 1);
  EXPECT_EQ(weakcheck({"--exit-status=clang-tidy", "syntax_error.cpp", "--"}).Status, 1);
  EXPECT_EQ(weakcheck({"--exit-status=clang-tidy", "--no-such-option", "x.cpp"}).Status, 1);
  EXPECT_EQ(weakcheck({"--exit-status=clang-tidy", "--output=/dev/full", "findings.cpp", "--"})
                .Status,
            1);
  Result Bad = weakcheck({"--exit-status=tidy", "findings.cpp", "--"});
  EXPECT_EQ(Bad.Status, 2) << describe(Bad);
  EXPECT_NE(Bad.Err.find("unknown --exit-status 'tidy'"), std::string::npos) << describe(Bad);
  // Installed under clang-tidy's name.
  TempDir Dir;
  fs::create_symlink(Weakcheck, Dir.Path / "clang-tidy");
  Result Named = run((Dir.Path / "clang-tidy").string(), Finding);
  EXPECT_EQ(Named.Status, 0) << describe(Named);
  EXPECT_NE(Named.Out.find("[weakref-dead-on-arrival]"), std::string::npos) << describe(Named);
}

TEST(ClangTidyCompat, SharedChecksGlobsAreNotErrors) {
  Result R = weakcheck({"--checks=-*,bugprone-*,weakref-*,clang-analyzer-*", "findings.cpp", "--"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  expectToolError(weakcheck({"--checks=-*,bugprone-*,weakref-dead-on-arival", "findings.cpp", "--"}),
                  "'weakref-dead-on-arival' matches no weakcheck check");
}

TEST(ClangTidyCompat, VendoredFolderWithNoChecksIsSkipped) {
  TempDir Dir;
  fs::create_directories(Dir.Path / "third party ü");
  fs::copy(Data + "/findings.cpp", Dir.Path / "third party ü" / "vendored.cpp");
  fs::copy(Data + "/findings.cpp", Dir.Path / "own.cpp");
  writeFile(Dir.Path / "third party ü" / ".clang-tidy", "Checks: '-*'\n");
  Result R = weakcheck({"--format=json", "own.cpp", "third party ü/vendored.cpp", "--"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(R.Err.find("note: skipping '" + (Dir.Path / "third party ü/vendored.cpp").string()),
            std::string::npos)
      << describe(R);
  nlohmann::json J = nlohmann::json::parse(R.Out);
  EXPECT_EQ(J["diagnostics"].size(), 1u);
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 1);
  // Every file skipped: a clean run with a valid (empty) report.
  Result All = weakcheck({"--format=json", "third party ü/vendored.cpp", "--"}, Dir.Path);
  EXPECT_EQ(All.Status, 0) << describe(All);
  EXPECT_EQ(nlohmann::json::parse(All.Out)["summary"]["filesAnalyzed"], 0);
  // --quiet hides the note, not the skip.
  Result Quiet = weakcheck({"--quiet", "third party ü/vendored.cpp", "--"}, Dir.Path);
  EXPECT_EQ(Quiet.Status, 0) << describe(Quiet);
  EXPECT_EQ(Quiet.Err, "");
  // No checks chosen on the command line: an error unless --allow-no-checks.
  expectToolError(weakcheck({"--checks=-*", "own.cpp", "--"}, Dir.Path),
                  "no weakref check is enabled");
  Result Allowed = weakcheck({"--checks=-*", "--allow-no-checks", "own.cpp", "--"}, Dir.Path);
  EXPECT_EQ(Allowed.Status, 0) << describe(Allowed);
  EXPECT_NE(Allowed.Err.find("note: skipping"), std::string::npos) << describe(Allowed);
}

TEST(ClangTidyCompat, BuildDirAndDoubleDashTogetherAreRefused) {
  TempDir Dir;
  writeFile(Dir.Path / "compile_commands.json", "[]");
  expectToolError(weakcheck({"-p", Dir.Path.string(), "findings.cpp", "--", "-std=c++17"}),
                  "-p and '--' both give the compile commands");
  // An empty "--" only ends the file list: the database's commands are used
  // (this one has none for the file: a similar file's, or defaults).
  writeFile(Dir.Path / "compile_commands.json",
            "[{\"directory\": \"" + Dir.Path.string() +
                "\", \"command\": \"c++ -DWITH_BUG -c guarded.cpp\", \"file\": \"guarded.cpp\"}]");
  writeFile(Dir.Path / "guarded.cpp",
            "#ifdef WITH_BUG\n" + readFile(Data + "/findings.cpp") + "#endif\n");
  Result R = weakcheck({"-p", Dir.Path.string(), "guarded.cpp", "--"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
}

TEST(ClangTidyCompat, InvalidRegexesAndLineFilters) {
  expectToolError(weakcheck({"--header-filter=src/(", "findings.cpp", "--"}),
                  "invalid regular expression in --header-filter 'src/('");
  Result X = weakcheck({"--exclude-header-filter=[", "findings.cpp", "--"});
  EXPECT_EQ(X.Status, 1) << describe(X); // a clang-tidy option: clang-tidy's status
  EXPECT_NE(X.Err.find("invalid regular expression in --exclude-header-filter"),
            std::string::npos)
      << describe(X);
  for (const char *Bad : {"[{", "{}", "[{\"lines\":[[1,2]]}]", "[{\"name\":\"a.cpp\",\"lines\":[1]}]"}) {
    Result L = weakcheck({std::string("--line-filter=") + Bad, "findings.cpp", "--"});
    EXPECT_EQ(L.Status, 1) << Bad << describe(L);
    EXPECT_EQ(L.Err.rfind("weakcheck: error: invalid --line-filter: ", 0), 0u) << describe(L);
    EXPECT_EQ(std::count(L.Err.begin(), L.Err.end(), '\n'), 1) << describe(L);
  }
}

TEST(ClangTidyCompat, LineFilterSelectsLines) {
  auto Count = [](const std::string &Filter) {
    Result R = weakcheck({"--format=json", "--line-filter=" + Filter, "findings.cpp",
                          "includes_header.cpp", "--header-filter=.*", "--"});
    return nlohmann::json::parse(R.Out)["diagnostics"].size();
  };
  EXPECT_EQ(Count("[{\"name\":\"findings.cpp\",\"lines\":[[4,4]]}]"), 1u);
  EXPECT_EQ(Count("[{\"name\":\"findings.cpp\",\"lines\":[[1,3],[5,9]]}]"), 0u);
  // A file named without lines: all of it; files not named: nothing.
  EXPECT_EQ(Count("[{\"name\":\"findings.cpp\"},{\"name\":\"in_header.h\"}]"), 2u);
  EXPECT_EQ(Count("[{\"name\":\"in_header.h\"}]"), 1u);
}

TEST(ClangTidyCompat, ExtraArgsReachTheCompiler) {
  TempDir Dir;
  writeFile(Dir.Path / "guarded.cpp", "#ifdef WITH_BUG\n" + readFile(Data + "/findings.cpp") +
                                          "#endif\n#ifdef BROKEN\nthis is not C++;\n#endif\n");
  EXPECT_EQ(weakcheck({"guarded.cpp", "--"}, Dir.Path).Status, 0);
  Result After = weakcheck({"--exit-status=weakcheck", "--extra-arg=-DWITH_BUG", "guarded.cpp",
                            "--", "-std=c++17"},
                           Dir.Path);
  EXPECT_EQ(After.Status, 1) << describe(After);
  // Before: the command's own -U wins over it; after: it wins over the command.
  Result Before = weakcheck({"--exit-status=weakcheck", "--extra-arg-before=-DWITH_BUG",
                             "guarded.cpp", "--", "-UWITH_BUG"},
                            Dir.Path);
  EXPECT_EQ(Before.Status, 0) << describe(Before);
  Result Both = weakcheck({"--exit-status=weakcheck", "--extra-arg=-DWITH_BUG",
                           "--extra-arg=-DBROKEN", "guarded.cpp", "--"},
                          Dir.Path);
  EXPECT_EQ(Both.Status, 2) << describe(Both);
}

TEST(ClangTidyCompat, HeaderFiltersAndSystemHeaders) {
  TempDir Dir;
  fs::create_directories(Dir.Path / "vendor");
  fs::create_directories(Dir.Path / "sys");
  fs::copy(Data + "/in_header.h", Dir.Path / "vendor/in_header.h");
  fs::copy(Data + "/in_header.h", Dir.Path / "sys/sys_header.h");
  writeFile(Dir.Path / "main.cpp", "#include \"vendor/in_header.h\"\n");
  writeFile(Dir.Path / "sysuser.cpp",
            "#define header_bug sys_bug\n#include <sys_header.h>\n");
  auto Findings = [&](std::vector<std::string> Options, const std::string &File) {
    Options.insert(Options.end(), {"--exit-status=weakcheck", "--format=json", File, "--",
                                   "-isystem", "sys"});
    Result R = weakcheck(Options, Dir.Path);
    return nlohmann::json::parse(R.Out)["diagnostics"].size();
  };
  EXPECT_EQ(Findings({"--header-filter=.*"}, "main.cpp"), 1u);
  EXPECT_EQ(Findings({"--header-filter=.*", "--exclude-header-filter=vendor/"}, "main.cpp"), 0u);
  EXPECT_EQ(Findings({"--header-filter=.*"}, "sysuser.cpp"), 0u);
  EXPECT_EQ(Findings({"--header-filter=.*", "--system-headers"}, "sysuser.cpp"), 1u);
}

TEST(ClangTidyCompat, UseColor) {
  Result Plain = weakcheck({"findings.cpp", "--"});
  EXPECT_EQ(Plain.Out.find("\x1b["), std::string::npos) << describe(Plain);
  Result Colored = weakcheck({"--use-color", "findings.cpp", "--"});
  EXPECT_NE(Colored.Out.find("\x1b[0;1;35mwarning: "), std::string::npos) << describe(Colored);
  EXPECT_NE(Colored.Out.find("[weakref-dead-on-arrival]"), std::string::npos);
  // On a terminal colour is the default, and --use-color=false turns it off.
  Result Tty = run("/usr/bin/script",
                   {"-qec", Weakcheck + " " + Data + "/findings.cpp --", "/dev/null"});
  EXPECT_NE(Tty.Out.find("\x1b[0;1;35mwarning: "), std::string::npos) << describe(Tty);
  Result TtyOff = run("/usr/bin/script", {"-qec",
                                          Weakcheck + " --use-color=false " + Data +
                                              "/findings.cpp --",
                                          "/dev/null"});
  EXPECT_EQ(TtyOff.Out.find("\x1b[0;1;35m"), std::string::npos) << describe(TtyOff);
  // JSON is never coloured.
  Result Json = weakcheck({"--use-color", "--format=json", "findings.cpp", "--"});
  EXPECT_TRUE(nlohmann::json::accept(Json.Out)) << describe(Json);
}

TEST(ClangTidyCompat, DumpAndVerifyConfig) {
  TempDir Dir;
  writeFile(Dir.Path / ".clang-tidy",
            "Checks: 'bugprone-*,weakref-*,-weakref-lost-callback'\n"
            "CheckOptions:\n  weakref-dead-on-arrival.OwnerFactories: '::app::create'\n");
  Result Dump = weakcheck({"--dump-config"}, Dir.Path);
  EXPECT_EQ(Dump.Status, 0) << describe(Dump);
  EXPECT_NE(Dump.Out.find("Checks:"), std::string::npos) << describe(Dump);
  EXPECT_NE(Dump.Out.find("-weakref-lost-callback"), std::string::npos) << describe(Dump);
  EXPECT_NE(Dump.Out.find("weakref-dead-on-arrival.OwnerFactories"), std::string::npos);
  EXPECT_NE(Dump.Out.find("'::app::create'"), std::string::npos) << describe(Dump);
  // The dump is a configuration weakcheck reads back.
  writeFile(Dir.Path / "dumped.yaml", Dump.Out);
  fs::copy(Data + "/custom_factory.cpp", Dir.Path / "custom_factory.cpp");
  Result Back = weakcheck({"--config-file=dumped.yaml", "custom_factory.cpp", "--"}, Dir.Path);
  EXPECT_EQ(Back.Status, 1) << describe(Back);

  Result Ok = weakcheck({"--verify-config"}, Dir.Path);
  EXPECT_EQ(Ok.Status, 0) << describe(Ok);
  EXPECT_EQ(Ok.Out, "No config errors detected.\n");
  writeFile(Dir.Path / ".clang-tidy",
            "CheckOptions:\n  weakref-dead-on-arrival.OwnerFactorys: '::app::create'\n");
  Result Bad = weakcheck({"--verify-config"}, Dir.Path);
  EXPECT_EQ(Bad.Status, 1) << describe(Bad);
  EXPECT_NE(Bad.Err.find("unknown check option 'weakref-dead-on-arrival.OwnerFactorys'"),
            std::string::npos)
      << describe(Bad);
}

// weakref-self-capture-cycle's fix-it, on a line whose spacing clang-format
// would change.
const char *Misformatted = "#include <functional>\n#include <memory>\n"
                           "struct Reader : std::enable_shared_from_this<Reader> {\n"
                           "  std::function<void()> on_read_;\n"
                           "  void start() {\n"
                           "    on_read_ = [self    =    shared_from_this()] {};\n"
                           "  }\n};\n";

TEST(ClangTidyCompat, FormatStyleFormatsAroundTheFix) {
  TempDir Dir;
  const std::vector<std::string> Fix = {"--checks=-*,weakref-self-capture-cycle", "--fix",
                                        "r.cpp", "--", "-std=c++20"};
  writeFile(Dir.Path / "r.cpp", Misformatted);
  EXPECT_EQ(weakcheck(Fix, Dir.Path).Status, 1);
  EXPECT_NE(readFile(Dir.Path / "r.cpp").find("[self    =    weak_from_this()]"),
            std::string::npos)
      << readFile(Dir.Path / "r.cpp");

  writeFile(Dir.Path / "r.cpp", Misformatted);
  std::vector<std::string> Styled = Fix;
  Styled.insert(Styled.begin(), "--format-style=llvm");
  Result R = weakcheck(Styled, Dir.Path);
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(readFile(Dir.Path / "r.cpp").find("on_read_ = [self = weak_from_this()] {};"),
            std::string::npos)
      << readFile(Dir.Path / "r.cpp");

  // FormatStyle in .clang-tidy, with a .clang-format for style "file".
  writeFile(Dir.Path / "r.cpp", Misformatted);
  writeFile(Dir.Path / ".clang-tidy", "FormatStyle: file\n");
  writeFile(Dir.Path / ".clang-format", "BasedOnStyle: LLVM\n");
  EXPECT_EQ(weakcheck(Fix, Dir.Path).Status, 1);
  EXPECT_NE(readFile(Dir.Path / "r.cpp").find("on_read_ = [self = weak_from_this()] {};"),
            std::string::npos)
      << readFile(Dir.Path / "r.cpp");

  writeFile(Dir.Path / "r.cpp", Misformatted);
  Result Bad = weakcheck({"--format-style={BasedOnStyle: Nope}", "--fix",
                          "--checks=-*,weakref-self-capture-cycle", "r.cpp", "--",
                          "-std=c++20"},
                         Dir.Path);
  EXPECT_EQ(Bad.Status, 1) << describe(Bad);
  EXPECT_NE(Bad.Err.find("invalid format style"), std::string::npos) << describe(Bad);
  EXPECT_EQ(readFile(Dir.Path / "r.cpp"), Misformatted);
}

TEST(ClangTidyCompat, FixNotesIsAccepted) {
  // No check offers a fix-it on a note yet: the option must not change the
  // fix-its of the main diagnostics.
  TempDir Dir;
  fs::copy(Data + "/fixable.cpp", Dir.Path / "fixable.cpp");
  Result R = weakcheck({"--checks=-*,weakref-self-capture-cycle", "--fix", "--fix-notes",
                        "fixable.cpp", "--", "-std=c++20"},
                       Dir.Path);
  EXPECT_EQ(R.Status, 0) << describe(R);
  EXPECT_NE(readFile(Dir.Path / "fixable.cpp").find("[self = weak_from_this()]"),
            std::string::npos);
}

TEST(ClangTidyCompat, ExportFixesToADirectory) {
  TempDir Dir;
  fs::copy(Data + "/fixable.cpp", Dir.Path / "fixable ü.cpp");
  fs::create_directories(Dir.Path / "fixes dir");
  for (int I = 0; I < 2; ++I) {
    Result R = weakcheck({"--checks=-*,weakref-self-capture-cycle", "--export-fixes=fixes dir",
                          "fixable ü.cpp", "--", "-std=c++20"},
                         Dir.Path);
    EXPECT_EQ(R.Status, 1) << describe(R);
  }
  // One file per run, never replacing another run's.
  std::vector<fs::path> Yamls;
  for (const auto &E : fs::directory_iterator(Dir.Path / "fixes dir"))
    Yamls.push_back(E.path());
  ASSERT_EQ(Yamls.size(), 2u);
  for (const fs::path &Y : Yamls) {
    EXPECT_EQ(Y.extension(), ".yaml");
    EXPECT_NE(readFile(Y).find("weakref-self-capture-cycle"), std::string::npos);
  }
  fs::remove(Yamls[1]);
  Result Apply = run(WEAKCHECK_CLANG_APPLY_REPLACEMENTS, {(Dir.Path / "fixes dir").string()},
                     Dir.Path);
  EXPECT_EQ(Apply.Status, 0) << describe(Apply);
  EXPECT_NE(readFile(Dir.Path / "fixable ü.cpp").find("[self = weak_from_this()]"),
            std::string::npos);
}

TEST(ClangTidyCompat, ListChecksWithDescriptionsAndJson) {
  Result Text = weakcheck({"--list-checks"});
  EXPECT_EQ(Text.Status, 0) << describe(Text);
  EXPECT_NE(Text.Out.find("    weakref-dead-on-arrival\n        Finds weak references made"),
            std::string::npos)
      << describe(Text);
  Result J = weakcheck({"--list-checks", "--format=json", "--checks=-*,weakref-dead-on-arrival"});
  EXPECT_EQ(J.Status, 0) << describe(J);
  nlohmann::json Doc = nlohmann::json::parse(J.Out);
  EXPECT_EQ(Doc["version"], 1);
  ASSERT_GE(Doc["checks"].size(), 13u);
  unsigned Enabled = 0;
  for (const auto &C : Doc["checks"]) {
    EXPECT_FALSE(C["summary"].get<std::string>().empty()) << C.dump();
    EXPECT_NE(C["documentation"].get<std::string>().find(
                  "/docs/checks/" + C["name"].get<std::string>() + ".md"),
              std::string::npos);
    if (C["enabled"].get<bool>()) {
      ++Enabled;
      EXPECT_EQ(C["name"], "weakref-dead-on-arrival");
    }
  }
  EXPECT_EQ(Enabled, 1u);
  // run-clang-tidy's probe: "-list-checks -".
  Result Probe = weakcheck({"-p=.", "-list-checks", "-"});
  EXPECT_EQ(Probe.Status, 0) << describe(Probe);
  EXPECT_NE(Probe.Out.find("Enabled checks:"), std::string::npos);
}

} // namespace
