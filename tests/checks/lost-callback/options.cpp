// weakref-lost-callback with a user-defined callback reference type.
// weakcheck-config: {CheckOptions: {weakref-lost-callback.CallbackReferences: '::app::watcher', weakref-lost-callback.StrongOwners: '::app::handle'}}
#include <weakref/weakref.hpp>
#include <memory>

namespace app {
struct handle {
  void reset();
};
struct watcher {
  template <class F> watcher(const handle &, F) {}
  bool active() const;
};
} // namespace app
struct Conn : weakref::enable_weakref<Conn> {};
void on_closed(weakref::ref<Conn> &);

void positives(app::handle h) { // expected-note{{'h' outlives the function}}
  app::watcher(h, [] {}); // expected-warning{{death callback can never run: this temporary weak reference}}
  app::watcher w(h, [] {}); // expected-warning{{death callback of 'w' can never run}}
  (void)w.active();
} // expected-note{{'w' is destroyed here}}

void negatives(app::handle h, std::shared_ptr<Conn> obj) {
  app::watcher w(h, [] {});
  h.reset();
  // weakref::ref is not configured.
  weakref::ref<Conn> r(obj, on_closed);
}
