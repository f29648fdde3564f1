//===-- Git.cpp - what git says about the working tree -------------------===//

#include "Git.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace weakcheck {

namespace {

/// Reads and removes a temporary file.
std::string slurp(llvm::StringRef Path) {
  std::string Text;
  if (auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false))
    Text = (*Buffer)->getBuffer().str();
  llvm::sys::fs::remove(Path);
  return Text;
}

std::string resolved(llvm::StringRef Path) {
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(Path, Real))
    return Path.str();
  return std::string(Real);
}

/// Undoes git's C-style quoting of a path ("a\tb", "\303\251").
std::string unquote(llvm::StringRef Quoted) {
  if (Quoted.size() < 2 || !Quoted.starts_with("\"") || !Quoted.ends_with("\""))
    return Quoted.str();
  llvm::StringRef S = Quoted.drop_front().drop_back();
  std::string Out;
  for (size_t I = 0; I < S.size(); ++I) {
    if (S[I] != '\\' || I + 1 == S.size()) {
      Out += S[I];
      continue;
    }
    char C = S[++I];
    switch (C) {
    case 'a': Out += '\a'; break;
    case 'b': Out += '\b'; break;
    case 't': Out += '\t'; break;
    case 'n': Out += '\n'; break;
    case 'v': Out += '\v'; break;
    case 'f': Out += '\f'; break;
    case 'r': Out += '\r'; break;
    default:
      if (C >= '0' && C <= '7' && I + 2 < S.size()) {
        unsigned V = 0;
        for (unsigned K = 0; K < 3 && I < S.size() && S[I] >= '0' && S[I] <= '7';
             ++K, ++I)
          V = V * 8 + (S[I] - '0');
        --I;
        Out += char(V);
      } else {
        Out += C;
      }
    }
  }
  return Out;
}

/// "12,3" -> {12, 3}; "12" -> {12, 1}.
std::pair<unsigned, unsigned> parseRange(llvm::StringRef Spec) {
  auto [Start, Count] = Spec.split(',');
  unsigned S = 0, C = 1;
  Start.getAsInteger(10, S);
  if (!Count.empty())
    Count.getAsInteger(10, C);
  return {S, C};
}

} // namespace

bool runGit(llvm::ArrayRef<std::string> Args, llvm::StringRef Dir,
            std::string &Output, std::string &Error) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git) {
    Error = "cannot run git: it is not on PATH";
    return false;
  }
  llvm::SmallString<128> Out, Err;
  if (llvm::sys::fs::createTemporaryFile("weakcheck-git", "out", Out) ||
      llvm::sys::fs::createTemporaryFile("weakcheck-git", "err", Err)) {
    Error = "cannot run git: no temporary file";
    return false;
  }
  std::vector<std::string> Storage = {*Git, "-C", Dir.str(), "-c",
                                      "core.quotePath=false"};
  Storage.insert(Storage.end(), Args.begin(), Args.end());
  std::vector<llvm::StringRef> Argv(Storage.begin(), Storage.end());
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""),
                                                llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  std::string ExecError;
  int Status = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects,
                                         /*SecondsToWait=*/0,
                                         /*MemoryLimit=*/0, &ExecError);
  Output = slurp(Out);
  std::string Stderr = slurp(Err);
  if (Status == 0)
    return true;
  llvm::StringRef First = llvm::StringRef(Stderr).trim().split('\n').first;
  First.consume_front("fatal: ");
  First.consume_front("error: ");
  Error = !ExecError.empty() ? ExecError
          : First.empty()    ? "git " + (Args.empty() ? "" : Args[0]) +
                                " failed with status " + std::to_string(Status)
                             : First.str();
  return false;
}

std::string gitTopLevel(llvm::StringRef Dir) {
  std::string Out, Error;
  if (!runGit({"rev-parse", "--show-toplevel"}, Dir, Out, Error))
    return "";
  llvm::StringRef Top = llvm::StringRef(Out).rtrim("\r\n");
  return Top.empty() ? "" : resolved(Top);
}

