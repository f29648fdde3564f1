//===-- Annotations.h - expected diagnostics written in test sources -----===//
//
// Check tests are ordinary source files that say, in comments, which
// diagnostics the check must produce, in the style of clang's -verify:
//
//   std::weak_ptr<T> w = std::make_shared<T>(); // expected-warning{{dead on arrival}}
//   // expected-note@-1:26{{temporary owner}}
//
//   expected-warning | expected-error | expected-note
//   @+N / @-N        the line relative to the comment's line (default: same)
//   @*               (notes only) in another file: a header the test includes
//   :C               the 1-based column (default: any)
//   {{text}}         a fragment the message must contain
//
// A file may also carry, anywhere:
//   // weakcheck-args: -std=c++17 -DX      compiler arguments (default -std=c++20)
//   // weakcheck-config: {CheckOptions: {...}}   YAML as for --config
//
// Every expected diagnostic must be produced and every produced diagnostic
// must be expected: a missing or an extra one fails the test.
//
//===----------------------------------------------------------------------===//

#ifndef WEAKCHECK_TESTS_CHECKS_ANNOTATIONS_H
#define WEAKCHECK_TESTS_CHECKS_ANNOTATIONS_H

#include <optional>
#include <string>
#include <vector>

namespace weakcheck::test {

struct ExpectedDiag {
  std::string Kind; ///< "warning", "error" or "note"
  unsigned Line = 0;
  std::optional<unsigned> Column;
  std::string Fragment;
  unsigned AnnotationLine = 0; ///< where the annotation is written
};

struct ActualDiag {
  std::string Kind;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string Message;
};

struct Annotations {
  std::vector<ExpectedDiag> Expected;
  std::vector<std::string> Args;
  std::optional<std::string> Config;
  std::vector<std::string> Errors; ///< malformed annotations
};

/// Reads the annotations out of \p Source.
Annotations parseAnnotations(const std::string &Source);

/// Pairs expected and actual diagnostics. Returns one line per problem:
/// "missing ..." for an expectation nothing matched, "unexpected ..." for a
/// diagnostic no expectation matched. Empty means the file passes.
std::vector<std::string> compareDiagnostics(const std::vector<ExpectedDiag> &Expected,
                                            const std::vector<ActualDiag> &Actual);

} // namespace weakcheck::test

#endif
