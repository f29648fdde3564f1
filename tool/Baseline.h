//===-- Baseline.h - findings a team has already accepted -------*- C++ -*-===//
//
// --baseline=<report>: a previous JSON or SARIF report of weakcheck; the
// findings whose fingerprints it lists are left out of this run's report,
// so that only new findings gate a change.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TOOL_BASELINE_H
#define WEAKCHECK_TOOL_BASELINE_H

#include "Report.h"
#include "llvm/ADT/StringRef.h"
#include <set>
#include <string>

namespace weakcheck {

/// Reads the finding fingerprints of the weakcheck report \p Text (JSON,
/// docs/json-output.md, or SARIF); \p Source names it in errors. Fails on
/// anything else, and on a report whose findings carry no fingerprint of
/// this version (made by an older weakcheck).
bool parseBaseline(llvm::StringRef Text, llvm::StringRef Source,
                   std::set<std::string> &Fingerprints, std::string &Error);

/// Reads the baseline report at \p Path.
bool readBaseline(const std::string &Path, std::set<std::string> &Fingerprints,
                  std::string &Error);

/// Leaves out of \p R the findings whose fingerprint \p Baseline lists,
/// counting them in Report::SuppressedByBaseline.
void applyBaseline(Report &R, const std::set<std::string> &Baseline);

} // namespace weakcheck

#endif
