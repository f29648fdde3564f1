//===-- CliSupport.h - run weakcheck as a child process in CLI tests -*- C++ -*-===//
//
// Shared by the CLI test files: temporary directories, files, and running a
// program with its stdout and stderr captured (or stdout sent elsewhere), in
// the foreground or in the background for tests that signal it.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TESTS_CLI_CLISUPPORT_H
#define WEAKCHECK_TESTS_CLI_CLISUPPORT_H

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace cli {

namespace fs = std::filesystem;

inline const std::string Weakcheck = WEAKCHECK_BINARY;
inline const std::string Plugin = WEAKCHECK_PLUGIN;
inline const std::string ClangTidy = WEAKCHECK_CLANG_TIDY;
inline const std::string Data = WEAKCHECK_CLI_DATA_DIR;

struct Result {
  int Status = -1;
  std::string Out;
  std::string Err;
};

inline std::string readFile(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

inline void writeFile(const fs::path &P, const std::string &Text) {
  std::ofstream Out(P, std::ios::binary);
  Out << Text;
}

/// A fresh directory removed at the end of the test.
struct TempDir {
  fs::path Path;
  TempDir() {
    std::string Templ = (fs::temp_directory_path() / "weakcheck-cli-XXXXXX").string();
    Path = mkdtemp(Templ.data());
  }
  ~TempDir() {
    std::error_code EC;
    fs::permissions(Path, fs::perms::owner_all, fs::perm_options::add, EC);
    fs::remove_all(Path, EC);
  }
};

/// A program started in the background; finish() waits for it.
struct Child {
  pid_t Pid = -1;
  std::unique_ptr<TempDir> Capture;
  bool CapturedStdout = true;
};

/// Starts \p Program with \p Args in \p Cwd; stdout goes to \p StdoutPath
/// (opened for writing, appending when \p Append) or, when empty, is
/// captured; stderr is captured; stdin is /dev/null.
inline Child spawn(const std::string &Program, const std::vector<std::string> &Args,
                   const fs::path &Cwd, const std::string &StdoutPath = "",
                   bool Append = false) {
  Child C;
  C.Capture = std::make_unique<TempDir>();
  C.CapturedStdout = StdoutPath.empty();
  fs::path OutPath = C.CapturedStdout ? C.Capture->Path / "out" : fs::path(StdoutPath);
  fs::path ErrPath = C.Capture->Path / "err";
  C.Pid = fork();
  if (C.Pid == 0) {
    int Out = open(OutPath.c_str(),
                   O_WRONLY | O_CREAT | (Append ? O_APPEND : O_TRUNC), 0600);
    int Err = open(ErrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int In = open("/dev/null", O_RDONLY);
    dup2(Out, 1);
    dup2(Err, 2);
    dup2(In, 0);
    if (chdir(Cwd.c_str()) != 0)
      _exit(126);
    std::vector<char *> Argv;
    Argv.push_back(const_cast<char *>(Program.c_str()));
    for (const std::string &A : Args)
      Argv.push_back(const_cast<char *>(A.c_str()));
    Argv.push_back(nullptr);
    execv(Program.c_str(), Argv.data());
    _exit(127);
  }
  return C;
}

/// Waits for \p C; a child killed by a signal reports 128 + signal, as a
/// shell does, and \p Signalled tells the two apart.
inline Result finish(Child &C, bool *Signalled = nullptr) {
  int WaitStatus = 0;
  waitpid(C.Pid, &WaitStatus, 0);
  Result R;
  R.Status = WIFEXITED(WaitStatus) ? WEXITSTATUS(WaitStatus)
                                   : 128 + WTERMSIG(WaitStatus);
  if (Signalled)
    *Signalled = WIFSIGNALED(WaitStatus);
  if (C.CapturedStdout)
    R.Out = readFile(C.Capture->Path / "out");
  R.Err = readFile(C.Capture->Path / "err");
  return R;
}

/// Runs \p Program with \p Args in \p Cwd, capturing stdout and stderr.
inline Result run(const std::string &Program, const std::vector<std::string> &Args,
                  const fs::path &Cwd = fs::path(WEAKCHECK_CLI_DATA_DIR)) {
  Child C = spawn(Program, Args, Cwd);
  return finish(C);
}

inline Result weakcheck(const std::vector<std::string> &Args,
                        const fs::path &Cwd = fs::path(WEAKCHECK_CLI_DATA_DIR)) {
  return run(Weakcheck, Args, Cwd);
}

inline std::string describe(const Result &R) {
  return "exit " + std::to_string(R.Status) + "\n--- stdout:\n" + R.Out +
         "--- stderr:\n" + R.Err;
}

/// Exit status 2 and one line on stderr that says what is wrong.
inline void expectToolError(const Result &R, const std::string &Fragment) {
  EXPECT_EQ(R.Status, 2) << describe(R);
  EXPECT_NE(R.Err.find(Fragment), std::string::npos)
      << "stderr lacks \"" << Fragment << "\"\n" << describe(R);
  EXPECT_EQ(R.Err.rfind("weakcheck: error: ", 0), 0u) << describe(R);
  EXPECT_EQ(std::count(R.Err.begin(), R.Err.end(), '\n'), 1) << describe(R);
}

} // namespace cli

#endif
