//===-- Analyzer.cpp - run the weakref checks over translation units -----===//

#include "Analyzer.h"
#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang-tidy/ClangTidyProfiling.h"
#include "clang-tidy/ExpandModularHeadersPPCallbacks.h"
#include "clang-tidy/GlobList.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Preprocessor.h"
#include "utils/AnalysisCoverage.h"
#include "utils/Keywords.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Core/Replacement.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#ifndef WEAKCHECK_CLANG_RESOURCE_DIR
#define WEAKCHECK_CLANG_RESOURCE_DIR ""
#endif

using namespace clang;
using namespace clang::tidy;
namespace keywords = clang::tidy::weakref::keywords;

namespace weakcheck {

namespace {

constexpr llvm::StringLiteral CheckPrefix = "weakref-";

/// Wraps the provider built from defaults, config files and the command line,
/// and makes sure weakcheck never runs the static analyzer or turns compiler
/// warnings into findings, whatever a shared .clang-tidy enables.
class RestrictingProvider : public ClangTidyOptionsProvider {
public:
  explicit RestrictingProvider(std::unique_ptr<ClangTidyOptionsProvider> Base)
      : Base(std::move(Base)) {}
  const ClangTidyGlobalOptions &getGlobalOptions() override {
    return Base->getGlobalOptions();
  }
  std::vector<OptionsSource> getRawOptions(llvm::StringRef File) override {
    std::vector<OptionsSource> Sources = Base->getRawOptions(File);
    ClangTidyOptions Restriction;
    Restriction.Checks = "-clang-analyzer-*,-clang-diagnostic-*";
    Sources.emplace_back(std::move(Restriction), "weakcheck");
    return Sources;
  }

private:
  std::unique_ptr<ClangTidyOptionsProvider> Base;
};

/// Gives every compile command the resource directory of the Clang we were
/// built against (a tool's own directory has no builtin headers) and keeps
/// the compiler from printing its own summary lines.
class WeakcheckArgsDatabase : public tooling::CompilationDatabase {
public:
  WeakcheckArgsDatabase(const tooling::CompilationDatabase &Base,
                      std::string ResourceDir)
      : Base(Base), ResourceDir(std::move(ResourceDir)) {}
  std::vector<tooling::CompileCommand>
  getCompileCommands(llvm::StringRef File) const override {
    std::vector<tooling::CompileCommand> Commands =
        Base.getCompileCommands(File);
    for (tooling::CompileCommand &Command : Commands) {
      auto &Args = Command.CommandLine;
      bool HasResourceDir = llvm::any_of(Args, [](const std::string &A) {
        return llvm::StringRef(A).starts_with("-resource-dir");
      });
      if (!HasResourceDir && !ResourceDir.empty() && !Args.empty())
        Args.insert(Args.begin() + 1, "-resource-dir=" + ResourceDir);
      // Clang's own "N warnings generated." line is noise here: findings
      // are printed by weakcheck.
      if (!Args.empty())
        Args.insert(Args.begin() + 1, "-fno-caret-diagnostics");
    }
    return Commands;
  }
  std::vector<std::string> getAllFiles() const override {
    return Base.getAllFiles();
  }

private:
  const tooling::CompilationDatabase &Base;
  std::string ResourceDir;
};

const NamesAndOptions &knownChecksAndOptions() {
  static const NamesAndOptions Known = getAllChecksAndOptions(false);
  return Known;
}

std::string absolutePath(llvm::StringRef Path, llvm::StringRef BaseDir) {
  llvm::SmallString<256> Result(Path);
  if (!llvm::sys::path::is_absolute(Result)) {
    if (!BaseDir.empty()) {
      llvm::SmallString<256> Joined(BaseDir);
      llvm::sys::path::append(Joined, Result);
      Result = Joined;
    } else {
      llvm::sys::fs::make_absolute(Result);
    }
  }
  llvm::sys::path::remove_dots(Result, /*remove_dot_dot=*/true);
  return std::string(Result);
}

/// Resolves byte offsets to 1-based lines and columns, reading each file once.
class LineTable {
public:
  SourcePos position(const std::string &File, unsigned Offset) {
    SourcePos Pos;
    Pos.File = File;
    Pos.Offset = Offset;
    const std::vector<unsigned> &Starts = lineStarts(File);
    auto It = std::upper_bound(Starts.begin(), Starts.end(), Offset);
    unsigned LineIndex = It == Starts.begin() ? 0 : (It - Starts.begin()) - 1;
    Pos.Line = LineIndex + 1;
    Pos.Column = Offset - (Starts.empty() ? 0 : Starts[LineIndex]) + 1;
    return Pos;
  }

private:
  const std::vector<unsigned> &lineStarts(const std::string &File) {
    auto [It, Inserted] = Cache.try_emplace(File);
    if (Inserted) {
      It->second.push_back(0);
      if (auto Buffer = llvm::MemoryBuffer::getFile(File)) {
        llvm::StringRef Text = (*Buffer)->getBuffer();
        for (size_t I = 0; I < Text.size(); ++I)
          if (Text[I] == '\n')
            It->second.push_back(I + 1);
      }
    }
    return It->second;
  }
  std::map<std::string, std::vector<unsigned>> Cache;
};

SourceSpan spanOf(LineTable &Lines, const std::string &File, unsigned Begin,
                  unsigned End) {
  SourceSpan Span;
  Span.Begin = Lines.position(File, Begin);
  SourcePos EndPos = Lines.position(File, std::max(Begin, End));
  Span.EndLine = EndPos.Line;
  Span.EndColumn = EndPos.Column;
  return Span;
}

Message convertMessage(LineTable &Lines, const tooling::DiagnosticMessage &M,
                       llvm::StringRef BuildDir) {
  Message Result;
  Result.Text = M.Message;
  if (M.FilePath.empty())
    return Result;
  std::string File = absolutePath(M.FilePath, BuildDir);
  unsigned End = M.FileOffset;
  for (const tooling::FileByteRange &R : M.Ranges)
    if (absolutePath(R.FilePath, BuildDir) == File &&
        R.FileOffset <= M.FileOffset &&
        R.FileOffset + R.Length > M.FileOffset) {
      End = R.FileOffset + R.Length;
      break;
    }
  Result.Span = spanOf(Lines, File, M.FileOffset, End);
  return Result;
}

Finding convertError(LineTable &Lines, const ClangTidyError &E) {
  Finding F;
  F.Check = E.DiagnosticName;
  switch (E.DiagLevel) {
  case tooling::Diagnostic::Error:
    F.Level = "error";
    break;
  case tooling::Diagnostic::Warning:
    F.Level = "warning";
    break;
  case tooling::Diagnostic::Remark:
    F.Level = "remark";
    break;
  }
  if (E.IsWarningAsError)
    F.Level = "error";
  F.Main = convertMessage(Lines, E.Message, E.BuildDirectory);
  for (const tooling::DiagnosticMessage &Note : E.Notes)
    F.Notes.push_back(convertMessage(Lines, Note, E.BuildDirectory));
  if (const llvm::StringMap<tooling::Replacements> *Fix =
          tooling::selectFirstFix(E)) {
    for (const auto &FileAndReplacements : *Fix)
      for (const tooling::Replacement &R : FileAndReplacements.second) {
        FixReplacement Out;
        std::string File = absolutePath(R.getFilePath(), E.BuildDirectory);
        Out.Span = spanOf(Lines, File, R.getOffset(),
                          R.getOffset() + R.getLength());
        Out.Length = R.getLength();
        Out.Text = std::string(R.getReplacementText());
        F.Fixes.push_back(std::move(Out));
      }
  }
  return F;
}

bool isCompilerError(const ClangTidyError &E) {
  return E.DiagLevel == tooling::Diagnostic::Error &&
         llvm::StringRef(E.DiagnosticName).starts_with("clang-diagnostic-");
}

/// Parses a .clang-tidy-style YAML configuration; on failure sets \p Error to
/// one line naming \p Source and each YAML error's line and column.
std::optional<ClangTidyOptions> parseConfig(llvm::MemoryBufferRef Text,
                                            llvm::StringRef Source,
                                            std::string &Error) {
  std::string Diags;
  llvm::ErrorOr<ClangTidyOptions> Parsed = parseConfigurationWithDiags(
      Text, [&](const llvm::SMDiagnostic &D) {
        if (!Diags.empty())
          Diags += "; ";
        Diags += "line " + std::to_string(D.getLineNo()) + ", column " +
                 std::to_string(D.getColumnNo() + 1) + ": " +
                 D.getMessage().str();
      });
  if (Parsed)
    return std::move(*Parsed);
  Error = "invalid configuration in '" + Source.str() +
          "': " + (Diags.empty() ? Parsed.getError().message() : Diags);
  return std::nullopt;
}

/// What is wrong with a --line-filter value, as clang-tidy reads it; empty
/// if nothing.
std::string lineFilterProblem(const llvm::json::Value &V) {
  const llvm::json::Array *Files = V.getAsArray();
  if (!Files)
    return "not a JSON array";
  for (const llvm::json::Value &F : *Files) {
    const llvm::json::Object *O = F.getAsObject();
    if (!O)
      return "an entry is not an object";
    std::optional<llvm::StringRef> Name = O->getString("name");
    if (!Name || Name->empty())
      return "an entry has no \"name\"";
    const llvm::json::Value *Lines = O->get("lines");
    if (!Lines)
      continue;
    const llvm::json::Array *Ranges = Lines->getAsArray();
    if (!Ranges)
      return "\"lines\" of '" + Name->str() + "' is not an array";
    for (const llvm::json::Value &R : *Ranges) {
      const llvm::json::Array *Pair = R.getAsArray();
      if (!Pair || Pair->size() != 2 || !(*Pair)[0].getAsInteger() ||
          !(*Pair)[1].getAsInteger())
        return "a range of '" + Name->str() + "' is not [first, last]";
    }
  }
  return "";
}

auto sortKey(const Finding &F) {
  return std::tie(F.Main.Span.Begin.File, F.Main.Span.Begin.Line,
                  F.Main.Span.Begin.Column, F.Check, F.Main.Text);
}

} // namespace

std::string defaultResourceDir() { return WEAKCHECK_CLANG_RESOURCE_DIR; }

std::unique_ptr<Analyzer> Analyzer::create(AnalyzerConfig Config,
                                           std::string &Error) {
  std::unique_ptr<Analyzer> Result(new Analyzer(std::move(Config)));
  if (Result->Config.ResourceDir.empty())
    Result->Config.ResourceDir = defaultResourceDir();
  if (Result->Config.ConfigText) {
    std::optional<ClangTidyOptions> Parsed = parseConfig(
        llvm::MemoryBufferRef(*Result->Config.ConfigText,
                              Result->Config.ConfigSource),
        Result->Config.ConfigSource, Error);
    if (!Parsed)
      return nullptr;
    Result->ParsedConfig = std::move(*Parsed);
  }
  if (!Result->Config.LineFilter.empty()) {
    // clang-tidy's parser prints YAML errors itself: JSON errors first.
    llvm::Expected<llvm::json::Value> Json =
        llvm::json::parse(Result->Config.LineFilter);
    std::string Why = Json ? lineFilterProblem(*Json)
                           : llvm::toString(Json.takeError());
    if (!Why.empty()) {
      Error = "invalid --line-filter: " + Why +
              " (expected JSON such as "
              "[{\"name\":\"file.cpp\",\"lines\":[[1,3],[7,7]]}])";
      return nullptr;
    }
    if (std::error_code EC =
            parseLineFilter(Result->Config.LineFilter, Result->Global)) {
      Error = "invalid --line-filter: " + EC.message() +
              " (expected JSON such as "
              "[{\"name\":\"file.cpp\",\"lines\":[[1,3],[7,7]]}])";
      return nullptr;
    }
  }
  for (const auto &[Option, Regex] :
       {std::pair{"--header-filter", &Result->Config.HeaderFilter},
        std::pair{"--exclude-header-filter",
                  &Result->Config.ExcludeHeaderFilter}}) {
    std::string RegexError;
    if (*Regex && !llvm::Regex(**Regex).isValid(RegexError)) {
      Error = std::string("invalid regular expression in ") + Option + " '" +
              **Regex + "': " + RegexError;
      return nullptr;
    }
  }
  return Result;
}

std::unique_ptr<ClangTidyOptionsProvider> Analyzer::makeProvider() const {
  ClangTidyGlobalOptions Global = this->Global;
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,weakref-*";
  ClangTidyOptions Overrides;
  Overrides.Checks = Config.Checks;
  Overrides.WarningsAsErrors = Config.WarningsAsErrors;
  Overrides.HeaderFilterRegex = Config.HeaderFilter;
  Overrides.ExcludeHeaderFilterRegex = Config.ExcludeHeaderFilter;
  Overrides.SystemHeaders = Config.SystemHeaders;
  Overrides.FormatStyle = Config.FormatStyle;
  if (!Config.ExtraArgs.empty())
    Overrides.ExtraArgs = Config.ExtraArgs;
  if (!Config.ExtraArgsBefore.empty())
    Overrides.ExtraArgsBefore = Config.ExtraArgsBefore;
  std::unique_ptr<ClangTidyOptionsProvider> Base;
  if (Config.ConfigText)
    Base = std::make_unique<ConfigOptionsProvider>(
        std::move(Global), std::move(Defaults), ParsedConfig,
        std::move(Overrides));
  else
    Base = std::make_unique<FileOptionsProvider>(
        std::move(Global), std::move(Defaults), std::move(Overrides));
  return std::make_unique<RestrictingProvider>(std::move(Base));
}

ClangTidyOptions Analyzer::optionsFor(llvm::StringRef File) const {
  return makeProvider()->getOptions(File);
}

std::vector<std::string> Analyzer::enabledChecks(llvm::StringRef File) const {
  std::vector<std::string> Names = getCheckNames(optionsFor(File), false);
  llvm::erase_if(Names, [](const std::string &N) {
    return !llvm::StringRef(N).starts_with(CheckPrefix);
  });
  llvm::sort(Names);
  return Names;
}

std::vector<std::string> Analyzer::allChecks() {
  std::vector<std::string> Names;
  for (const auto &Entry : knownChecksAndOptions().Names)
    if (Entry.getKey().starts_with(CheckPrefix))
      Names.push_back(Entry.getKey().str());
  llvm::sort(Names);
  return Names;
}

bool Analyzer::validate(llvm::ArrayRef<std::string> Files, std::string &Error,
                        bool RequireChecks) const {
  // The configuration depends only on a file's directory: check one file of
  // each directory, not every file of a large compilation database.
  std::vector<std::string> Probes;
  std::set<std::string> Dirs;
  for (const std::string &File : Files)
    if (Dirs.insert(llvm::sys::path::parent_path(File).str()).second)
      Probes.push_back(File);

  // Every .clang-tidy that applies must parse: clang-tidy would print an
  // error and go on without it, silently changing what is checked.
  if (!Config.ConfigText || ParsedConfig.InheritParentConfig.value_or(false)) {
    std::set<std::string> Seen;
    for (const std::string &File : Probes) {
      llvm::SmallString<256> Dir(llvm::sys::path::parent_path(File));
      while (!Dir.empty()) {
        llvm::SmallString<256> Candidate(Dir);
        llvm::sys::path::append(Candidate, ".clang-tidy");
        if (!Seen.insert(std::string(Candidate)).second)
          break;
        if (llvm::sys::fs::is_regular_file(Candidate)) {
          auto Buffer = llvm::MemoryBuffer::getFile(Candidate);
          if (!Buffer) {
            Error = "cannot read '" + std::string(Candidate) +
                    "': " + Buffer.getError().message();
            return false;
          }
          std::optional<ClangTidyOptions> Parsed =
              parseConfig((*Buffer)->getMemBufferRef(), Candidate, Error);
          if (!Parsed)
            return false;
          if (!Parsed->InheritParentConfig.value_or(false))
            break;
        }
        llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
        if (Parent == Dir)
          break;
        Dir = Parent;
      }
    }
  }

  // Options for weakref checks must exist: a misspelt option would silently
  // fall back to its default. Options of other tools' checks are left alone
  // so one .clang-tidy can serve clang-tidy and weakcheck.
  const llvm::StringSet<> &KnownOptions = knownChecksAndOptions().Options;
  std::unique_ptr<ClangTidyOptionsProvider> Provider = makeProvider();
  for (const std::string &File : Probes) {
    for (const auto &[Options, Source] : Provider->getRawOptions(File)) {
      for (const auto &Entry : Options.CheckOptions) {
        llvm::StringRef Key = Entry.getKey();
        if (Key.starts_with(CheckPrefix) && !KnownOptions.contains(Key)) {
          Error = "unknown check option '" + Key.str() + "' in " + Source;
          llvm::StringRef CheckName = Key.split('.').first;
          std::vector<std::string> Same;
          for (const auto &Known : KnownOptions)
            if (Known.getKey().starts_with((CheckName + ".").str()))
              Same.push_back(Known.getKey().str());
          llvm::sort(Same);
          if (!Same.empty())
            Error += "; known options of " + CheckName.str() + ": " +
                     llvm::join(Same, ", ");
          else
            Error += "; '" + CheckName.str() + "' is not a weakcheck check";
          return false;
        }
      }
    }
  }

  // Every positive glob on the command line must match some check.
  if (Config.Checks) {
    std::vector<std::string> All = allChecks();
    llvm::SmallVector<llvm::StringRef> Globs;
    llvm::StringRef(*Config.Checks).split(Globs, ',', -1, false);
    for (llvm::StringRef Glob : Globs) {
      Glob = Glob.trim();
      // A shared CI step passes '-*,bugprone-*,weakref-*': only globs that
      // can mean weakcheck's own checks must match one.
      if (Glob.empty() || Glob.starts_with("-"))
        continue;
      llvm::StringRef Literal = Glob.take_until([](char C) { return C == '*'; });
      if (!CheckPrefix.starts_with(Literal) && !Literal.starts_with(CheckPrefix))
        continue;
      GlobList Single(Glob);
      if (llvm::none_of(All, [&](const std::string &N) {
            return Single.contains(N);
          })) {
        Error = "--checks: '" + Glob.str() +
                "' matches no weakcheck check (see --list-checks)";
        return false;
      }
    }
  }

  if (RequireChecks)
    for (const std::string &File : Probes)
      if (enabledChecks(File).empty()) {
        Error = noChecksMessage(File);
        return false;
      }
  return true;
}

std::string Analyzer::noChecksMessage(llvm::StringRef File) const {
  return "no weakref check is enabled for '" + File.str() +
         "' (Checks in effect: '" + optionsFor(File).Checks.value_or("") +
         "'); pass --checks=weakref-* or fix the .clang-tidy Checks line";
}

namespace {

/// The declarations of every top-level declaration outside system headers
/// (findings there are never reported, and a translation unit is mostly its
/// standard headers, so this is most of the matching time).
std::vector<Decl *> userDeclarations(ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<Decl *> Scope;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    SourceLocation Loc = SM.getExpansionLoc(D->getLocation());
    if (Loc.isInvalid() || !SM.isInSystemHeader(Loc))
      Scope.push_back(D);
  }
  return Scope;
}

/// What clang-tidy's ClangTidyASTConsumer does for one translation unit,
/// with two differences: the matchers' traversal is restricted to
/// declarations outside system headers (unless SystemHeaders is set), and
/// matchers are registered only after parsing, for the checks that the
/// pre-filter keeps (see checks/utils/Keywords.h). Checks' preprocessor
/// callbacks are registered before parsing, as in clang-tidy.
class TidyConsumer : public ASTConsumer {
public:
  struct Setup {
    std::vector<std::unique_ptr<ClangTidyCheck>> Checks;
    keywords::Declarations Keywords;
    std::unique_ptr<ClangTidyProfiling> Profiling;
    std::unique_ptr<ast_matchers::MatchFinder> Finder;
    Preprocessor *PP = nullptr;
    bool SkipSystemHeaders = true;
    bool Prefilter = true;
    PrefilterOutcome *Outcome = nullptr;
  };
  explicit TidyConsumer(Setup S) : S(std::move(S)) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    std::vector<ClangTidyCheck *> Kept;
    for (const auto &Check : S.Checks) {
      if (S.Prefilter && !mayReport(*Check)) {
        if (S.Outcome)
          S.Outcome->Skipped.push_back(nameOf(*Check));
        continue;
      }
      Kept.push_back(Check.get());
    }
    if (S.Outcome) {
      S.Outcome->Ran = Kept.size();
      llvm::sort(S.Outcome->Skipped);
    }
    if (Kept.empty())
      return; // nothing can report: no traversal at all
    for (ClangTidyCheck *Check : Kept)
      Check->registerMatchers(S.Finder.get());
    if (S.SkipSystemHeaders)
      Ctx.setTraversalScope(userDeclarations(Ctx));
    S.Finder->matchAST(Ctx);
  }

