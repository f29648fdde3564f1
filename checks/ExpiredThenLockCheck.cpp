//===-- ExpiredThenLockCheck.cpp - weakref-expired-then-lock ----------------------------------===//

#include "ExpiredThenLockCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "utils/WeakrefMatchers.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultWeakReferences[] =
    "::std::weak_ptr;::boost::weak_ptr;::weakref::ref;::weakref::proxy";
} // namespace

ExpiredThenLockCheck::ExpiredThenLockCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      WeakReferences(Options.get("WeakReferences", DefaultWeakReferences)) {}

void ExpiredThenLockCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "WeakReferences", WeakReferences);
}

void ExpiredThenLockCheck::registerMatchers(MatchFinder *Finder) {
  // Build small named sub-matchers here and add one matcher per shape of the
  // bug (see DeadOnArrivalCheck.cpp).
  const auto WeakType = matchers::classTypeNamed(
      utils::options::parseStringList(WeakReferences));
  (void)WeakType;
}

void ExpiredThenLockCheck::check(const MatchFinder::MatchResult &Result) {
  // Fetch the bound nodes and report: "problem; remedy", lower case, no
  // final period, a note at the second location that matters.
  (void)Result;
}

} // namespace clang::tidy::weakref
