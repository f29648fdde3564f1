//===-- OutputFile.h - write a report without damaging anything -*- C++ -*-===//
//
// How weakcheck writes --output, --export-fixes and the files --fix changes:
//  - a regular file or a new path is replaced atomically: the text goes to a
//    temporary `.weakcheck-output-*` file in the same directory, renamed over
//    the target (the target's permission bits are kept);
//  - a symlink is followed: its final target is written by these rules and
//    the link stays a link (a dangling link creates its target);
//  - anything else (a character device such as /dev/null or /dev/full, a
//    FIFO, a socket) is opened and written in place, never replaced;
//  - a path that is weakcheck's own standard output or error (/dev/stdout,
//    /proc/self/fd/1, or a file that fd 1 is redirected to) is written through
//    that stream, so `>>` keeps appending.
// Every write error (ENOSPC on /dev/full, EPIPE, ...) comes back as a message.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TOOL_OUTPUTFILE_H
#define WEAKCHECK_TOOL_OUTPUTFILE_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include <optional>
#include <string>

namespace weakcheck {

class OutputFile {
public:
  enum class Kind {
    Stdout,  ///< no path: the report goes to standard output
    Discard, ///< no path and nothing to write it to (export-fixes unset)
    Replace, ///< regular file or new path: temporary file + rename
    InPlace, ///< device, FIFO, socket: opened and written where it is
    Stream,  ///< the path is weakcheck's own stdout (fd 1) or stderr (fd 2)
  };

  /// \p DefaultKind applies when open() is given an empty path.
  explicit OutputFile(Kind DefaultKind = Kind::Stdout) : K(DefaultKind) {}
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  ~OutputFile() { discard(); }

  /// Decides how \p Path will be written and claims it (creating the
  /// temporary file for a replacement), so that a path that cannot be
  /// written fails before any work. Nothing at \p Path changes yet.
  bool open(const std::string &Path, std::string &Error);

  /// Writes \p Text whole; for a replacement, the target changes only if
  /// every byte was written.
  bool write(llvm::StringRef Text, std::string &Error);

  /// Removes the temporary file, if any; the target is left as it was.
  void discard();

  Kind kind() const { return K; }
  /// The file that will be written, after following symlinks; empty for
  /// standard output.
  const std::string &target() const { return Target; }
  /// Device and inode of the target if it exists already.
  const std::optional<llvm::sys::fs::UniqueID> &existingID() const {
    return ExistingID;
  }

  /// True when both would replace the same file: same device and inode, or
  /// the same new path.
  bool sameTarget(const OutputFile &Other) const;

private:
  Kind K;
  std::string Path;   ///< as given, for messages
  std::string Target; ///< symlinks resolved
  std::optional<llvm::sys::fs::UniqueID> ExistingID;
  std::optional<unsigned> Mode; ///< permission bits of an existing target
  int StreamFD = -1;
  llvm::SmallString<256> TempPath;
};

/// SIGINT, SIGTERM and SIGHUP remove every temporary file an OutputFile
/// still holds and end the process with status 128 + signal (130, 143, 129).
/// SIGPIPE is ignored, so that a closed pipe is a write error (exit 2), not
/// a silent death. Call once, after llvm::InitLLVM.
void installSignalHandlers();

} // namespace weakcheck

#endif