  ~TidyConsumer() override {
    // As in clang-tidy: the profile is printed when it is destroyed, after
    // the finder and the checks.
    S.Finder.reset();
    S.Checks.clear();
    S.Profiling.reset();
  }

private:
  /// False only when the check declared keywords and none of them is in
  /// the translation unit's identifier table.
  bool mayReport(const ClangTidyCheck &Check) const {
    const std::vector<std::string> *Words = S.Keywords.keywordsOf(&Check);
    if (!Words)
      return true;
    const IdentifierTable &Idents = S.PP->getIdentifierTable();
    // Identifiers of a precompiled header or module are loaded lazily:
    // the table does not show them all, so do not filter at all.
    if (Idents.getExternalIdentifierLookup())
      return true;
    return llvm::any_of(*Words, [&](const std::string &W) {
      return keywords::mayBeDeclared(W, Idents);
    });
  }
  static std::string nameOf(const ClangTidyCheck &Check) {
    // ClangTidyCheck keeps its name private; MatchCallback::getID is public.
    return static_cast<const ast_matchers::MatchFinder::MatchCallback &>(Check)
        .getID()
        .str();
  }

  Setup S;
};

/// clang-tidy's checks, NOLINT handling and options, run as a frontend
/// action over one translation unit (clang-tidy's own
/// ClangTidyASTConsumerFactory::createASTConsumer, minus the static
/// analyzer, which weakcheck never runs, plus the pre-filter).
class TidyActionFactory : public tooling::FrontendActionFactory {
public:
  TidyActionFactory(ClangTidyContext &Context,
                    llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS,
                    bool SkipSystemHeaders, bool Prefilter,
                    PrefilterOutcome *Outcome)
      : Context(Context), FS(std::move(FS)),
        SkipSystemHeaders(SkipSystemHeaders), Prefilter(Prefilter),
        Outcome(Outcome) {
    for (const ClangTidyModuleRegistry::entry &E :
         ClangTidyModuleRegistry::entries())
      E.instantiate()->addCheckFactories(Factories);
  }

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(*this);
  }

  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    // As clang-tidy does: code can tell it is being analysed.
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    return FrontendActionFactory::runInvocation(
        std::move(Invocation), Files, std::move(PCHContainerOps),
        DiagConsumer);
  }

