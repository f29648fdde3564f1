//===-- FunctionSummariesTest.cpp - checks/summaries/ on real ASTs ---------===//

#include "summaries/FunctionSummaries.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>

namespace clang::tidy::weakref::summaries {
namespace {

// A self-contained stand-in for the parts of <memory> and <functional> the
// facts look at (the real headers are system headers and are not
// summarised; the checks' tests use them).
constexpr char Prelude[] = R"cpp(
namespace std {
template <class T> struct remove_reference { using type = T; };
template <class T> struct remove_reference<T &> { using type = T; };
template <class T> typename remove_reference<T>::type &&move(T &&t) {
  return static_cast<typename remove_reference<T>::type &&>(t);
}
template <class T> struct shared_ptr {
  shared_ptr();
  shared_ptr(decltype(nullptr));
  shared_ptr(const shared_ptr &);
  T *operator->() const;
  T &operator*() const;
  explicit operator bool() const;
  void reset();
  T *get() const;
  shared_ptr &operator=(decltype(nullptr));
};
template <class T> struct weak_ptr { shared_ptr<T> lock() const; };
template <class T> struct enable_shared_from_this {
  shared_ptr<T> shared_from_this();
  weak_ptr<T> weak_from_this();
};
template <class F> struct function {
  function();
  template <class G> function(G);
  function(const function &);
  function &operator=(const function &);
  function &operator=(function &&);
};
template <class T> struct vector { void push_back(const T &); };
}
)cpp";

struct Parsed {
  std::unique_ptr<ASTUnit> AST;
  FunctionSummaries Summaries;
  std::vector<const FunctionSummary *> All;

  explicit Parsed(const std::string &Code, Options O = Options())
      : AST(tooling::buildASTFromCodeWithArgs(std::string(Prelude) + Code,
                                              {"-std=c++17"}, "input.cpp")),
        Summaries(std::move(O)) {
    All = Summaries.summarizeAll(AST->getASTContext());
  }
  const FunctionSummary *named(llvm::StringRef Name) const {
    for (const FunctionSummary *S : All)
      if (S->Name == Name)
        return S;
    return nullptr;
  }
};

TEST(FunctionSummaries, StoredParametersAndTheirChains) {
  Parsed P(R"cpp(
struct Timer { void async_wait(std::function<void()> h); };
struct Conn {
  std::function<void()> handler_;
  std::vector<std::function<void()>> handlers_;
  Timer timer_;
  void set_handler(std::function<void()> h) { handler_ = std::move(h); }
  void setWriteCallback(int, std::function<void()> cb) { handlers_.push_back(cb); }
  void register_handler(std::function<void()> h) { set_handler(h); }
  void deep(std::function<void()> h) { register_handler(h); }
  void set_timer(int ms, std::function<void()> h) { Timer t; t.async_wait(h); }
  void via_local(std::function<void()> h) { auto copy = std::move(h); handler_ = copy; }
  void lambda(std::function<void()> h) { handler_ = [h] {}; }
  Conn(std::function<void()> h) : handler_(h) {}
};
void store_into(Conn *c, std::function<void()> h) { c->handler_ = h; }
void store_into_ref(Conn &c, std::function<void()> h) { c.set_handler(h); }
)cpp");
  const FunctionSummary *Set = P.named("Conn::set_handler");
  ASSERT_TRUE(Set);
  const Fact *F = Set->find(FactKind::StoresParam, 0);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->IntoParam, -1);
  EXPECT_EQ(F->Detail, "'handler_'");
  EXPECT_TRUE(F->Chain.empty());
  EXPECT_NE(F->Location.find("input.cpp:"), std::string::npos);

  const FunctionSummary *Camel = P.named("Conn::setWriteCallback");
  ASSERT_TRUE(Camel);
  EXPECT_FALSE(Camel->find(FactKind::StoresParam, 0));
  ASSERT_TRUE(Camel->find(FactKind::StoresParam, 1));
  EXPECT_EQ(Camel->find(FactKind::StoresParam, 1)->Detail, "'handlers_'");