std::map<std::string, std::vector<Hunk>> parseHunks(llvm::StringRef Patch) {
  std::map<std::string, std::vector<Hunk>> Files;
  std::vector<Hunk> *Current = nullptr;
  unsigned OldLeft = 0, NewLeft = 0; // lines of the current hunk to skip
  while (!Patch.empty()) {
    auto [Line, Rest] = Patch.split('\n');
    Patch = Rest;
    if (OldLeft || NewLeft) {
      // Hunk content, whatever it looks like ("+++ x" may be an added line).
      if (Line.starts_with("-") && OldLeft)
        --OldLeft;
      else if (Line.starts_with("+") && NewLeft)
        --NewLeft;
      else if (Line.starts_with(" ")) {
        if (OldLeft)
          --OldLeft;
        if (NewLeft)
          --NewLeft;
      }
      continue;
    }
    if (Line.starts_with("diff ")) {
      Current = nullptr;
    } else if (Line.starts_with("+++ ")) {
      llvm::StringRef Name = Line.drop_front(4);
      // git ends the name with a tab when it contains a space.
      if (Name.ends_with("\t"))
        Name = Name.drop_back();
      if (Name == "/dev/null") {
        Current = nullptr;
        continue;
      }
      std::string Path = unquote(Name);
      if (llvm::StringRef(Path).starts_with("b/"))
        Path = Path.substr(2);
      Current = &Files[Path];
    } else if (Line.starts_with("@@ ")) {
      // @@ -a[,b] +c[,d] @@
      llvm::SmallVector<llvm::StringRef, 4> Parts;
      Line.split(Parts, ' ', 3, false);
      if (Parts.size() < 3 || !Parts[1].starts_with("-") ||
          !Parts[2].starts_with("+"))
        continue;
      Hunk H;
      std::tie(H.OldStart, H.OldCount) = parseRange(Parts[1].drop_front());
      std::tie(H.NewStart, H.NewCount) = parseRange(Parts[2].drop_front());
      OldLeft = H.OldCount;
      NewLeft = H.NewCount;
      if (Current)
        Current->push_back(H);
    }
  }
  return Files;
}

std::map<std::string, LineRanges> parseUnifiedDiff(llvm::StringRef Patch) {
  std::map<std::string, LineRanges> Files;
  for (auto &[Path, Hunks] : parseHunks(Patch)) {
    LineRanges &Ranges = Files[Path];
    for (const Hunk &H : Hunks)
      if (H.NewCount)
        Ranges.push_back({H.NewStart, H.NewStart + H.NewCount - 1});
  }
  return Files;
}

LineRanges mapThrough(const LineRanges &Ranges, const std::vector<Hunk> &Edits) {
  LineRanges Out;
  for (auto [First, Last] : Ranges)
    for (unsigned L = First; L <= Last && L != 0; ++L) {
      long Shift = 0;
      bool Gone = false;
      for (const Hunk &H : Edits) {
        if (H.OldCount == 0) { // inserted after old line OldStart
          if (L <= H.OldStart)
            break;
          Shift += H.NewCount;
          continue;
        }
        if (L < H.OldStart)
          break;
        if (L < H.OldStart + H.OldCount) {
          Gone = true;
          break;
        }
        Shift += long(H.NewCount) - long(H.OldCount);
      }
      if (Gone)
        continue;
      unsigned New = unsigned(long(L) + Shift);
      if (!Out.empty() && Out.back().second + 1 == New)
        Out.back().second = New;
      else
        Out.push_back({New, New});
      if (L == UINT_MAX)
        break;
    }
  return Out;
}

