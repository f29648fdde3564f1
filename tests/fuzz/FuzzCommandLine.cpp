//===-- FuzzCommandLine.cpp - weakcheck's command line and configuration -===//
//
// libFuzzer target: the whole weakcheck CLI in-process (tool/WeakcheckMain.cpp
// compiled in, its main renamed) on mutated command lines and .clang-tidy
// files. An input is text: lines up to a line "====" are the arguments, one
// per line (at most 24); the rest is the .clang-tidy of the directory the
// run happens in, a scratch directory holding a few sources (one with a
// finding, one with a fix-it, a header, one that does not compile) and a
// compile_commands.json listing them. Seeds: tests/fuzz/cli-seeds/.
//
// Sandbox: an argument with '/' (or a response file '@...') is refused, so
// every path is inside the scratch directory, and arguments that end the
// process by design (--help, --version, --timeout) are refused too.
//
//===----------------------------------------------------------------------===//

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

int weakcheckMain(int argc, const char **argv);

namespace {

const char *Findings = "#include <memory>\nstruct C {};\nvoid f() {\n"
                       "  std::weak_ptr<C> w = std::make_shared<C>();\n  (void)w;\n}\n";
const char *Fixable = "#include <functional>\n#include <memory>\n"
                      "struct R : std::enable_shared_from_this<R> {\n"
                      "  std::function<void()> cb;\n"
                      "  void start() { cb = [self = shared_from_this()] {}; }\n};\n";
const char *Header = "#pragma once\n#include <memory>\n"
                     "inline std::weak_ptr<int> g() { return std::make_shared<int>(1); }\n";
const char *User = "#include \"h.h\"\nint main() { return g().expired(); }\n";
const char *Broken = "#include <memory>\nvoid f() { this is not C++; }\n";

std::string &scratch() {
  static std::string Dir = [] {
    llvm::SmallString<128> D;
    if (llvm::sys::fs::createUniqueDirectory("weakcheck-fuzz-cli", D))
      std::abort();
    // Reports go to stdout: keep them out of the fuzzer's log.
    int Null = ::open("/dev/null", O_WRONLY);
    ::dup2(Null, 1);
    return std::string(D);
  }();
  return Dir;
}

void put(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  OS << Text;
}

bool allowed(llvm::StringRef Arg) {
  if (Arg.contains('/') || Arg.starts_with("@") || Arg.contains('\0'))
    return false;
  llvm::StringRef Name = Arg.ltrim('-').split('=').first;
  for (const char *Refused : {"help", "version", "timeout", "print-", "h"})
    if (Name.starts_with(Refused))
      return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Input(reinterpret_cast<const char *>(Data), Size);
  auto [ArgText, Config] = Input.split("\n====\n");
  llvm::SmallVector<llvm::StringRef> Lines;
  ArgText.split(Lines, '\n', 24, /*KeepEmpty=*/false);
  std::vector<std::string> Args = {"weakcheck"};
  for (llvm::StringRef L : Lines) {
    if (!allowed(L))
      return -1; // not added to the corpus
    Args.push_back(L.str());
  }

  const std::string &Dir = scratch();
  put(Dir + "/findings.cpp", Findings);
  put(Dir + "/fixable.cpp", Fixable);
  put(Dir + "/h.h", Header);
  put(Dir + "/user.cpp", User);
  put(Dir + "/broken.cpp", Broken);
  put(Dir + "/.clang-tidy", Config);
  std::string Db = "[";
  for (const char *F : {"findings.cpp", "fixable.cpp", "user.cpp", "broken.cpp"})
    Db += std::string(Db.size() > 1 ? "," : "") + "{\"directory\": \"" + Dir +
          "\", \"command\": \"c++ -std=c++20 -c " + F + "\", \"file\": \"" + F + "\"}";
  put(Dir + "/compile_commands.json", Db + "]");

  std::vector<const char *> Argv;
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());
  Argv.push_back(nullptr);
  if (::chdir(Dir.c_str()) != 0)
    std::abort();
  llvm::cl::ResetAllOptionOccurrences();
  weakcheckMain(int(Args.size()), Argv.data());
  llvm::cl::ResetAllOptionOccurrences();
  llvm::outs().flush();
  return 0;
}