  const FunctionSummary *Deep = P.named("Conn::deep");
  ASSERT_TRUE(Deep);
  const Fact *D = Deep->find(FactKind::StoresParam, 0);
  ASSERT_TRUE(D);
  ASSERT_EQ(D->Chain.size(), 2u);
  EXPECT_EQ(D->Chain[0].Callee, "Conn::register_handler");
  EXPECT_EQ(D->Chain[1].Callee, "Conn::set_handler");
  EXPECT_TRUE(D->Chain[0].Loc.isValid());
  EXPECT_EQ(D->Detail, "'handler_'");

  EXPECT_FALSE(P.named("Conn::set_timer")->find(FactKind::StoresParam));
  EXPECT_TRUE(P.named("Conn::via_local")->find(FactKind::StoresParam, 0));
  EXPECT_TRUE(P.named("Conn::lambda")->find(FactKind::StoresParam, 0));
  EXPECT_TRUE(P.named("Conn::Conn")->find(FactKind::StoresParam, 0));
  const Fact *Into = P.named("store_into")->find(FactKind::StoresParam, 1);
  ASSERT_TRUE(Into);
  EXPECT_EQ(Into->IntoParam, 0);
  const Fact *IntoRef = P.named("store_into_ref")->find(FactKind::StoresParam, 1);
  ASSERT_TRUE(IntoRef);
  EXPECT_EQ(IntoRef->IntoParam, 0);
  ASSERT_EQ(IntoRef->Chain.size(), 1u);
}

TEST(FunctionSummaries, DepthIsBounded) {
  Options O;
  O.MaxDepth = 1;
  Parsed P(R"cpp(
struct C {
  std::function<void()> h_;
  void a(std::function<void()> h) { h_ = h; }
  void b(std::function<void()> h) { a(h); }
  void c(std::function<void()> h) { b(h); }
};
)cpp",
           O);
  EXPECT_TRUE(P.named("C::b")->find(FactKind::StoresParam, 0));
  EXPECT_FALSE(P.named("C::c")->find(FactKind::StoresParam, 0));
}

TEST(FunctionSummaries, UncheckedDereferences) {
  Parsed P(R"cpp(
struct T { int v; void f(); };
void raw(T *p) { p->f(); }
void smart(std::shared_ptr<T> p) { p->f(); }
void smart_ref(const std::shared_ptr<T> &p) { (*p).f(); }
void checked(T *p) { if (!p) return; p->f(); }
void checked_smart(std::shared_ptr<T> p) { if (p) p->f(); }
void compared(T *p) { if (p == nullptr) return; p->v = 1; }
void conditional(T *p, bool b) { if (b) p->f(); }
void in_loop(T *p, int n) { for (int i = 0; i < n; ++i) p->f(); }
void get_checked(std::shared_ptr<T> p) { if (p.get()) p->f(); }
void reassigned(T *p) { p = nullptr; p->f(); }
void through(std::shared_ptr<T> q) { smart(q); }
void through_checked(std::shared_ptr<T> q) { if (q) smart(q); }
void opaque(T *p);
void passed_on(T *p) { opaque(p); p->f(); }
void lambda_only(T *p) { auto l = [p] { p->f(); }; }
)cpp");
  for (const char *Name : {"raw", "smart", "smart_ref", "through"}) {
    SCOPED_TRACE(Name);
    ASSERT_TRUE(P.named(Name));
    EXPECT_TRUE(P.named(Name)->find(FactKind::DerefsParam, 0));
  }
  for (const char *Name : {"checked", "checked_smart", "compared",
                           "conditional", "in_loop", "get_checked",
                           "reassigned", "through_checked", "passed_on",
                           "lambda_only"}) {
    SCOPED_TRACE(Name);
    ASSERT_TRUE(P.named(Name));
    EXPECT_FALSE(P.named(Name)->find(FactKind::DerefsParam));
  }
  const Fact *T = P.named("through")->find(FactKind::DerefsParam, 0);
  ASSERT_EQ(T->Chain.size(), 1u);
  EXPECT_EQ(T->Chain[0].Callee, "smart");
}

