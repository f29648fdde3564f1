// weakref-unchecked-lock with AssertMacros set: only the named macros are
// assertions; PROJ_ASSERT is then an ordinary macro whose handler returns.
// weakcheck-config: {CheckOptions: {weakref-unchecked-lock.AssertMacros: 'APP_ENSURE;dbg_*'}}
#include <memory>

struct Widget {
  void f();
};
void proj_fail(const char *);

#define PROJ_ASSERT(c) do { if (!(c)) proj_fail(#c); } while (0)
#define APP_ENSURE(c) do { if (!(c)) proj_fail(#c); } while (0)
#define dbg_expect_alive(c) ((void)0)

void named(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  APP_ENSURE(p);
  p->f();
}

void pattern(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  dbg_expect_alive(p);
  p->f();
}

void not_named(const std::weak_ptr<Widget> &w) {
  auto p = w.lock();
  PROJ_ASSERT(p);
  p->f(); // expected-warning{{'p' may be null}}
}