private:
  std::unique_ptr<ASTConsumer> createConsumer(CompilerInstance &CI,
                                              StringRef File) {
    SourceManager *SM = &CI.getSourceManager();
    Context.setSourceManager(SM);
    Context.setCurrentFile(File);
    Context.setASTContext(&CI.getASTContext());
    if (auto WorkingDir = SM->getFileManager()
                              .getVirtualFileSystem()
                              .getCurrentWorkingDirectory())
      Context.setCurrentBuildDirectory(*WorkingDir);

    TidyConsumer::Setup S;
    {
      // The checks declare their keywords while they are created.
      keywords::Collector Collect(S.Keywords);
      S.Checks = Factories.createChecksForLanguage(&Context);
    }

    ast_matchers::MatchFinder::MatchFinderOptions FinderOptions;
    if (Context.getEnableProfiling()) {
      S.Profiling = std::make_unique<ClangTidyProfiling>(
          Context.getProfileStorageParams());
      FinderOptions.CheckProfiling.emplace(S.Profiling->Records);
    }
    S.Finder =
        std::make_unique<ast_matchers::MatchFinder>(std::move(FinderOptions));

    Preprocessor *PP = &CI.getPreprocessor();
    Preprocessor *ModuleExpanderPP = PP;
    if (Context.canEnableModuleHeadersParsing() &&
        Context.getLangOpts().Modules && FS) {
      auto Expander =
          std::make_unique<tooling::ExpandModularHeadersPPCallbacks>(&CI, FS);
      ModuleExpanderPP = Expander->getPreprocessor();
      PP->addPPCallbacks(std::move(Expander));
    }
    for (const auto &Check : S.Checks)
      Check->registerPPCallbacks(*SM, PP, ModuleExpanderPP);

    S.PP = PP;
    S.SkipSystemHeaders = SkipSystemHeaders;
    S.Prefilter = Prefilter;
    S.Outcome = Outcome;
    if (Outcome)
      Outcome->Enabled = S.Checks.size();
    return std::make_unique<TidyConsumer>(std::move(S));
  }

  class Action : public ASTFrontendAction {
  public:
    explicit Action(TidyActionFactory &Owner) : Owner(Owner) {}
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                   StringRef File) override {
      return Owner.createConsumer(CI, File);
    }

  private:
    TidyActionFactory &Owner;
  };

  ClangTidyContext &Context;
  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS;
  ClangTidyCheckFactories Factories;
  bool SkipSystemHeaders;
  bool Prefilter;
  PrefilterOutcome *Outcome;
};

} // namespace

