//===-- Sarif.cpp - SARIF 2.1.0 rendering of a run ------------------------===//
//
// What GitHub code scanning reads ("SARIF support for code scanning"): one
// run; the tool's rules, one per check, with the doc page as help and the
// tags, precision and severities code scanning ranks by; results with
// stable rule ids, regions in UTF-16 code units, notes as related locations
// linked from the message, unchecked-lock's path as a code flow, fixes, and
// partial fingerprints (GitHub's primaryLocationLineHash, computed as its
// upload action computes it, and weakcheck's own).
//
//===----------------------------------------------------------------------===//

#include "Fingerprint.h"
#include "Report.h"
#include "Version.h"
#include "llvm/ADT/StringExtras.h"
#include <nlohmann/json.hpp>

namespace weakcheck {

namespace {

struct CheckDescription {
  const char *Name;
  const char *Summary;
  const char *Full;
  const char *Markdown; ///< The whole doc page.
};

const CheckDescription Descriptions[] = {
#include "CheckDescriptions.inc"
};

const CheckDescription *describe(llvm::StringRef Check) {
  for (const CheckDescription &D : Descriptions)
    if (Check == D.Name)
      return &D;
  return nullptr;
}

} // namespace

const char *checkSummary(llvm::StringRef Check) {
  const CheckDescription *D = describe(Check);
  return D ? D->Summary : nullptr;
}

namespace {

/// How code scanning should rank a check's results: properties.tags,
/// .precision (how often a result is a real bug: very-high, high, medium,
/// low), .problem.severity (error, warning, recommendation) and, for the
/// checks whose bugs are memory-safety bugs, .security-severity (a CVSS-like
/// score; GitHub reads it only with the "security" tag).
struct RuleTraits {
  const char *Name;
  std::initializer_list<const char *> Tags;
  const char *Precision;
  const char *Severity;
  const char *SecuritySeverity; ///< null: not a security rule
};

// Every check needs an entry: a rule without these properties fails
// tests/cli/check_sarif_github.py (cli.reports_match_schemas).
const RuleTraits Traits[] = {
    {"weakref-callback-arity", {"correctness", "reliability"}, "very-high",
     "error", nullptr},
    {"weakref-callback-uses-dead-referent",
     {"security", "correctness", "external/cwe/cwe-416"}, "high", "error",
     "8.1"},
    {"weakref-capi-borrowed-getobject",
     {"security", "correctness", "external/cwe/cwe-416"}, "high", "error",
     "8.1"},
    {"weakref-capi-clear-weakrefs", {"correctness", "reliability"}, "high",
     "error", nullptr},
    {"weakref-dead-on-arrival", {"correctness"}, "very-high", "warning",
     nullptr},
    {"weakref-destructor-resurrection", {"correctness", "reliability"}, "high",
     "error", nullptr},
    {"weakref-expired-then-lock",
     {"correctness", "concurrency", "external/cwe/cwe-367"}, "high", "warning",
     nullptr},
    {"weakref-finalizer-captures-referent",
     {"correctness", "reliability", "external/cwe/cwe-401"}, "high", "warning",
     nullptr},
    {"weakref-lost-callback", {"correctness"}, "high", "warning", nullptr},
    {"weakref-non-public-enable-shared-from-this", {"correctness"},
     "very-high", "error", nullptr},
    {"weakref-self-capture-cycle", {"reliability", "external/cwe/cwe-401"},
     "medium", "warning", nullptr},
    {"weakref-shared-from-this-in-constructor", {"correctness"}, "high",
     "error", nullptr},
    {"weakref-unchecked-lock",
     {"security", "correctness", "external/cwe/cwe-476",
      "external/cwe/cwe-416"},
     "high", "error", "7.5"},
};

const RuleTraits *traitsOf(llvm::StringRef Check) {
  for (const RuleTraits &T : Traits)
    if (Check == T.Name)
      return &T;
  return nullptr;
}

/// \p Markdown (a doc page under docs/checks/) with its relative links to
/// other pages made absolute, since code scanning shows it elsewhere.
std::string absoluteLinks(llvm::StringRef Markdown) {
  std::string Out;
  std::string Base = std::string(WEAKCHECK_DOCS_URL) + "/checks/";
  while (!Markdown.empty()) {
    size_t At = Markdown.find("](");
    if (At == llvm::StringRef::npos)
      break;
    Out += Markdown.take_front(At + 2);
    Markdown = Markdown.drop_front(At + 2);
    llvm::StringRef Target = Markdown.take_until([](char C) {
      return C == ')' || C == ' ' || C == '\n';
    });
    llvm::StringRef Path = Target.split('#').first;
    if (Path.ends_with(".md") && !Target.contains("://") &&
        !Target.starts_with("/")) {
      std::string Url = Base + Target.str();
      // docs/checks/../x.md -> docs/x.md
      for (size_t Up; (Up = Url.find("/checks/../")) != std::string::npos;)
        Url.replace(Up, std::string("/checks/../").size(), "/");
      Out += Url;
      Markdown = Markdown.drop_front(Target.size());
    }
  }
  Out += Markdown;
  return Out;
}

/// The checks whose notes are the steps of a path to the finding.
bool hasPath(llvm::StringRef Check) { return Check == "weakref-unchecked-lock"; }

std::string percentEncode(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("-._~/").contains(C))
      Out += C;
    else
      Out += "%" + llvm::utohexstr(C, /*LowerCase=*/false, /*Width=*/2);
  }
  return Out;
}

