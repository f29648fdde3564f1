//===-- NonPublicEnableSharedFromThisCheck.cpp - weakref-non-public-enable-shared-from-this --===//

#include "NonPublicEnableSharedFromThisCheck.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "utils/WeakrefMatchers.h"
#include "utils/Keywords.h"

using namespace clang::ast_matchers;

namespace clang::tidy::weakref {

namespace {
constexpr char DefaultEnableSharedFromThis[] =
    "::std::enable_shared_from_this;::std::__enable_shared_from_this;::boost::enable_shared_from_this";

/// The fix-it that makes \p Base public: replace a written `private` or
/// `protected`, or insert `public` before the base type. None in macros.
std::optional<FixItHint> makePublic(const CXXBaseSpecifier &Base,
                                    const SourceManager &SM,
                                    const LangOptions &LangOpts) {
  SourceLocation TypeLoc = Base.getBaseTypeLoc();
  if (Base.getBeginLoc().isMacroID() || TypeLoc.isMacroID())
    return std::nullopt;
  if (Base.getAccessSpecifierAsWritten() == AS_none)
    return FixItHint::CreateInsertion(TypeLoc, "public ");
  // The access keyword is the first or (after `virtual`) second token.
  SourceLocation Loc = Base.getBeginLoc();
  for (int I = 0; I < 2 && Loc.isValid() && Loc < TypeLoc; ++I) {
    Token Tok;
    if (Lexer::getRawToken(Loc, Tok, SM, LangOpts, /*IgnoreWhiteSpace=*/true))
      return std::nullopt;
    if (Tok.is(tok::raw_identifier) &&
        (Tok.getRawIdentifier() == "private" ||
         Tok.getRawIdentifier() == "protected"))
      return FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(Tok.getLocation()), "public");
    std::optional<Token> Next =
        Lexer::findNextToken(Tok.getLocation(), SM, LangOpts);
    if (!Next)
      return std::nullopt;
    Loc = Next->getLocation();
  }
  return std::nullopt;
}
} // namespace

NonPublicEnableSharedFromThisCheck::NonPublicEnableSharedFromThisCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      EnableSharedFromThis(
          Options.get("EnableSharedFromThis", DefaultEnableSharedFromThis)) {
  // Every report is about a class deriving from one of these.
  keywords::declare(this, {EnableSharedFromThis});
}

void NonPublicEnableSharedFromThisCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "EnableSharedFromThis", EnableSharedFromThis);
}

void NonPublicEnableSharedFromThisCheck::registerMatchers(MatchFinder *Finder) {
  const std::vector<StringRef> Names =
      utils::options::parseStringList(EnableSharedFromThis);
  // std::enable_shared_from_this<C>, also while C is a dependent type.
  const auto EsftType = qualType(anyOf(
      matchers::classTypeNamed(Names),
      hasCanonicalType(templateSpecializationType(
          hasDeclaration(classTemplateDecl(hasAnyName(Names)))))));
  const auto NonPublic = unless(isPublic());
  const auto DirectEsft =
      cxxBaseSpecifier(NonPublic, hasType(EsftType)).bind("base");
  // A base that itself inherits enable_shared_from_this publicly.
  const auto IndirectEsft =
      cxxBaseSpecifier(
          NonPublic,
          hasType(qualType(hasCanonicalType(hasDeclaration(
              cxxRecordDecl(isDerivedFrom(cxxRecordDecl(hasAnyName(Names))))
                  .bind("via"))))))
          .bind("base");
  const auto Class = cxxRecordDecl(isDefinition(),
                                   unless(ast_matchers::isTemplateInstantiation()),
                                   unless(hasAnyName(Names)));
  Finder->addMatcher(cxxRecordDecl(Class, hasDirectBase(DirectEsft)).bind("class"),
                     this);
  Finder->addMatcher(
      cxxRecordDecl(Class, unless(hasDirectBase(DirectEsft)),
                    hasDirectBase(IndirectEsft))
          .bind("class"),
      this);
}

void NonPublicEnableSharedFromThisCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *Class = Result.Nodes.getNodeAs<CXXRecordDecl>("class");
  const auto *Base = Result.Nodes.getNodeAs<CXXBaseSpecifier>("base");
  if (const auto *Via = Result.Nodes.getNodeAs<CXXRecordDecl>("via")) {
    diag(Base->getBeginLoc(),
         "%0 inherits %1 non-publicly, which hides its "
         "'enable_shared_from_this' base from std::shared_ptr: "
         "'shared_from_this()' on a %0 throws std::bad_weak_ptr; inherit %1 "
         "publicly")
        << Class << Via << Base->getSourceRange();
    diag(Via->getLocation(), "%0 inherits 'enable_shared_from_this' here",
         DiagnosticIDs::Note)
        << Via;
    return;
  }
  auto Diag = diag(Base->getBeginLoc(),
                   "%0 inherits 'enable_shared_from_this' non-publicly, so "
                   "std::shared_ptr never connects to it: "
                   "'shared_from_this()' throws std::bad_weak_ptr and "
                   "'weak_from_this()' is always empty; inherit it publicly")
              << Class << Base->getSourceRange();
  if (std::optional<FixItHint> Fix =
          makePublic(*Base, *Result.SourceManager, getLangOpts()))
    Diag << *Fix;
}

} // namespace clang::tidy::weakref
