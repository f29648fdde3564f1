// weakref-callback-uses-dead-referent with a user-defined registration and
// raw accessor.
// weakcheck-config: {CheckOptions: {weakref-callback-uses-dead-referent.Registrations: '::app::on_death', weakref-callback-uses-dead-referent.RawAccessors: 'raw', weakref-callback-uses-dead-referent.StrongOwners: '::app::owner'}}
#include <weakref/weakref.hpp>
#include <memory>

namespace app {
template <class T> struct owner {
  T *raw() const;
  T *get() const;
};
struct on_death {
  template <class T, class F> on_death(const owner<T> &, F) {}
};
} // namespace app
struct Conn : weakref::enable_weakref<Conn> {
  void flush();
};

void positives(app::owner<Conn> o) {
  app::on_death d(o, [p = o.raw()] { p->flush(); }); // expected-warning{{capture 'p' is a raw pointer to the death callback's referent 'o'}} expected-note{{reached through it here}} expected-note{{registered for 'o'}}
}

void negatives(app::owner<Conn> o, std::shared_ptr<Conn> obj) {
  // get() is not a configured raw accessor here.
  app::on_death d(o, [p = o.get()] { p->flush(); });
  // weakref::finalize is not configured.
  weakref::finalize f(obj, [p = obj.get()] { p->flush(); });
}
