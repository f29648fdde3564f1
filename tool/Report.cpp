//===-- Report.cpp - text and JSON renderings of a run -------------------===//

#include "Report.h"
#include "Fingerprint.h"
#include "Version.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>

namespace weakcheck {

SourceLines::Source &SourceLines::load(const std::string &File) {
  auto [It, Inserted] = Files.try_emplace(File);
  if (Inserted)
    if (auto Buffer = llvm::MemoryBuffer::getFile(File))
      It->second.Buffer = std::move(*Buffer);
  return It->second;
}

llvm::StringRef SourceLines::text(const std::string &File) {
  Source &S = load(File);
  return S.Buffer ? S.Buffer->getBuffer() : llvm::StringRef();
}

std::string SourceLines::line(const std::string &File, unsigned Line) {
  Source &S = load(File);
  if (!S.Buffer || Line == 0)
    return "";
  llvm::StringRef Text = S.Buffer->getBuffer();
  if (S.Starts.empty()) {
    S.Starts.push_back(0);
    for (size_t I = 0; I < Text.size(); ++I)
      if (Text[I] == '\n')
        S.Starts.push_back(I + 1);
  }
  if (Line > S.Starts.size())
    return "";
  return Text.drop_front(S.Starts[Line - 1])
      .take_until([](char C) { return C == '\n' || C == '\r'; })
      .str();
}

RepoPaths::RepoPaths(const std::string &Dir) {
  if (Dir.empty())
    return;
  llvm::SmallString<256> Abs(Dir);
  llvm::sys::fs::make_absolute(Abs);
  llvm::SmallString<256> Resolved;
  if (llvm::sys::fs::real_path(Abs, Resolved))
    Resolved = Abs;
  Root = std::string(Resolved);
  while (Root.size() > 1 && Root.back() == '/')
    Root.pop_back();
}

std::string RepoPaths::real(const std::string &File) const {
  auto [It, Inserted] = Cache.try_emplace(File);
  if (Inserted) {
    llvm::SmallString<256> Resolved;
    It->second =
        llvm::sys::fs::real_path(File, Resolved) ? File : std::string(Resolved);
  }
  return It->second;
}

std::string RepoPaths::relative(const std::string &File) const {
  if (Root.empty())
    return "";
  std::string Real = real(File);
  std::string Prefix = Root == "/" ? Root : Root + "/";
  if (!llvm::StringRef(Real).starts_with(Prefix))
    return "";
  return Real.substr(Prefix.size());
}

void assignFingerprints(Report &R, const RepoPaths &Paths) {
  SourceLines Lines;
  std::vector<std::string> Hashes;
  for (const Finding &F : R.Findings) {
    const SourcePos &Pos = F.Main.Span.Begin;
    std::string Path = Paths.relative(Pos.File);
    if (Path.empty())
      Path = Paths.real(Pos.File);
    std::string Line = Lines.line(Pos.File, Pos.Line);
    Hashes.push_back(fingerprintHash(
        {F.Check, Path, Line, Pos.Column, F.Main.Text}));
  }
  numberOccurrences(Hashes);
  for (size_t I = 0; I < Hashes.size(); ++I)
    R.Findings[I].Fingerprint = std::move(Hashes[I]);
}

namespace {

/// The path as people read it: relative to the working directory when the
/// file is below it, otherwise absolute.
std::string displayPath(const std::string &File) {
  llvm::SmallString<256> Cwd;
  if (!llvm::sys::fs::current_path(Cwd)) {
    llvm::StringRef F(File);
    std::string Prefix = std::string(Cwd) + "/";
    if (F.starts_with(Prefix))
      return F.drop_front(Prefix.size()).str();
  }
  return File;
}

/// clang's diagnostic colours, as ANSI escapes (empty without colour).
struct Palette {
  bool On = false;
  const char *bold() const { return On ? "\x1b[1m" : ""; }
  const char *reset() const { return On ? "\x1b[0m" : ""; }
  const char *green() const { return On ? "\x1b[0;1;32m" : ""; }
  const char *level(llvm::StringRef Level) const {
    if (!On)
      return "";
    if (Level == "error")
      return "\x1b[0;1;31m";
    if (Level == "warning")
      return "\x1b[0;1;35m";
    return "\x1b[0;1;30m"; // note, remark
  }
};

void renderMessage(llvm::raw_ostream &OS, SourceLines &Lines, const Message &M,
                   llvm::StringRef Level, llvm::StringRef Check,
                   const std::vector<FixReplacement> &Fixes, Palette C) {
  const SourcePos &Pos = M.Span.Begin;
  OS << C.bold();
  if (!Pos.File.empty())
    OS << displayPath(Pos.File) << ':' << Pos.Line << ':' << Pos.Column
       << ": ";
  OS << C.level(Level) << Level << ": " << C.reset() << C.bold() << M.Text;
  if (!Check.empty())
    OS << " [" << Check << ']';
  OS << C.reset() << '\n';
  if (Pos.File.empty())
    return;
  std::string Line = Lines.line(Pos.File, Pos.Line);
  std::string Number = std::to_string(Pos.Line);
  std::string Gutter(std::max<size_t>(5, Number.size() + 1), ' ');
  OS << std::string(Gutter.size() - Number.size(), ' ') << Number << " | "
     << Line << '\n';
  // Caret line: keep tabs so the caret lines up under the source.
  std::string Marks;
  unsigned Col = std::min<unsigned>(Pos.Column, Line.size() + 1);
  for (unsigned I = 1; I < Col; ++I)
    Marks += Line[I - 1] == '\t' ? '\t' : ' ';
  Marks += '^';
  if (M.Span.EndLine == Pos.Line && M.Span.EndColumn > Pos.Column + 1)
    Marks += std::string(
        std::min<unsigned>(M.Span.EndColumn, Line.size() + 1) - Pos.Column - 1,
        '~');
  OS << Gutter << " | " << C.green() << Marks << C.reset() << '\n';
  for (const FixReplacement &Fix : Fixes)
    if (Fix.Span.Begin.File == Pos.File && Fix.Span.Begin.Line == Pos.Line)
      OS << Gutter << " | " << std::string(Fix.Span.Begin.Column - 1, ' ')
         << C.green() << Fix.Text << C.reset() << '\n';
}

void renderFinding(llvm::raw_ostream &OS, SourceLines &Lines, const Finding &F,
                   Palette C) {
  renderMessage(OS, Lines, F.Main, F.Level, F.Check, F.Fixes, C);
  for (const Message &Note : F.Notes)
    renderMessage(OS, Lines, Note, "note", "", {}, C);
}

nlohmann::json spanJson(const SourceSpan &S) {
  return {{"file", S.Begin.File},     {"line", S.Begin.Line},
          {"column", S.Begin.Column}, {"endLine", S.EndLine},
          {"endColumn", S.EndColumn}, {"offset", S.Begin.Offset}};
}

nlohmann::json messageJson(const Message &M) {
  nlohmann::json J = {{"message", M.Text}};
  if (!M.Span.Begin.File.empty())
    J["location"] = spanJson(M.Span);
  else
    J["location"] = nullptr;
  return J;
}

nlohmann::json findingJson(const Finding &F) {
  nlohmann::json J = messageJson(F.Main);
  J["check"] = F.Check;
  J["level"] = F.Level;
  if (!F.Fingerprint.empty())
    J["fingerprint"] = F.Fingerprint;
  J["notes"] = nlohmann::json::array();
  for (const Message &N : F.Notes)
    J["notes"].push_back(messageJson(N));
  J["fixes"] = nlohmann::json::array();
  for (const FixReplacement &R : F.Fixes) {
    nlohmann::json Fix = spanJson(R.Span);
    Fix["length"] = R.Length;
    Fix["replacement"] = R.Text;
    J["fixes"].push_back(std::move(Fix));
  }
  return J;
}

} // namespace

void renderText(const Report &R, llvm::raw_ostream &OS, bool Color) {
  SourceLines Lines;
  Palette C{Color};
  for (const FileOutcome &File : R.Files)
    for (const Finding &E : File.CompilerErrors)
      renderFinding(OS, Lines, E, C);
  for (const Finding &F : R.Findings)
    renderFinding(OS, Lines, F, C);
}

void renderCheckList(const std::vector<std::string> &All,
                     const std::vector<std::string> &Enabled,
                     llvm::raw_ostream &OS) {
  nlohmann::json Doc;
  Doc["version"] = 1;
  Doc["tool"] = {{"name", "weakcheck"}, {"version", WEAKCHECK_VERSION}};
  Doc["checks"] = nlohmann::json::array();
  for (const std::string &Name : All) {
    const char *Summary = checkSummary(Name);
    Doc["checks"].push_back(
        {{"name", Name},
         {"enabled", llvm::is_contained(Enabled, Name)},
         {"summary", Summary ? Summary : ""},
         {"documentation", std::string(WEAKCHECK_DOCS_URL) + "/checks/" +
                               Name + ".md"}});
  }
  OS << Doc.dump(2) << "\n";
}

void renderJson(const Report &R, llvm::raw_ostream &OS) {
  nlohmann::json Doc;
  Doc["version"] = 1;
  Doc["fingerprintVersion"] = FingerprintVersion;
  Doc["tool"] = {{"name", "weakcheck"},
                 {"version", WEAKCHECK_VERSION},
                 {"clangVersion", WEAKCHECK_CLANG_VERSION}};
  Doc["diagnostics"] = nlohmann::json::array();
  for (const Finding &F : R.Findings)
    Doc["diagnostics"].push_back(findingJson(F));
  Doc["files"] = nlohmann::json::array();
  for (const FileOutcome &File : R.Files) {
    nlohmann::json Errors = nlohmann::json::array();
    for (const Finding &E : File.CompilerErrors)
      Errors.push_back(findingJson(E));
    nlohmann::json Entry = {{"file", File.File},
                            {"status", File.Failed ? "failed" : "analyzed"},
                            {"errors", std::move(Errors)}};
    for (const IncompleteAnalysis &I : File.Incomplete)
      Entry["incomplete"].push_back({{"check", I.Check},
                                     {"function", I.Function},
                                     {"file", I.Pos.File},
                                     {"line", I.Pos.Line},
                                     {"column", I.Pos.Column},
                                     {"reason", I.Reason}});
    Doc["files"].push_back(std::move(Entry));
  }
  nlohmann::json ByCheck = nlohmann::json::object();
  for (const auto &[Check, Count] : R.countsByCheck())
    ByCheck[Check] = Count;
  Doc["summary"] = {{"filesAnalyzed", R.Files.size() - R.filesFailed()},
                    {"filesFailed", R.filesFailed()},
                    {"findings", R.Findings.size()},
                    {"byCheck", std::move(ByCheck)},
                    {"suppressedByBaseline", R.SuppressedByBaseline},
                    {"outsideDiff", R.OutsideDiff}};
  OS << Doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
     << '\n';
}

} // namespace weakcheck
