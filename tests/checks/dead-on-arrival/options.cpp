// The check's options teach it a project's own owner and weak types.
// weakcheck-config: {CheckOptions: {weakref-dead-on-arrival.WeakReferences: '::app::Observer', weakref-dead-on-arrival.StrongOwners: '::app::Handle', weakref-dead-on-arrival.OwnerFactories: '::app::make_handle'}}
#include <memory>

namespace app {
template <class T> struct Handle {
  Handle() = default;
  explicit Handle(T *) {}
};
template <class T> struct Observer {
  Observer() = default;
  Observer(const Handle<T> &) {}
};
template <class T> Handle<T> make_handle() { return Handle<T>(new T); }
template <class T> Handle<T> find_handle(int);
} // namespace app

struct Widget {};

void custom_types() {
  app::Observer<Widget> a = app::make_handle<Widget>(); // expected-warning{{'a' is dead on arrival}} expected-note{{temporary owner}}
  app::Observer<Widget> b = app::Handle<Widget>(new Widget); // expected-warning{{'b' is dead on arrival}} expected-note{{temporary owner}}
  app::Observer<Widget> c = app::find_handle<Widget>(1);
  // std::weak_ptr is no longer in WeakReferences: silent.
  std::weak_ptr<Widget> d = std::make_shared<Widget>();
}
