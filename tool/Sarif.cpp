//===-- Sarif.cpp - SARIF 2.1.0 rendering of a run ------------------------===//
//
// What GitHub code scanning and other SARIF consumers read: one run, the
// tool's rules (one per check, described from its doc page), results with
// stable rule ids, regions, related locations for notes, fixes, and partial
// fingerprints that survive unrelated edits above a finding.
//
//===----------------------------------------------------------------------===//

#include "Report.h"
#include "Version.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"
#include <nlohmann/json.hpp>

namespace weakcheck {

namespace {

struct CheckDescription {
  const char *Name;
  const char *Summary;
  const char *Full;
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

class SarifWriter {
public:
  explicit SarifWriter(std::string SrcRoot) : SrcRoot(std::move(SrcRoot)) {
    if (!this->SrcRoot.empty() && this->SrcRoot.back() != '/')
      this->SrcRoot += '/';
  }

  /// Relative to %SRCROOT% when below it, else an absolute file URI.
  nlohmann::json artifact(const std::string &File) const {
    llvm::StringRef F(File);
    if (!SrcRoot.empty() && F.starts_with(SrcRoot))
      return {{"uri", percentEncode(F.drop_front(SrcRoot.size()))},
              {"uriBaseId", "SRCROOT"}};
    return {{"uri", "file://" + percentEncode(F)}};
  }

  std::string relative(const std::string &File) const {
    llvm::StringRef F(File);
    return (!SrcRoot.empty() && F.starts_with(SrcRoot))
               ? F.drop_front(SrcRoot.size()).str()
               : File;
  }

  static nlohmann::json region(const SourceSpan &S) {
    nlohmann::json R = {{"startLine", S.Begin.Line},
                        {"startColumn", S.Begin.Column}};
    if (S.EndLine > S.Begin.Line ||
        (S.EndLine == S.Begin.Line && S.EndColumn > S.Begin.Column)) {
      R["endLine"] = S.EndLine;
      R["endColumn"] = S.EndColumn;
    }
    return R;
  }

  nlohmann::json physical(const SourceSpan &S) const {
    return {{"artifactLocation", artifact(S.Begin.File)}, {"region", region(S)}};
  }

  /// Stable across edits elsewhere in the file: the rule, the file, the
  /// text of the reported line and the message, not the line number.
  std::string fingerprint(const Finding &F) const {
    std::string Key = F.Check + '\0' + relative(F.Main.Span.Begin.File) +
                      '\0' +
                      llvm::StringRef(Lines.line(F.Main.Span.Begin.File,
                                                 F.Main.Span.Begin.Line))
                          .trim()
                          .str() +
                      '\0' + F.Main.Text;
    return llvm::utohexstr(llvm::xxh3_64bits(Key), /*LowerCase=*/true, 16);
  }

  nlohmann::json result(const Finding &F, int RuleIndex) const {
    nlohmann::json R = {{"ruleId", F.Check},
                        {"level", F.Level == "error" ? "error" : "warning"},
                        {"message", {{"text", F.Main.Text}}}};
    if (RuleIndex >= 0)
      R["ruleIndex"] = RuleIndex;
    if (!F.Main.Span.Begin.File.empty())
      R["locations"] = nlohmann::json::array(
          {{{"physicalLocation", physical(F.Main.Span)}}});
    nlohmann::json Related = nlohmann::json::array();
    int Id = 0;
    for (const Message &Note : F.Notes) {
      if (Note.Span.Begin.File.empty())
        continue;
      Related.push_back({{"id", Id++},
                         {"message", {{"text", Note.Text}}},
                         {"physicalLocation", physical(Note.Span)}});
    }
    if (!Related.empty())
      R["relatedLocations"] = std::move(Related);
    if (!F.Fixes.empty()) {
      // One artifactChange per file, replacements in file order.
      std::map<std::string, nlohmann::json> ByFile;
      for (const FixReplacement &Fix : F.Fixes) {
        nlohmann::json Deleted = {{"startLine", Fix.Span.Begin.Line},
                                  {"startColumn", Fix.Span.Begin.Column},
                                  {"endLine", Fix.Span.EndLine},
                                  {"endColumn", Fix.Span.EndColumn}};
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
    R["partialFingerprints"] = {{"weakcheckFindingHash/v1", fingerprint(F)}};
    return R;
  }

  std::string SrcRoot;
  mutable SourceLines Lines;
};

} // namespace

void renderSarif(const Report &R, llvm::raw_ostream &OS,
                 const SarifOptions &Options) {
  SarifWriter W(Options.SrcRoot);
  nlohmann::json Rules = nlohmann::json::array();
  std::map<std::string, int> RuleIndex;
  for (const std::string &Check : Options.RuleIds) {
    const CheckDescription *D = describe(Check);
    std::string Short = D ? D->Summary : Check;
    std::string Full = D ? D->Full : Check;
    std::string Page = Check.substr(std::string("weakref-").size());
    RuleIndex[Check] = int(Rules.size());
    Rules.push_back(
        {{"id", Check},
         {"name", Check},
         {"shortDescription", {{"text", Short}}},
         {"fullDescription", {{"text", Full}}},
         {"helpUri", std::string(WEAKCHECK_DOCS_URL) + "/checks/" + Page + ".md"},
         {"help", {{"text", Short + " See " + WEAKCHECK_DOCS_URL + "/checks/" +
                                Page + ".md"}}},
         {"defaultConfiguration", {{"level", "warning"}}}});
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

  nlohmann::json Run = {
      {"tool",
       {{"driver",
         {{"name", "weakcheck"},
          {"version", WEAKCHECK_VERSION},
          {"semanticVersion", WEAKCHECK_VERSION},
          {"informationUri", WEAKCHECK_HOMEPAGE},
          {"rules", std::move(Rules)}}}}},
      {"invocations",
       nlohmann::json::array(
           {{{"executionSuccessful", R.filesFailed() == 0},
             {"toolExecutionNotifications", std::move(Notifications)}}})},
      {"results", std::move(Results)},
      {"columnKind", "unicodeCodePoints"}};
  if (!W.SrcRoot.empty())
    Run["originalUriBaseIds"] = {
        {"SRCROOT", {{"uri", "file://" + percentEncode(W.SrcRoot)}}}};

  nlohmann::json Doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", nlohmann::json::array({std::move(Run)})}};
  OS << Doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
     << '\n';
}

} // namespace weakcheck
