//===-- WeakrefMatchers.cpp - matchers shared by weakref checks -----------===//

#include "utils/WeakrefMatchers.h"
#include "clang/AST/ExprCXX.h"

namespace clang::tidy::weakref::matchers {

using namespace ast_matchers;

const Expr *ignoreTemporaryWrappers(const Expr *E) {
  while (true) {
    const Expr *Next = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(Next);
        Cast && Cast->getCastKind() == CK_ConstructorConversion)
      Next = Cast->getSubExpr();
    else if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(Next);
             Cast && Cast->getCastKind() == CK_NoOp)
      Next = Cast->getSubExpr();
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Next);
             Construct && Construct->isElidable() &&
             Construct->getNumArgs() >= 1)
      Next = Construct->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
}

ast_matchers::internal::Matcher<QualType>
classTypeNamed(const std::vector<llvm::StringRef> &Names) {
  return qualType(hasCanonicalType(hasDeclaration(
      cxxRecordDecl(hasAnyName(std::vector<StringRef>(Names.begin(),
                                                      Names.end()))))));
}

} // namespace clang::tidy::weakref::matchers
