// Restates the idiom of Qt's Q_ASSERT in release builds (qglobal.h /
// qassert.h with QT_NO_DEBUG): `#define Q_ASSERT(cond) static_cast<void>(false
// && (cond))`, which checks nothing at run time; code asserts a lock()
// result and then uses it. Spelled under a project name; no Qt code copied.
// This file: the lock() result used without any assertion.
#include <memory>

#define PROJ_Q_ASSERT(cond) static_cast<void>(false && (cond))

struct Document {
  void save();
};

void autosave(const std::weak_ptr<Document> &doc) {
  auto d = doc.lock();
  d->save(); // expected-warning{{'d' may be null}}
}
