//===-- OutputSafetyTest.cpp - weakcheck never damages a file ------------===//
//
// --output, --export-fixes and --fix against what real runs meet: devices
// (/dev/null, /dev/full, /dev/stdout), FIFOs, symlinks, hard links, an output
// that is one of the inputs, translation units that do not compile, signals
// in the middle of a parallel run, and a standard output that cannot be
// written. Paths have spaces and non-ASCII characters.
//
//===----------------------------------------------------------------------===//

#include "CliSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

namespace {

using namespace cli;

const char *FixCheck = "--checks=-*,weakref-self-capture-cycle";

bool isCharDevice(const char *Path) {
  struct stat St;
  return lstat(Path, &St) == 0 && S_ISCHR(St.st_mode);
}

/// Names of the temporary files weakcheck left in \p Dir.
std::vector<std::string> leftovers(const fs::path &Dir) {
  std::vector<std::string> Names;
  for (const auto &E : fs::directory_iterator(Dir))
    if (E.path().filename().string().rfind(".weakcheck-output-", 0) == 0)
      Names.push_back(E.path().filename().string());
  return Names;
}

/// A directory with spaces and non-ASCII characters in its name, holding
/// findings.cpp (one finding) as "src ü.cpp".
struct Project {
  TempDir Root;
  fs::path Dir = Root.Path / "my project é";
  fs::path Source = Dir / "src ü.cpp";
  Project() {
    fs::create_directories(Dir);
    fs::copy(Data + "/findings.cpp", Source);
  }
  Result run(std::vector<std::string> Args) const {
    Args.push_back(Source.string());
    Args.push_back("--");
    Args.push_back("-std=c++17");
    return weakcheck(Args, Dir);
  }
};

// ---- devices, FIFOs, standard output -------------------------------------------

TEST(OutputSafety, DevFullIsAWriteErrorAndStaysADevice) {
  ASSERT_TRUE(isCharDevice("/dev/full"));
  Project P;
  Result R = P.run({"--format=json", "--output=/dev/full"});
  expectToolError(R, "cannot write output '/dev/full': No space left on device");
  EXPECT_TRUE(isCharDevice("/dev/full"));
  Result F = P.run({"--export-fixes=/dev/full"});
  EXPECT_EQ(F.Status, 2) << describe(F);
  EXPECT_NE(F.Err.find("No space left on device"), std::string::npos) << describe(F);
  EXPECT_TRUE(isCharDevice("/dev/full"));
  EXPECT_TRUE(leftovers("/dev").empty());
}

TEST(OutputSafety, DevNullIsWrittenInPlace) {
  ASSERT_TRUE(isCharDevice("/dev/null"));
  Project P;
  Result R = P.run({"--format=sarif", "--output=/dev/null", "--export-fixes=/dev/null"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_EQ(R.Out, "");
  EXPECT_TRUE(isCharDevice("/dev/null"));
  EXPECT_TRUE(leftovers("/dev").empty());
}

TEST(OutputSafety, DevStdoutWritesThroughStdoutAndKeepsAppending) {
  Project P;
  // Captured stdout (a regular file behind /dev/stdout): the report lands in
  // it, the file is not replaced by another one.
  Result R = P.run({"--format=json", "--output=/dev/stdout"});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(R.Out.find("\"version\": 1"), std::string::npos) << describe(R);
  // Stdout opened for appending (`>> log`): what was there stays.
  fs::path Log = P.Dir / "build log ü.txt";
  writeFile(Log, "earlier line\n");
  Child C = spawn(Weakcheck,
                  {"--output=/dev/stdout", P.Source.string(), "--", "-std=c++17"},
                  P.Dir, Log.string(), /*Append=*/true);
  Result A = finish(C);
  EXPECT_EQ(A.Status, 1) << describe(A);
  std::string Text = readFile(Log);
  EXPECT_EQ(Text.rfind("earlier line\n", 0), 0u) << Text;
  EXPECT_NE(Text.find("[weakref-dead-on-arrival]"), std::string::npos) << Text;
  EXPECT_TRUE(leftovers(P.Dir).empty());
}

TEST(OutputSafety, FifoIsWrittenInPlace) {
  Project P;
  fs::path Fifo = P.Dir / "report pipe ü";
  ASSERT_EQ(mkfifo(Fifo.c_str(), 0600), 0);
  std::string Received;
  std::thread Reader([&] { Received = readFile(Fifo); });
  Result R = P.run({"--format=json", "--output=" + Fifo.string()});
  Reader.join();
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_NE(Received.find("\"weakref-dead-on-arrival\""), std::string::npos) << Received;
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(Fifo)));
  EXPECT_TRUE(leftovers(P.Dir).empty());
}

TEST(OutputSafety, FailedWriteToStdoutExitsTwo) {
  Project P;
  Child Full = spawn(Weakcheck, {P.Source.string(), "--", "-std=c++17"}, P.Dir, "/dev/full");
  Result R = finish(Full);
  expectToolError(R, "cannot write the report to standard output: No space left on device");
  // A pipe whose reader is gone (weakcheck ... | head, head exited): EPIPE,
  // not a silent death by SIGPIPE.
  int Pipe[2];
  ASSERT_EQ(pipe(Pipe), 0);
  close(Pipe[0]);
  Child Broken = spawn(Weakcheck, {"--format=json", P.Source.string(), "--", "-std=c++17"},
                       P.Dir, "/proc/self/fd/" + std::to_string(Pipe[1]));
  bool Signalled = true;
  Result B = finish(Broken, &Signalled);
  close(Pipe[1]);
  EXPECT_FALSE(Signalled) << describe(B);
  expectToolError(B, "Broken pipe");
  // --list-checks too.
  Child List = spawn(Weakcheck, {"--list-checks"}, P.Dir, "/dev/full");
  expectToolError(finish(List), "No space left on device");
}

// ---- symlinks -----------------------------------------------------------------------

TEST(OutputSafety, SymlinkTargetIsWrittenAndTheLinkStays) {
  Project P;
  fs::create_directories(P.Dir / "out dir ü");
  fs::path Target = P.Dir / "out dir ü" / "real report.json";
  writeFile(Target, "old");
  fs::permissions(Target, fs::perms::owner_read | fs::perms::owner_write |
                              fs::perms::group_read);
  fs::path Link = P.Dir / "link ü.json";
  fs::create_symlink("out dir ü/real report.json", Link); // relative
  Result R = P.run({"--format=json", "--output=" + Link.string()});
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_TRUE(fs::is_symlink(Link));
  EXPECT_EQ(fs::read_symlink(Link), "out dir ü/real report.json");
  EXPECT_NE(readFile(Target).find("\"version\": 1"), std::string::npos);
  EXPECT_EQ(fs::status(Target).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_TRUE(leftovers(P.Dir).empty());
  EXPECT_TRUE(leftovers(P.Dir / "out dir ü").empty());

  // A chain of links, and a dangling one: the final target is created.
  fs::path Chain = P.Dir / "chain";
  fs::create_symlink(Link, Chain);
  fs::path Dangling = P.Dir / "fixes link";
  fs::create_symlink(P.Dir / "out dir ü" / "fixes ü.yaml", Dangling);
  Result C = P.run({"--output=" + Chain.string(),
                    "--export-fixes=" + Dangling.string()});
  EXPECT_EQ(C.Status, 1) << describe(C);
  EXPECT_TRUE(fs::is_symlink(Chain));
  EXPECT_TRUE(fs::is_symlink(Dangling));
  EXPECT_NE(readFile(Target).find("[weakref-dead-on-arrival]"), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(P.Dir / "out dir ü" / "fixes ü.yaml")));
  EXPECT_NE(readFile(Dangling).find("Diagnostics:"), std::string::npos);
}

TEST(OutputSafety, FixWritesThroughASymlinkedSource) {
  TempDir Dir;
  fs::create_directories(Dir.Path / "real ü");
  fs::copy(Data + "/fixable.cpp", Dir.Path / "real ü" / "fixable.cpp");
  fs::create_symlink("real ü/fixable.cpp", Dir.Path / "linked fixable.cpp");
  Result R = weakcheck({FixCheck, "--fix", "linked fixable.cpp", "--", "-std=c++20"}, Dir.Path);
  EXPECT_EQ(R.Status, 1) << describe(R);
  EXPECT_TRUE(fs::is_symlink(Dir.Path / "linked fixable.cpp"));
  EXPECT_NE(readFile(Dir.Path / "real ü" / "fixable.cpp").find("[self = weak_from_this()]"),
            std::string::npos);
}

// ---- an output that is an input ---------------------------------------------------

TEST(OutputSafety, OutputThatIsAnInputIsRefused) {
  Project P;
  const std::string Original = readFile(P.Source);
  fs::create_symlink(P.Source, P.Dir / "link to src.cpp");
  fs::create_hard_link(P.Source, P.Dir / "hard link.cpp");
  fs::create_directories(P.Dir / "sub");
  for (const std::string &Spelling :
       {P.Source.string(), std::string("./sub/../src ü.cpp"), std::string("link to src.cpp"),
        std::string("hard link.cpp")}) {
    for (const char *Option : {"--output=", "--export-fixes="}) {
      Result R = P.run({"--format=json", Option + Spelling});
      expectToolError(R, "refusing to overwrite an input");
      EXPECT_EQ(R.Out, "");
      EXPECT_EQ(readFile(P.Source), Original) << Option << Spelling;
      EXPECT_TRUE(leftovers(P.Dir).empty());
    }
  }
  EXPECT_TRUE(fs::is_symlink(P.Dir / "link to src.cpp"));
  EXPECT_EQ(fs::hard_link_count(P.Source), 2u);

  // Files taken from a compilation database, and the database itself.
  writeFile(P.Dir / "compile_commands.json",
            "[{\"directory\": \"" + P.Dir.string() +
                "\", \"command\": \"c++ -std=c++17 -c 'src ü.cpp'\", \"file\": \"src ü.cpp\"}]");
  const std::string Db = readFile(P.Dir / "compile_commands.json");
  expectToolError(weakcheck({"-p", ".", "--output=hard link.cpp"}, P.Dir),
                  "is the source file");
  expectToolError(weakcheck({"-p", ".", "--output=compile_commands.json"}, P.Dir),
                  "is the compilation database");
  EXPECT_EQ(readFile(P.Source), Original);
  EXPECT_EQ(readFile(P.Dir / "compile_commands.json"), Db);

  // --output and --export-fixes naming one file, through a link.
  fs::create_symlink("report.json", P.Dir / "report link");
  expectToolError(P.run({"--output=report.json", "--export-fixes=report link"}),
                  "name the same file");
  expectToolError(P.run({"--output=new.json", "--export-fixes=sub/../new.json"}),
                  "name the same file");
}

// ---- --fix and translation units that do not compile ------------------------------

TEST(OutputSafety, FixLeavesTranslationUnitsThatFailedToCompile) {
  TempDir Dir;
  fs::path Broken = Dir.Path / "broken ü.cpp", Good = Dir.Path / "good.cpp";
  const std::string BrokenText = readFile(Data + "/fixable.cpp") + "int broken = ;\n";
  writeFile(Broken, BrokenText);
  fs::copy(Data + "/fixable.cpp", Good);
  Result R = weakcheck({FixCheck, "--fix", Broken.string(), Good.string(), "--", "-std=c++20"},
                       Dir.Path);
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_NE(R.Err.find("1 file failed to compile; its fix-its are not applied (pass "
                       "--fix-errors"),
            std::string::npos)
      << describe(R);
  EXPECT_NE(R.Err.find("applied 1 fix in 1 file"), std::string::npos) << describe(R);
  EXPECT_EQ(readFile(Broken), BrokenText);
  EXPECT_NE(readFile(Good).find("[self = weak_from_this()]"), std::string::npos);

  // --fix-errors: as clang-tidy, apply them anyway (and exit as clang-tidy:
  // 1 for the compile error).
  Result E = weakcheck({FixCheck, "--fix-errors", Broken.string(), "--", "-std=c++20"}, Dir.Path);
  EXPECT_EQ(E.Status, 1) << describe(E);
  EXPECT_NE(E.Err.find("applied 1 fix in 1 file"), std::string::npos) << describe(E);
  EXPECT_NE(readFile(Broken).find("[self = weak_from_this()]"), std::string::npos);
}

// ---- signals ------------------------------------------------------------------------

/// Sends \p Signal to a real -j2 run over slow translation units once it has
/// claimed its outputs; the run exits 128 + signal, removes its temporary
/// files and leaves the previous report as it was.
void interruptRun(int Signal) {
  TempDir Dir;
  fs::path Work = Dir.Path / "interrupted run ü";
  fs::create_directories(Work);
  std::vector<std::string> Args = {"-j2", "--format=json", "--output=report ü.json",
                                   "--export-fixes=fixes.yaml"};
  for (int I = 0; I < 24; ++I) {
    std::string Name = "slow " + std::to_string(I) + ".cpp";
    writeFile(Work / Name, "#include <regex>\n#include <future>\n#include <iostream>\n"
                           "#include <unordered_map>\n" +
                               readFile(Data + "/findings.cpp"));
    Args.push_back(Name);
  }
  Args.insert(Args.end(), {"--", "-std=c++17"});
  writeFile(Work / "report ü.json", "previous report");
  Child C = spawn(Weakcheck, Args, Work);
  auto Deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (leftovers(Work).size() < 2 && std::chrono::steady_clock::now() < Deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(leftovers(Work).size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // inside -j2 work
  kill(C.Pid, Signal);
  bool Signalled = true;
  Result R = finish(C, &Signalled);
  EXPECT_FALSE(Signalled) << describe(R);
  EXPECT_EQ(R.Status, 128 + Signal) << describe(R);
  EXPECT_NE(R.Err.find("interrupted"), std::string::npos) << describe(R);
  EXPECT_TRUE(leftovers(Work).empty());
  EXPECT_EQ(readFile(Work / "report ü.json"), "previous report");
  EXPECT_FALSE(fs::exists(Work / "fixes.yaml"));
}

TEST(OutputSafety, SigintDuringParallelRunRemovesTemporaryFiles) { interruptRun(SIGINT); }

TEST(OutputSafety, SigtermDuringParallelRunRemovesTemporaryFiles) { interruptRun(SIGTERM); }

} // namespace

// ---- --timeout ----------------------------------------------------------------------

namespace {

// Constant evaluation that runs for minutes: a translation unit that hangs.
const char *Spinning = "constexpr long long spin() {\n"
                       "  long long S = 0;\n"
                       "  for (long long I = 0; I < 4000000000LL; ++I)\n"
                       "    S += I % 7;\n"
                       "  return S;\n"
                       "}\n"
                       "static_assert(spin() > 0);\n";

TEST(Timeout, UnitOverTheLimitIsReportedAsNotAnalysed) {
  Project P;
  writeFile(P.Dir / "spin ü.cpp", Spinning);
  auto Start = std::chrono::steady_clock::now();
  // -j1: the unit after the stuck one is still analysed. 15 s: plenty for
  // the other unit on a loaded machine, minutes short of the spinning one.
  Result R = weakcheck({"--timeout=15", "-j1", "--format=json", "--output=report ü.json",
                        "spin ü.cpp", P.Source.string(), "--", "-std=c++20",
                        "-fconstexpr-steps=2147483647"},
                       P.Dir);
  auto Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_LT(Seconds, 90) << describe(R);
  EXPECT_NE(R.Err.find("not analysed: over the time limit (--timeout=15)"), std::string::npos)
      << describe(R);
  nlohmann::json J = nlohmann::json::parse(readFile(P.Dir / "report ü.json"));
  EXPECT_EQ(J["summary"]["filesFailed"], 1);
  EXPECT_EQ(J["summary"]["filesAnalyzed"], 1);
  ASSERT_EQ(J["diagnostics"].size(), 1u);
  EXPECT_EQ(J["diagnostics"][0]["check"], "weakref-dead-on-arrival");
  bool Seen = false;
  for (const auto &F : J["files"])
    if (F["file"] == (P.Dir / "spin ü.cpp").string()) {
      Seen = true;
      EXPECT_EQ(F["status"], "failed");
      ASSERT_FALSE(F["errors"].empty());
      EXPECT_NE(F["errors"][0]["message"].get<std::string>().find("took longer than --timeout"),
                std::string::npos);
    }
  EXPECT_TRUE(Seen) << J.dump(2);
  EXPECT_TRUE(leftovers(P.Dir).empty());
  // Units within the limit are unaffected.
  Result Fast = P.run({"--timeout=120"});
  EXPECT_EQ(Fast.Status, 1) << describe(Fast);
  expectToolError(P.run({"--timeout=soon"}), "timeout");
}

} // namespace