FileRun Analyzer::analyze(const std::string &File,
                          const tooling::CompilationDatabase &DB) const {
  ClangTidyContext Context(makeProvider());
  // A physical file system with a working directory of its own: ClangTool
  // switches to each command's directory, and the process-wide one would
  // make that a chdir shared by every thread.
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>(
          llvm::vfs::createPhysicalFileSystem().release()));
  WeakcheckArgsDatabase Adjusted(DB, Config.ResourceDir);
  tooling::ClangTool Tool(Adjusted, {File},
                          std::make_shared<PCHContainerOperations>(), FS);
  // ExtraArgs / ExtraArgsBefore from the configuration, as in clang-tidy.
  Tool.appendArgumentsAdjuster(
      [&Context](const tooling::CommandLineArguments &Args,
                 llvm::StringRef Filename) {
        ClangTidyOptions Opts = Context.getOptionsForFile(Filename);
        tooling::CommandLineArguments Adjusted = Args;
        if (Opts.ExtraArgsBefore) {
          auto At = Adjusted.begin();
          if (At != Adjusted.end() && !llvm::StringRef(*At).starts_with("-"))
            ++At; // after the compiler's name
          Adjusted.insert(At, Opts.ExtraArgsBefore->begin(),
                          Opts.ExtraArgsBefore->end());
        }
        if (Opts.ExtraArgs)
          Adjusted.insert(Adjusted.end(), Opts.ExtraArgs->begin(),
                          Opts.ExtraArgs->end());
        return Adjusted;
      });
  Tool.appendArgumentsAdjuster(tooling::getStripPluginsAdjuster());
  // A unit that fails is reported by the caller, in its own words.
  Tool.setPrintErrorMessage(false);
  Context.setEnableProfiling(Config.EnableCheckProfile);

  ClangTidyDiagnosticConsumer DiagConsumer(Context, nullptr,
                                           /*RemoveIncompatibleErrors=*/true,
                                           /*GetFixesFromNotes=*/Config.FixNotes);
  DiagnosticsEngine DE(new DiagnosticIDs(), new DiagnosticOptions(),
                       &DiagConsumer, /*ShouldOwnClient=*/false);
  Context.setDiagnosticsEngine(&DE);
  Tool.setDiagnosticConsumer(&DiagConsumer);

  bool SkipSystemHeaders =
      !Context.getOptionsForFile(File).SystemHeaders.value_or(false);
  FileRun Run;
  TidyActionFactory Factory(Context, FS, SkipSystemHeaders, Config.Prefilter,
                            &Run.Prefilter);
  weakref::coverage::take(); // nothing left from an earlier run
  Tool.run(&Factory);

  Run.File = File;
  Run.Errors = DiagConsumer.take();
  for (weakref::coverage::Incomplete &I : weakref::coverage::take()) {
    SmallString<256> Path(I.File);
    if (!Path.empty())
      llvm::sys::fs::make_absolute(Path);
    Run.Incomplete.push_back(
        {std::move(I.Check), std::move(I.Function),
         SourcePos{std::string(Path), 0, I.Line, I.Column},
         std::move(I.Reason)});
  }
  // As clang-tidy: a note's fix-it counts only with --fix-notes, and only
  // when it is the one note of its finding offering one.
  for (ClangTidyError &E : Run.Errors) {
    if (!E.Message.Fix.empty())
      continue;
    unsigned NotesWithFix = llvm::count_if(
        E.Notes, [](const tooling::DiagnosticMessage &N) { return !N.Fix.empty(); });
    if (!Config.FixNotes || NotesWithFix > 1)
      for (tooling::DiagnosticMessage &Note : E.Notes)
        Note.Fix.clear();
  }
  return Run;
}