/// Plain text inside a SARIF message with embedded links: '\', '[' and ']'
/// are escaped so that only our links are links.
std::string escapeMessage(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text) {
    if (C == '\\' || C == '[' || C == ']')
      Out += '\\';
    Out += C;
  }
  return Out;
}

/// The length in bytes of the UTF-8 character starting with \p Lead.
unsigned utf8Length(unsigned char Lead) {
  if (Lead >= 0xF0 && Lead <= 0xF4)
    return 4;
  if (Lead >= 0xE0 && Lead <= 0xEF)
    return 3;
  if (Lead >= 0xC2 && Lead <= 0xDF)
    return 2;
  return 1;
}

class SarifWriter {
public:
  explicit SarifWriter(const RepoPaths &Paths) : Paths(Paths) {}

  /// Relative to %SRCROOT% when below it, else an absolute file URI; both
  /// with symlinks resolved.
  nlohmann::json artifact(const std::string &File) const {
    std::string Relative = Paths.relative(File);
    if (!Relative.empty())
      return {{"uri", percentEncode(Relative)}, {"uriBaseId", "SRCROOT"}};
    return {{"uri", "file://" + percentEncode(Paths.real(File))}};
  }

  /// Every region has all four of startLine, startColumn, endLine and
  /// endColumn, the columns in UTF-16 code units (the run's columnKind). A
  /// location without a range covers the character at its column.
  nlohmann::json region(const SourceSpan &S) const {
    const SourcePos &B = S.Begin;
    std::string StartText = Lines.line(B.File, B.Line);
    unsigned EndLine = S.EndLine, EndByte = S.EndColumn;
    if (EndLine < B.Line || (EndLine == B.Line && EndByte <= B.Column)) {
      EndLine = B.Line;
      EndByte = B.Column;
      if (B.Column <= StartText.size())
        EndByte += utf8Length(StartText[B.Column - 1]);
    }
    std::string EndText =
        EndLine == B.Line ? StartText : Lines.line(B.File, EndLine);
    return {{"startLine", B.Line},
            {"startColumn", utf16Column(StartText, B.Column)},
            {"endLine", EndLine},
            {"endColumn", utf16Column(EndText, EndByte)}};
  }

  nlohmann::json physical(const SourceSpan &S) const {
    return {{"artifactLocation", artifact(S.Begin.File)}, {"region", region(S)}};
  }

  /// primaryLocationLineHash of \p Pos' line, as github/codeql-action's
  /// upload step would compute it from the file; empty if unreadable.
  std::string lineHash(const SourcePos &Pos) const {
    auto [It, Inserted] = LineHashes.try_emplace(Pos.File);
    if (Inserted) {
      llvm::StringRef Text = Lines.text(Pos.File);
      if (!Text.empty())
        It->second = lineHashes(Text);
    }
    if (Pos.Line == 0 || Pos.Line > It->second.size())
      return "";
    return It->second[Pos.Line - 1];
  }

