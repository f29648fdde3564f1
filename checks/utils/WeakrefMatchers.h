//===-- WeakrefMatchers.h - matchers shared by weakref checks -------------===//

#ifndef WEAKCHECK_CHECKS_UTILS_WEAKREFMATCHERS_H
#define WEAKCHECK_CHECKS_UTILS_WEAKREFMATCHERS_H

#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::weakref::matchers {

/// Strips what does not change which object an expression denotes: implicit
/// casts, parentheses, full-expression cleanups, temporary materialisation
/// and binding, elidable copy/move constructions and functional casts that
/// only convert by constructor.
const Expr *ignoreTemporaryWrappers(const Expr *E);

/// Matches an expression whose value, after \c ignoreTemporaryWrappers,
/// matches \p InnerMatcher.
AST_MATCHER_P(Expr, ignoringTemporaryWrappers,
              ast_matchers::internal::Matcher<Expr>, InnerMatcher) {
  return InnerMatcher.matches(*ignoreTemporaryWrappers(&Node), Finder,
                              Builder);
}

/// A type whose canonical form is a class (or class template
/// specialisation) named by one of \p Names (fully qualified, "::"-rooted).
ast_matchers::internal::Matcher<QualType>
classTypeNamed(const std::vector<llvm::StringRef> &Names);

} // namespace clang::tidy::weakref::matchers

#endif
