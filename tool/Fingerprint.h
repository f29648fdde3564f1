//===-- Fingerprint.h - identities of findings across runs ------*- C++ -*-===//
//
// What lets a later run recognise an earlier run's finding after the code
// around it has moved: weakcheck's own finding fingerprint (used by
// --baseline and by SARIF/code-quality consumers) and GitHub code scanning's
// primaryLocationLineHash, computed as github/codeql-action's upload step
// computes it. Also the column conversion SARIF needs (clang counts bytes,
// SARIF consumers count UTF-16 code units). Only LLVM Support is used, so
// the unit tests link nothing of Clang.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TOOL_FINGERPRINT_H
#define WEAKCHECK_TOOL_FINGERPRINT_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace weakcheck {

/// The version of findingFingerprint's algorithm; part of the SARIF key
/// ("weakcheckFindingHash/v<N>") and documented in docs/ci.md. Bump it
/// whenever the same finding could get a different fingerprint.
constexpr unsigned FingerprintVersion = 2;

/// The partialFingerprints key of findingFingerprint's value in SARIF.
std::string fingerprintKey();

/// The UTF-16 code units of UTF-8 \p Text, as a JavaScript string holds
/// them after Node's UTF-8 decoding: each ill-formed sequence (maximal
/// subpart) becomes U+FFFD, characters beyond the BMP become surrogate
/// pairs.
std::vector<uint16_t> utf16Units(llvm::StringRef Text);

/// GitHub's primaryLocationLineHash of every line of \p FileText: element
/// I is the value for line I + 1, "<hex hash>:<n>" where n counts the
/// lines so far with the same hash. The hash of a line is the polynomial
/// (base 37, modulo 2^64) of the 100 UTF-16 code units from the line's first
/// character that is not a space or tab, with spaces and tabs dropped, CR
/// and CRLF read as LF, the end of the file as 65535 and zeros after it.
/// The result may hold one more element than the file has lines (the
/// position after a final newline counts as a line, as in codeql-action).
std::vector<std::string> lineHashes(llvm::StringRef FileText);

/// The 1-based column in UTF-16 code units of the 1-based byte column
/// \p ByteColumn of \p Line (the text of one line, without its newline).
/// A column past the end of the line counts the bytes beyond as one unit
/// each.
unsigned utf16Column(llvm::StringRef Line, unsigned ByteColumn);

/// What findingFingerprint hashes: everything that identifies a finding
/// without its line number.
struct FingerprintInput {
  llvm::StringRef Check;    ///< "weakref-..."
  llvm::StringRef Path;     ///< Relative to the repository root, '/'-separated.
  llvm::StringRef LineText; ///< The text of the reported line.
  unsigned ByteColumn = 1;  ///< 1-based column on that line, in bytes.
  llvm::StringRef Message;  ///< The diagnostic's message.
};

/// The hash part of a finding's fingerprint: 16 hex digits of XXH3-64 over
/// the check, the path, the reported line with all white space removed,
/// the number of non-white-space bytes before the column on that line, and
/// the message. Independent of the line number and of indentation.
std::string fingerprintHash(const FingerprintInput &In);

/// Makes fingerprints unique: the n-th occurrence (1-based, in report
/// order) of a hash gets "<hash>:<n>". \p Hashes is rewritten in place.
void numberOccurrences(std::vector<std::string> &Hashes);

} // namespace weakcheck

#endif