bool ChangedLines::compute(const DiffRequest &Request, std::string &Error) {
  std::string Top = gitTopLevel(Request.Dir);
  if (Top.empty()) {
    std::string Out;
    if (!runGit({"rev-parse", "--show-toplevel"}, Request.Dir, Out, Error))
      Error = "--diff needs a git work tree: " + Error;
    else
      Error = "--diff needs a git work tree";
    return false;
  }
  std::string Base = Request.Rev;
  std::string Out;
  if (Base.empty() && !Request.Staged) {
    if (!runGit({"merge-base", "HEAD", "@{upstream}"}, Top, Out, Error)) {
      Error = "--diff: no upstream branch to compare with (" + Error +
              "); name a revision: --diff=<rev>";
      return false;
    }
    Base = llvm::StringRef(Out).trim().str();
    Description = "changes since the merge base with the upstream branch";
  } else if (!Base.empty()) {
    if (!runGit({"rev-parse", "--verify", "--quiet", Base + "^{commit}"}, Top,
                Out, Error)) {
      Error = "--diff: '" + Request.Rev + "' is not a revision of " + Top;
      return false;
    }
    // Changes on this side only: from the fork point with HEAD, if any.
    if (runGit({"merge-base", Base, "HEAD"}, Top, Out, Error))
      Base = llvm::StringRef(Out).trim().str();
    Description = "changes since " + Request.Rev;
  } else {
    Description = "staged changes";
  }
  std::vector<std::string> Args = {
      "diff",          "--no-color",    "--no-ext-diff", "--no-textconv",
      "--unified=0",   "--find-renames", "--no-relative", "--src-prefix=a/",
      "--dst-prefix=b/"};
  if (Request.Staged)
    Args.push_back("--cached");
  if (!Base.empty())
    Args.push_back(Base);
  Args.push_back("--");
  std::string Patch;
  if (!runGit(Args, Top, Patch, Error)) {
    Error = "--diff: git diff failed: " + Error;
    return false;
  }
  std::map<std::string, LineRanges> Changed = parseUnifiedDiff(Patch);
  if (Request.Staged) {
    // The staged lines are index lines; weakcheck reads the working tree.
    std::string Unstaged;
    std::vector<std::string> WorkArgs(Args.begin(), Args.end());
    WorkArgs.erase(std::find(WorkArgs.begin(), WorkArgs.end(), "--cached"),
                   WorkArgs.end());
    WorkArgs.push_back("--");
    if (!runGit(WorkArgs, Top, Unstaged, Error)) {
      Error = "--diff: git diff failed: " + Error;
      return false;
    }
    std::map<std::string, std::vector<Hunk>> Edits = parseHunks(Unstaged);
    for (auto &[Path, Ranges] : Changed)
      if (auto It = Edits.find(Path); It != Edits.end())
        Ranges = mapThrough(Ranges, It->second);
  }
  Files.clear();
  for (auto &[Path, Ranges] : Changed)
    Files[resolved(Top + "/" + Path)] = std::move(Ranges);
  if (!Request.Staged) {
    std::string Untracked;
    if (runGit({"ls-files", "-z", "--others", "--exclude-standard"}, Top,
               Untracked, Error)) {
      llvm::SmallVector<llvm::StringRef> Names;
      llvm::StringRef(Untracked).split(Names, '\0', -1, false);
      for (llvm::StringRef Name : Names)
        Files[resolved(Top + "/" + Name.str())] = {{1, UINT_MAX}};
    }
  }
  Error.clear();
  return true;
}

bool ChangedLines::changed(const std::string &RealFile) const {
  auto It = Files.find(RealFile);
  return It != Files.end() && !It->second.empty();
}

bool ChangedLines::touches(const std::string &RealFile, unsigned Line) const {
  auto It = Files.find(RealFile);
  if (It == Files.end())
    return false;
  return llvm::any_of(It->second, [Line](const std::pair<unsigned, unsigned> &R) {
    return R.first <= Line && Line <= R.second;
  });
}

} // namespace weakcheck