  nlohmann::json result(const Finding &F, int RuleIndex) const {
    // Notes become related locations (ids from 1) that the message links
    // to, so that code scanning shows them.
    nlohmann::json Related = nlohmann::json::array();
    std::string Links;
    for (const Message &Note : F.Notes) {
      if (Note.Span.Begin.File.empty())
        continue;
      int Id = int(Related.size()) + 1;
      Related.push_back({{"id", Id},
                         {"message", {{"text", Note.Text}}},
                         {"physicalLocation", physical(Note.Span)}});
      Links += (Links.empty() ? "" : "; ") + ("[" + escapeMessage(Note.Text) +
                                              "](" + std::to_string(Id) + ")");
    }
    std::string Text = escapeMessage(F.Main.Text);
    if (!Links.empty())
      Text += " (" + Links + ")";
    nlohmann::json R = {{"ruleId", F.Check},
                        {"level", F.Level == "error" ? "error" : "warning"},
                        {"message", {{"text", Text}}}};
    if (RuleIndex >= 0)
      R["ruleIndex"] = RuleIndex;
    if (!F.Main.Span.Begin.File.empty())
      R["locations"] = nlohmann::json::array(
          {{{"physicalLocation", physical(F.Main.Span)}}});
    if (!Related.empty())
      R["relatedLocations"] = Related;
    if (hasPath(F.Check) && !F.Main.Span.Begin.File.empty()) {
      // The steps the check reports (its notes, in order), then the finding.
      // unchecked-lock does not expose its path yet: an unchecked
      // dereference has no notes, so its flow is the finding alone.
      nlohmann::json Steps = nlohmann::json::array();
      for (const nlohmann::json &Note : Related)
        Steps.push_back({{"location",
                          {{"physicalLocation", Note["physicalLocation"]},
                           {"message", Note["message"]}}}});
      Steps.push_back({{"location",
                        {{"physicalLocation", physical(F.Main.Span)},
                         {"message", {{"text", F.Main.Text}}}}}});
      R["codeFlows"] = nlohmann::json::array(
          {{{"threadFlows",
             nlohmann::json::array({{{"locations", std::move(Steps)}}})}}});
    }
    if (!F.Fixes.empty()) {
      // One artifactChange per file, replacements in file order.
      std::map<std::string, nlohmann::json> ByFile;
      for (const FixReplacement &Fix : F.Fixes) {
        // An insertion deletes nothing: its region stays empty.
        nlohmann::json Deleted = region(Fix.Span);
        if (Fix.Length == 0)
          Deleted["endLine"] = Deleted["startLine"],
          Deleted["endColumn"] = Deleted["startColumn"];
        ByFile[Fix.Span.Begin.File].push_back(
            {{"deletedRegion", std::move(Deleted)},
             {"insertedContent", {{"text", Fix.Text}}}});
      }
      nlohmann::json Changes = nlohmann::json::array();
      for (auto &[File, Replacements] : ByFile)
        Changes.push_back({{"artifactLocation", artifact(File)},
                           {"replacements", std::move(Replacements)}});
      R["fixes"] = nlohmann::json::array(
          {{{"description", {{"text", "apply the suggested fix-it"}}},
            {"artifactChanges", std::move(Changes)}}});
    }
    nlohmann::json Fingerprints = nlohmann::json::object();
    if (std::string Hash = lineHash(F.Main.Span.Begin); !Hash.empty())
      Fingerprints["primaryLocationLineHash"] = Hash;
    if (!F.Fingerprint.empty())
      Fingerprints[fingerprintKey()] = F.Fingerprint;
    R["partialFingerprints"] = std::move(Fingerprints);
    return R;
  }

