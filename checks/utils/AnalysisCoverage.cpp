//===-- AnalysisCoverage.cpp - functions a check did not fully analyse ----===//

#include "utils/AnalysisCoverage.h"
#include "clang/AST/DeclCXX.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallString.h"

namespace clang::tidy::weakref::coverage {
namespace {
thread_local std::vector<Incomplete> Records;
} // namespace

void record(const ClangTidyCheck &Check, const FunctionDecl &Func,
            const SourceManager &SM, llvm::StringRef Reason) {
  Incomplete I;
  // ClangTidyCheck keeps its name private; MatchCallback::getID is public.
  I.Check = static_cast<const ast_matchers::MatchFinder::MatchCallback &>(Check)
                .getID()
                .str();
  const auto *Method = dyn_cast<CXXMethodDecl>(&Func);
  I.Function = Method && Method->getParent()->isLambda()
                   ? "lambda"
                   : Func.getQualifiedNameAsString();
  SourceLocation Loc = SM.getExpansionLoc(Func.getLocation());
  PresumedLoc P = SM.getPresumedLoc(Loc);
  if (P.isValid()) {
    // Relative to the compile command's directory, not the tool's.
    llvm::SmallString<256> Path(P.getFilename());
    SM.getFileManager().makeAbsolutePath(Path);
    I.File = std::string(Path);
    I.Line = P.getLine();
    I.Column = P.getColumn();
  }
  I.Reason = Reason.str();
  Records.push_back(std::move(I));
}

std::vector<Incomplete> take() { return std::exchange(Records, {}); }

} // namespace clang::tidy::weakref::coverage
