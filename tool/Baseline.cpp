//===-- Baseline.cpp - findings a team has already accepted --------------===//

#include "Baseline.h"
#include "Fingerprint.h"
#include "llvm/Support/MemoryBuffer.h"
#include <nlohmann/json.hpp>

namespace weakcheck {

namespace {

/// The string at \p Key of object \p J, or null (no exceptions: the tool
/// is built without them, so every access is checked first).
const std::string *stringAt(const nlohmann::json &J, const std::string &Key) {
  if (!J.is_object())
    return nullptr;
  auto It = J.find(Key);
  if (It == J.end() || !It->is_string())
    return nullptr;
  return It->get_ptr<const std::string *>();
}

const nlohmann::json *arrayAt(const nlohmann::json &J, const std::string &Key) {
  if (!J.is_object())
    return nullptr;
  auto It = J.find(Key);
  return It != J.end() && It->is_array() ? &*It : nullptr;
}

} // namespace

bool parseBaseline(llvm::StringRef Text, llvm::StringRef Source,
                   std::set<std::string> &Fingerprints, std::string &Error) {
  nlohmann::json Doc = nlohmann::json::parse(Text.begin(), Text.end(), nullptr,
                                             /*allow_exceptions=*/false);
  std::string Name = "baseline '" + Source.str() + "'";
  if (Doc.is_discarded() || !Doc.is_object()) {
    Error = Name + " is not a JSON or SARIF report of weakcheck";
    return false;
  }
  unsigned Findings = 0, Missing = 0;
  auto Take = [&](const std::string *FP) {
    ++Findings;
    if (FP && !FP->empty())
      Fingerprints.insert(*FP);
    else
      ++Missing;
  };
  if (const nlohmann::json *Runs = arrayAt(Doc, "runs")) {
    for (const nlohmann::json &Run : *Runs) {
      const nlohmann::json *Results = arrayAt(Run, "results");
      if (!Results)
        continue;
      for (const nlohmann::json &Result : *Results) {
        auto It = Result.is_object() ? Result.find("partialFingerprints")
                                     : Result.end();
        Take(Result.is_object() && It != Result.end()
                 ? stringAt(*It, fingerprintKey())
                 : nullptr);
      }
    }
  } else if (const nlohmann::json *Diagnostics = arrayAt(Doc, "diagnostics")) {
    auto Version = Doc.find("fingerprintVersion");
    if (Version != Doc.end() &&
        !(Version->is_number_unsigned() &&
          Version->get<unsigned>() == FingerprintVersion)) {
      Error = Name + " has fingerprints of another version than " +
              std::to_string(FingerprintVersion) +
              "; write a new one with --write-baseline";
      return false;
    }
    for (const nlohmann::json &D : *Diagnostics)
      Take(stringAt(D, "fingerprint"));
  } else {
    Error = Name + " is not a JSON or SARIF report of weakcheck (no "
                   "\"diagnostics\" or \"runs\")";
    return false;
  }
  if (Missing) {
    Error = Name + ": " + std::to_string(Missing) + " of " +
            std::to_string(Findings) + " findings have no " + fingerprintKey() +
            " fingerprint (an older weakcheck wrote it); write a new one with "
            "--write-baseline";
    return false;
  }
  return true;
}

bool readBaseline(const std::string &Path, std::set<std::string> &Fingerprints,
                  std::string &Error) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer) {
    Error = "cannot read baseline '" + Path +
            "': " + Buffer.getError().message();
    return false;
  }
  return parseBaseline((*Buffer)->getBuffer(), Path, Fingerprints, Error);
}

void applyBaseline(Report &R, const std::set<std::string> &Baseline) {
  size_t Before = R.Findings.size();
  llvm::erase_if(R.Findings, [&](const Finding &F) {
    return Baseline.count(F.Fingerprint) != 0;
  });
  R.SuppressedByBaseline += Before - R.Findings.size();
}

} // namespace weakcheck
