//===-- OutputFile.cpp - write a report without damaging anything --------===//

#include "OutputFile.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <mutex>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weakcheck {

namespace {

// Temporary files to remove when a signal ends the process. Fixed storage:
// the handler may only touch memory that needs no allocation or lock.
constexpr int MaxTempFiles = 64;
char TempNames[MaxTempFiles][PATH_MAX];
std::atomic<bool> TempUsed[MaxTempFiles];

std::mutex TempMutex; // registration only; the handler just reads

void registerTemp(llvm::StringRef Name) {
  if (Name.size() >= PATH_MAX)
    return;
  std::lock_guard<std::mutex> Lock(TempMutex);
  for (int I = 0; I < MaxTempFiles; ++I)
    if (!TempUsed[I].load(std::memory_order_relaxed)) {
      std::memcpy(TempNames[I], Name.data(), Name.size());
      TempNames[I][Name.size()] = '\0';
      TempUsed[I].store(true, std::memory_order_release);
      return;
    }
}

void unregisterTemp(llvm::StringRef Name) {
  std::lock_guard<std::mutex> Lock(TempMutex);
  for (int I = 0; I < MaxTempFiles; ++I)
    if (TempUsed[I].load(std::memory_order_relaxed) && Name == TempNames[I]) {
      TempUsed[I].store(false, std::memory_order_release);
      return;
    }
}

extern "C" void removeTempsAndExit(int Sig) {
  for (int I = 0; I < MaxTempFiles; ++I)
    if (TempUsed[I].load(std::memory_order_acquire))
      ::unlink(TempNames[I]);
  static const char Msg[] = "weakcheck: interrupted; no output was written\n";
  ssize_t Ignored = ::write(2, Msg, sizeof(Msg) - 1);
  (void)Ignored;
  ::_exit(128 + Sig);
}

std::string message(int Errno) { return std::strerror(Errno); }

/// Writes all of \p Text to \p FD; returns 0 or the errno of the failure.
int writeAll(int FD, llvm::StringRef Text) {
  const char *P = Text.data();
  size_t Left = Text.size();
  while (Left) {
    ssize_t N = ::write(FD, P, Left);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    P += N;
    Left -= size_t(N);
  }
  return 0;
}

bool sameFile(const struct stat &A, const struct stat &B) {
  return A.st_dev == B.st_dev && A.st_ino == B.st_ino;
}

std::string absoluteNormal(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

/// Follows the symlinks of a path that does not exist (a new file, or a
/// dangling link) to the path that will be created. Returns the errno of a
/// failure, 0 on success.
int resolveNewPath(const std::string &Path, std::string &Result) {
  std::string P = absoluteNormal(Path);
  for (int Hops = 0; Hops < 40; ++Hops) {
    struct stat St;
    if (::lstat(P.c_str(), &St) != 0)
      return errno == ENOENT ? (Result = P, 0) : errno;
    if (!S_ISLNK(St.st_mode))
      return EEXIST; // appeared meanwhile
    char Buf[PATH_MAX];
    ssize_t N = ::readlink(P.c_str(), Buf, sizeof(Buf) - 1);
    if (N < 0)
      return errno;
    llvm::StringRef LinkTarget(Buf, size_t(N));
    if (llvm::sys::path::is_absolute(LinkTarget)) {
      P = absoluteNormal(LinkTarget);
    } else {
      llvm::SmallString<256> Joined(llvm::sys::path::parent_path(P));
      llvm::sys::path::append(Joined, LinkTarget);
      P = absoluteNormal(Joined);
    }
  }
  return ELOOP;
}

} // namespace

bool OutputFile::open(const std::string &Path, std::string &Error) {
  discard();
  this->Path = Path;
  if (Path.empty())
    return true;
  auto Fail = [&](const std::string &Why) {
    Error = "cannot write output '" + Path + "': " + Why;
    return false;
  };

  struct stat St;
  if (::stat(Path.c_str(), &St) == 0) {
    ExistingID = llvm::sys::fs::UniqueID(St.st_dev, St.st_ino);
    if (S_ISDIR(St.st_mode))
      return Fail("it is a directory");
    for (int FD : {1, 2}) {
      struct stat Std;
      if (::fstat(FD, &Std) == 0 && sameFile(St, Std)) {
        K = Kind::Stream;
        StreamFD = FD;
        Target = Path;
        return true;
      }
    }
    if (!S_ISREG(St.st_mode)) {
      if (::access(Path.c_str(), W_OK) != 0)
        return Fail(message(errno));
      K = Kind::InPlace;
      Target = Path;
      return true;
    }
    char Real[PATH_MAX];
    if (!::realpath(Path.c_str(), Real))
      return Fail(message(errno));
    Target = Real;
    Mode = St.st_mode & 07777;
  } else if (errno == ENOENT) {
    std::string New;
    if (int E = resolveNewPath(Path, New))
      return Fail(message(E));
    llvm::StringRef Dir = llvm::sys::path::parent_path(New);
    char RealDir[PATH_MAX];
    struct stat DirSt;
    // Creating the temporary file would create missing directories: refuse.
    if (::stat(Dir.str().c_str(), &DirSt) != 0 || !S_ISDIR(DirSt.st_mode) ||
        !::realpath(Dir.str().c_str(), RealDir))
      return Fail("directory '" + Dir.str() + "' does not exist");
    llvm::SmallString<256> Joined(RealDir);
    llvm::sys::path::append(Joined, llvm::sys::path::filename(New));
    Target = std::string(Joined);
  } else {
    return Fail(message(errno));
  }

  K = Kind::Replace;
  llvm::SmallString<256> Model(llvm::sys::path::parent_path(Target));
  llvm::sys::path::append(Model, ".weakcheck-output-%%%%%%%%");
  int FD;
  if (std::error_code EC =
          llvm::sys::fs::createUniqueFile(Model, FD, TempPath))
    return Fail(EC.message());
  ::close(FD);
  registerTemp(TempPath);
  return true;
}

bool OutputFile::write(llvm::StringRef Text, std::string &Error) {
  auto Fail = [&](int E) {
    Error = Path.empty() ? "cannot write the report to standard output: " +
                               message(E)
                         : "cannot write output '" + Path + "': " + message(E);
    discard();
    return false;
  };
  switch (K) {
  case Kind::Discard:
    return true;
  case Kind::Stdout:
  case Kind::Stream: {
    int FD = K == Kind::Stdout ? 1 : StreamFD;
    llvm::outs().flush();
    llvm::errs().flush();
    if (int E = writeAll(FD, Text))
      return Fail(E);
    return true;
  }
  case Kind::InPlace: {
    int FD = ::open(Path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (FD < 0)
      return Fail(errno);
    int E = writeAll(FD, Text);
    if (::close(FD) != 0 && !E && errno != EINTR)
      E = errno;
    if (E)
      return Fail(E);
    return true;
  }
  case Kind::Replace: {
    int FD = ::open(TempPath.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (FD < 0)
      return Fail(errno);
    int E = writeAll(FD, Text);
    if (!E && Mode && ::fchmod(FD, *Mode) != 0)
      E = errno;
    if (::close(FD) != 0 && !E && errno != EINTR)
      E = errno;
    if (!E && ::rename(TempPath.c_str(), Target.c_str()) != 0)
      E = errno;
    if (E)
      return Fail(E);
    unregisterTemp(TempPath);
    TempPath.clear();
    return true;
  }
  }
  return true;
}

void OutputFile::discard() {
  if (TempPath.empty())
    return;
  ::unlink(TempPath.c_str());
  unregisterTemp(TempPath);
  TempPath.clear();
}

bool OutputFile::sameTarget(const OutputFile &Other) const {
  // Two writes to a device or a FIFO do not replace each other.
  if (K != Kind::Replace || Other.K != Kind::Replace)
    return false;
  if (ExistingID && Other.ExistingID)
    return *ExistingID == *Other.ExistingID;
  return !Target.empty() && Target == Other.Target;
}

void installSignalHandlers() {
  struct sigaction SA;
  std::memset(&SA, 0, sizeof(SA));
  SA.sa_handler = removeTempsAndExit;
  sigemptyset(&SA.sa_mask);
  for (int Sig : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&SA.sa_mask, Sig);
  for (int Sig : {SIGINT, SIGTERM, SIGHUP})
    ::sigaction(Sig, &SA, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

} // namespace weakcheck
