// Options: a project's own finalizer type and owner type.
// weakcheck-config: {CheckOptions: {weakref-finalizer-captures-referent.Finalizers: '::app::on_death', weakref-finalizer-captures-referent.StrongOwners: '::app::Handle'}}
#include <weakref/weakref.hpp>

namespace app {
template <class T> struct Handle {};
struct on_death {
  template <class T, class F> on_death(const Handle<T> &, F) {}
};
} // namespace app

struct Widget : weakref::enable_weakref<Widget> {};

void custom(app::Handle<Widget> h, std::shared_ptr<Widget> sp) {
  app::on_death d(h, [h] {}); // expected-warning{{capture 'h' keeps the death callback's own referent 'h' alive}} expected-note{{registered for 'h'}}
  app::on_death ok(h, [] {});
  // weakref::finalize is no longer listed.
  weakref::finalize fin(sp, [sp] {});
}
