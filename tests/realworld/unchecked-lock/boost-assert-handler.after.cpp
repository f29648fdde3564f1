// Restates the idiom of Boost.Assert (boost/assert.hpp) built with
// BOOST_ENABLE_ASSERT_HANDLER: BOOST_ASSERT(expr) expands to
// `(BOOST_LIKELY(!!(expr)) ? ((void)0) : ::boost::assertion_failed(...))`,
// and the project's assertion_failed is an ordinary function (it logs and
// may return). The macro is spelled here under a project name; no Boost
// code is copied. This file: asserted first (silent: before issue 16 this
// was reported, the handler not being [[noreturn]]).
#include <memory>

namespace app {
void assertion_failed(const char *expr, const char *function, const char *file,
                      long line);
} // namespace app
#define APP_ASSERT(expr)                                                       \
  (__builtin_expect(!!(expr), 1)                                               \
       ? ((void)0)                                                             \
       : ::app::assertion_failed(#expr, __func__, __FILE__, __LINE__))

struct Timer {
  void cancel();
};

struct Session {
  std::weak_ptr<Timer> timer;
  void stop() {
    auto t = timer.lock();
    APP_ASSERT(t);
    t->cancel();
  }
};