TEST(FunctionSummaries, OwnerRequestsReleasesAndEscapes) {
  Parsed P(R"cpp(
struct S;
S *g_last;
struct Registry { std::vector<S *> all; S *owner; };
struct S : std::enable_shared_from_this<S> {
  std::shared_ptr<S> self_;
  Registry *reg_;
  void direct() { shared_from_this(); }
  void locked() { weak_from_this().lock(); }
  void helper() { direct(); }
  void helper2() { helper(); }
  void on_other(S &o) { o.shared_from_this(); }
  void via_param() { on_other(*this); }
  void suicide() { delete this; }
  void drop() { self_.reset(); }
  void drop2() { self_ = nullptr; }
  void close() { drop(); }
  void publish() { g_last = this; }
  void enroll() { reg_->all.push_back(this); }
  void own() { reg_->owner = this; }
  void quiet() { S *local = this; (void)local; }
  void recurse_a();
  void recurse_b() { recurse_a(); }
};
void S::recurse_a() { recurse_b(); shared_from_this(); }
void free_helper(S *s) { s->shared_from_this(); }
)cpp");
  EXPECT_EQ(P.named("S::direct")->find(FactKind::SharedFromThis, -1)->Detail,
            "'shared_from_this()'");
  EXPECT_EQ(P.named("S::locked")->find(FactKind::SharedFromThis, -1)->Detail,
            "'weak_from_this().lock()'");
  const Fact *H2 = P.named("S::helper2")->find(FactKind::SharedFromThis, -1);
  ASSERT_TRUE(H2);
  ASSERT_EQ(H2->Chain.size(), 2u);
  EXPECT_EQ(H2->Chain[1].Callee, "S::direct");
  EXPECT_TRUE(P.named("S::on_other")->find(FactKind::SharedFromThis, 0));
  EXPECT_TRUE(P.named("S::via_param")->find(FactKind::SharedFromThis, -1));
  EXPECT_TRUE(P.named("free_helper")->find(FactKind::SharedFromThis, 0));
  EXPECT_EQ(P.named("S::suicide")->find(FactKind::ReleasesObject)->Detail,
            "'delete this'");
  EXPECT_TRUE(P.named("S::drop")->find(FactKind::ReleasesObject));
  EXPECT_TRUE(P.named("S::drop2")->find(FactKind::ReleasesObject));
  EXPECT_TRUE(P.named("S::close")->find(FactKind::ReleasesObject));
  EXPECT_TRUE(P.named("S::publish")->find(FactKind::ThisEscapes));
  EXPECT_TRUE(P.named("S::enroll")->find(FactKind::ThisEscapes));
  EXPECT_TRUE(P.named("S::own")->find(FactKind::ThisEscapes));
  EXPECT_FALSE(P.named("S::quiet")->find(FactKind::ThisEscapes));
  // The cycle terminates and the direct fact survives.
  EXPECT_TRUE(P.named("S::recurse_a")->find(FactKind::SharedFromThis, -1));
  EXPECT_TRUE(P.named("S::recurse_b")->find(FactKind::SharedFromThis, -1));
}

