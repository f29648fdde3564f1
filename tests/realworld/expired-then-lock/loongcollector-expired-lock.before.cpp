// Restates alibaba/loongcollector pull request #2215 ("Fixed the problem that
// weak ptr may get a null pointer", merged 2025-05-14): code tested
// `!w.expired()` and then called through `w.lock()`, but another thread can
// drop the last owner in between, so lock() returned null. The fix locks
// once and tests the result.
// This file: the code before the fix.
#include <memory>
#include <string>

struct Sink {
  void push(const std::string &);
};

class Router {
public:
  void route(const std::string &event);

private:
  std::weak_ptr<Sink> sink_;
};

void Router::route(const std::string &event) {
  if (!sink_.expired()) { // expected-note{{tested here}}
    sink_.lock()->push(event); // expected-warning{{relies on the earlier 'sink_.expired()' test}}
  }
}