unsigned Report::filesFailed() const {
  return llvm::count_if(Files, [](const FileOutcome &F) { return F.Failed; });
}

std::map<std::string, unsigned> Report::countsByCheck() const {
  std::map<std::string, unsigned> Counts;
  for (const Finding &F : Findings)
    ++Counts[F.Check];
  return Counts;
}

Report buildReport(const std::vector<FileRun> &Runs) {
  Report R;
  LineTable Lines;
  for (const FileRun &Run : Runs) {
    FileOutcome Outcome;
    Outcome.File = Run.File;
    Outcome.Incomplete = Run.Incomplete;
    for (const ClangTidyError &E : Run.Errors) {
      Finding F = convertError(Lines, E);
      if (isCompilerError(E)) {
        Outcome.Failed = true;
        Outcome.CompilerErrors.push_back(std::move(F));
      } else {
        R.Findings.push_back(std::move(F));
      }
    }
    R.Files.push_back(std::move(Outcome));
  }
  llvm::sort(R.Findings, [](const Finding &A, const Finding &B) {
    return sortKey(A) < sortKey(B);
  });
  R.Findings.erase(std::unique(R.Findings.begin(), R.Findings.end(),
                               [](const Finding &A, const Finding &B) {
                                 return sortKey(A) == sortKey(B);
                               }),
                   R.Findings.end());
  llvm::sort(R.Files, [](const FileOutcome &A, const FileOutcome &B) {
    return A.File < B.File;
  });
  return R;
}

} // namespace weakcheck