TEST(FunctionSummaries, SerialisationRoundTrip) {
  Parsed P(R"cpp(
struct S : std::enable_shared_from_this<S> {
  std::function<void()> h_;
  void set(std::function<void()> h) { h_ = h; }
  void relay(std::function<void()> h) { set(h); }
  void f() { shared_from_this(); }
};
void use(std::shared_ptr<S> s) { s->f(); }
)cpp");
  ASSERT_GE(P.All.size(), 4u);
  std::string Text = serialize(P.All);
  EXPECT_NE(Text.find("\"format\": \"weakcheck-function-summaries\""),
            std::string::npos);
  EXPECT_NE(Text.find("\"version\": 1"), std::string::npos);
  llvm::Expected<std::vector<FunctionSummary>> Back = parse(Text);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), P.All.size());
  for (size_t I = 0; I < Back->size(); ++I) {
    EXPECT_EQ((*Back)[I], *P.All[I]) << P.All[I]->Name;
    EXPECT_FALSE((*Back)[I].USR.empty());
    for (const Fact &F : (*Back)[I].Facts)
      EXPECT_TRUE(F.Loc.isInvalid());
  }
  // Deterministic, and stable through a second round.
  EXPECT_EQ(serialize(*Back), Text);
  const FunctionSummary *RelayPtr = nullptr, *SetPtr = nullptr;
  for (const FunctionSummary &S : *Back) {
    if (S.Name == "S::relay")
      RelayPtr = &S;
    if (S.Name == "S::set")
      SetPtr = &S;
  }
  ASSERT_TRUE(RelayPtr && SetPtr);
  const FunctionSummary &Relay = *RelayPtr;
  EXPECT_EQ(Relay.Name, "S::relay");
  ASSERT_EQ(Relay.Facts.size(), 1u);
  ASSERT_EQ(Relay.Facts[0].Chain.size(), 1u);
  EXPECT_EQ(Relay.Facts[0].Chain[0].Callee, "S::set");
  EXPECT_EQ(Relay.Facts[0].Chain[0].CalleeUSR, SetPtr->USR);
}

TEST(FunctionSummaries, NonAsciiAndSpecialCharactersSurvive) {
  FunctionSummary S;
  S.USR = "c:@F@f\t\"x\"";
  S.Name = "ns::fünf";
  S.Location = "/tmp/a dir/ü.cpp:3:4";
  Fact F;
  F.Kind = FactKind::ThisEscapes;
  F.Detail = "'g\\n'";
  F.Location = "/tmp/a dir/ü.cpp:5:1";
  F.Chain.push_back({"ns::zwei", "c:@F@zwei", "/tmp/b.cpp:1:1", {}, nullptr});
  S.Facts.push_back(F);
  std::vector<FunctionSummary> One{S};
  llvm::Expected<std::vector<FunctionSummary>> Back = parse(serialize(One));
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  EXPECT_EQ((*Back)[0], S);
}

TEST(FunctionSummaries, BadDocumentsAreErrorsNotPartialResults) {
  for (const char *Bad : {
           "", "[]", "{\"format\": \"other\", \"version\": 1, \"functions\": []}",
           "{\"format\": \"weakcheck-function-summaries\", \"version\": 2, "
           "\"functions\": []}",
           "{\"format\": \"weakcheck-function-summaries\", \"version\": 1}",
           "{\"format\": \"weakcheck-function-summaries\", \"version\": 1, "
           "\"functions\": [{\"usr\": \"u\", \"name\": \"n\", \"location\": "
           "\"l\", \"facts\": [{\"kind\": \"nonsense\", \"param\": 0, "
           "\"into\": -1, \"detail\": \"\", \"location\": \"\", \"chain\": "
           "[]}]}]}",
           "{\"format\": \"weakcheck-function-summaries\", \"version\": 1, "
           "\"functions\": [{\"usr\": \"u\"}]}",
           "{\"format\": \"weakcheck-function-summaries\", \"version\": 1, "
           "\"functions\": [{\"usr\": \"u\", \"name\": \"n\", \"location\": "
           "\"l\", \"facts\": [{\"kind\": \"stores-param\", \"param\": 0, "
           "\"into\": -1, \"detail\": \"\", \"location\": \"\", \"chain\": "
           "[]}]}",
       }) {
    SCOPED_TRACE(Bad);
    llvm::Expected<std::vector<FunctionSummary>> R = parse(Bad);
    EXPECT_FALSE(bool(R));
    if (!R)
      llvm::consumeError(R.takeError());
  }
  llvm::Expected<std::vector<FunctionSummary>> Empty = parse(
      "{\"format\": \"weakcheck-function-summaries\", \"version\": 1, "
      "\"functions\": []}");
  ASSERT_TRUE(bool(Empty));
  EXPECT_TRUE(Empty->empty());
}

} // namespace
} // namespace clang::tidy::weakref::summaries
