//===-- CodeClimate.cpp - GitLab code quality rendering of a run ---------===//
//
// GitLab shows a merge request's new and fixed findings from a "code
// quality" report: a JSON array of Code Climate issues (description,
// check_name, fingerprint, severity, location.path relative to the
// repository, location.lines.begin). Matching across pipelines is by
// fingerprint, so weakcheck's line-independent one is used.
//
//===----------------------------------------------------------------------===//

#include "Report.h"
#include <nlohmann/json.hpp>

namespace weakcheck {

void renderCodeClimate(const Report &R, llvm::raw_ostream &OS,
                       const RepoPaths &Paths) {
  nlohmann::json Issues = nlohmann::json::array();
  for (const Finding &F : R.Findings) {
    const SourcePos &Pos = F.Main.Span.Begin;
    std::string Path = Paths.relative(Pos.File);
    if (Path.empty())
      Path = Paths.real(Pos.File);
    unsigned End = std::max(Pos.Line, F.Main.Span.EndLine);
    std::string Body;
    for (const Message &Note : F.Notes) {
      Body += "- " + Note.Text;
      if (!Note.Span.Begin.File.empty()) {
        std::string NotePath = Paths.relative(Note.Span.Begin.File);
        Body += " (" +
                (NotePath.empty() ? Paths.real(Note.Span.Begin.File)
                                  : NotePath) +
                ":" + std::to_string(Note.Span.Begin.Line) + ")";
      }
      Body += "\n";
    }
    nlohmann::json Issue = {
        {"type", "issue"},
        {"check_name", F.Check},
        {"description", F.Main.Text},
        {"categories", nlohmann::json::array({"Bug Risk"})},
        {"severity", F.Level == "error" ? "critical" : "major"},
        {"fingerprint", F.Fingerprint},
        {"location",
         {{"path", Path}, {"lines", {{"begin", Pos.Line}, {"end", End}}}}}};
    if (!Body.empty())
      Issue["content"] = {{"body", Body}};
    Issues.push_back(std::move(Issue));
  }
  OS << Issues.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
     << '\n';
}

} // namespace weakcheck