  nlohmann::json rule(const std::string &Check) const {
    const CheckDescription *D = describe(Check);
    std::string Short = D ? D->Summary : Check;
    std::string Full = D ? D->Full : Check;
    std::string Page = Check.substr(std::string("weakref-").size());
    std::string Uri =
        std::string(WEAKCHECK_DOCS_URL) + "/checks/" + Page + ".md";
    nlohmann::json Help = {{"text", Short + " See " + Uri}};
    if (D)
      Help["markdown"] = absoluteLinks(D->Markdown);
    nlohmann::json Rule = {{"id", Check},
                           {"name", Check},
                           {"shortDescription", {{"text", Short}}},
                           {"fullDescription", {{"text", Full}}},
                           {"helpUri", Uri},
                           {"help", std::move(Help)},
                           {"defaultConfiguration", {{"level", "warning"}}}};
    if (const RuleTraits *T = traitsOf(Check)) {
      nlohmann::json Props = {{"tags", nlohmann::json::array()},
                              {"precision", T->Precision},
                              {"problem.severity", T->Severity}};
      for (const char *Tag : T->Tags)
        Props["tags"].push_back(Tag);
      if (T->SecuritySeverity)
        Props["security-severity"] = T->SecuritySeverity;
      Rule["properties"] = std::move(Props);
    }
    return Rule;
  }

  const RepoPaths &Paths;
  mutable SourceLines Lines;
  mutable std::map<std::string, std::vector<std::string>> LineHashes;
};

} // namespace

void renderSarif(const Report &R, llvm::raw_ostream &OS,
                 const SarifOptions &Options, const RepoPaths &Paths) {
  SarifWriter W(Paths);
  nlohmann::json Rules = nlohmann::json::array();
  std::map<std::string, int> RuleIndex;
  for (const std::string &Check : Options.RuleIds) {
    RuleIndex[Check] = int(Rules.size());
    Rules.push_back(W.rule(Check));
  }

  nlohmann::json Results = nlohmann::json::array();
  for (const Finding &F : R.Findings) {
    auto It = RuleIndex.find(F.Check);
    Results.push_back(W.result(F, It == RuleIndex.end() ? -1 : It->second));
  }

  // Files that did not compile are not results (no rule applies) but the
  // run's notifications, and they make the run unsuccessful.
  nlohmann::json Notifications = nlohmann::json::array();
  for (const FileOutcome &File : R.Files)
    for (const Finding &E : File.CompilerErrors) {
      nlohmann::json N = {{"level", "error"},
                          {"message", {{"text", E.Main.Text}}},
                          {"descriptor", {{"id", E.Check}}}};
      SourceSpan Where = E.Main.Span;
      if (Where.Begin.File.empty())
        Where.Begin.File = File.File, Where.Begin.Line = 1,
        Where.Begin.Column = 1;
      N["locations"] = nlohmann::json::array(
          {{{"physicalLocation", W.physical(Where)}}});
      Notifications.push_back(std::move(N));
    }

  nlohmann::json Invocation = {
      {"executionSuccessful", R.filesFailed() == 0},
      {"toolExecutionNotifications", std::move(Notifications)}};
  if (R.SuppressedByBaseline || R.OutsideDiff)
    Invocation["properties"] = {{"suppressedByBaseline", R.SuppressedByBaseline},
                                {"outsideDiff", R.OutsideDiff}};
  nlohmann::json Run = {
      {"tool",
       {{"driver",
         {{"name", "weakcheck"},
          {"version", WEAKCHECK_VERSION},
          {"semanticVersion", WEAKCHECK_VERSION},
          {"informationUri", WEAKCHECK_HOMEPAGE},
          {"rules", std::move(Rules)}}}}},
      {"invocations", nlohmann::json::array({std::move(Invocation)})},
      {"results", std::move(Results)},
      {"columnKind", "utf16CodeUnits"}};
  if (!Paths.root().empty())
    Run["originalUriBaseIds"] = {
        {"SRCROOT",
         {{"uri", "file://" + percentEncode(Paths.root() == "/"
                                                ? "/"
                                                : Paths.root() + "/")}}}};
  if (!Options.Category.empty()) {
    // The category is what precedes the id's last '/'.
    std::string Id = Options.Category;
    if (Id.back() != '/')
      Id += '/';
    Run["automationDetails"] = {{"id", Id}};
  }

  nlohmann::json Doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", nlohmann::json::array({std::move(Run)})}};
  OS << Doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
     << '\n';
}

} // namespace weakcheck
