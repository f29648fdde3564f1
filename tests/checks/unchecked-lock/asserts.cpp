// weakref-unchecked-lock after projects' own assertion macros: a failure
// handler that is an ordinary function (not [[noreturn]]), a debug-only
// assert that expands to nothing, a macro that calls a checking function.
// The default AssertMacros patterns (*assert*, *check*, ...) name them.
#include <memory>

struct Widget {
  void f();
  int value = 0;
};

void proj_fail(const char *cond, const char *file, int line); // returns
void check_impl(bool ok, const char *what);                    // returns
void log_line(const char *);

#define PROJ_ASSERT(c)                                                         \
  do {                                                                         \
    if (!(c))                                                                  \
      proj_fail(#c, __FILE__, __LINE__);                                       \
  } while (0)
#define PROJ_ASSERT_TERNARY(c) ((c) ? (void)0 : proj_fail(#c, __FILE__, __LINE__))
#define PROJ_ASSERT_LIKELY(c)                                                  \
  do {                                                                         \
    if (__builtin_expect(!(c), 0))                                             \
      proj_fail(#c, __FILE__, __LINE__);                                       \
  } while (0)
#define PROJ_ASSERT_OR(c) ((void)((c) || (proj_fail(#c, __FILE__, __LINE__), 0)))
#define PROJ_ASSERT_ELSE(c)                                                    \
  do {                                                                         \
    if (c) {                                                                   \
    } else {                                                                   \
      proj_fail(#c, __FILE__, __LINE__);                                       \
    }                                                                          \
  } while (0)
// Through a second macro, as many projects spell it.
#define PROJ_VERIFY_IMPL(c, msg) if (!(c)) { log_line(msg); proj_fail(#c, __FILE__, __LINE__); }
#define Verify(c) PROJ_VERIFY_IMPL(c, "verify failed")
#define DEBUG_ASSERT(c) ((void)0)
#define DCHECK_EMPTY(c)
#define MY_CHECK(c) check_impl(static_cast<bool>(c), #c)
// Not an assertion by name: logs and goes on.
#define LOG_IF_NULL(p)                                                         \
  do {                                                                         \
    if (!(p))                                                                  \
      log_line(#p " is null");                                                 \
  } while (0)

// --- negatives: the assertion is a check ------------------------------------

void if_shape(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT(p);
  p->f();
}

void ternary_shape(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT_TERNARY(p);
  p->f();
}

void builtin_expect_shape(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT_LIKELY(p != nullptr);
  p->f();
}

void or_shape(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT_OR(p);
  p->f();
}

void else_shape(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT_ELSE(p);
  p->f();
}

void nested_macro(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  Verify(p);
  p->f();
}

void debug_only_void(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  DEBUG_ASSERT(p);
  p->f();
}

void debug_only_empty(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  DCHECK_EMPTY(p);
  p->f();
}

void checking_function(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  MY_CHECK(p);
  p->f();
}

void get_form(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT(p.get() != nullptr);
  p->f();
  Widget *raw = p.get();
  PROJ_ASSERT(raw);
  raw->f();
}

void get_form_debug_only(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  Widget *raw = p.get();
  DEBUG_ASSERT(raw);
  raw->value = 1;
}

// --- positives: the assertion does not cover the dereference ---------------

void asserts_another_pointer(const std::weak_ptr<Widget> &w,
                             const std::weak_ptr<Widget> &v) {
  auto p = w.lock();
  auto q = v.lock();
  PROJ_ASSERT(q);
  q->f();
  p->f(); // expected-warning{{'p' may be null}}
}

void asserted_on_one_branch(const std::weak_ptr<Widget> &w, bool strict) {
  auto p = w.lock();
  if (strict)
    PROJ_ASSERT(p);
  p->f(); // expected-warning{{'p' may be null}}
}

void logging_macro_is_no_check(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  LOG_IF_NULL(p);
  p->f(); // expected-warning{{'p' may be null}}
}

void asserted_null(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  DEBUG_ASSERT(!p);
  p->f(); // expected-warning{{'p' may be null}}
}

void asserted_after_use(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  p->f(); // expected-warning{{'p' may be null}}
  DEBUG_ASSERT(p);
}
