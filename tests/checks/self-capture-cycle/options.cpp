// Options teach the check a project's own owner, callable storage and
// storing methods; TransientSinks wins over StoringMethods.
// weakcheck-config: {CheckOptions: {weakref-self-capture-cycle.StrongOwners: '::app::Handle', weakref-self-capture-cycle.CallableStorage: '::app::Callback', weakref-self-capture-cycle.StoringMethods: 'subscribe;schedule_*', weakref-self-capture-cycle.TransientSinks: 'schedule_once', weakref-self-capture-cycle.Binders: '::app::bind'}}
#include <functional>
#include <memory>

namespace app {
template <class T> struct Handle {
  T *operator->() const;
};
struct Callback {
  template <class F> Callback &operator=(F) { return *this; }
};
struct Bus {
  // Bodies not visible here: the names decide.
  void subscribe(std::function<void()>);
  void schedule_every(std::function<void()>);
  void schedule_once(std::function<void()>);
};
template <class F, class... A> int bind(F, A...);
} // namespace app

struct Widget {
  app::Callback on_click;
  app::Bus bus;
  std::function<void()> plain;
  void click();
};
void notify(app::Handle<Widget>);

void custom(app::Handle<Widget> w) {
  w->on_click = [w] { notify(w); }; // expected-warning{{capture 'w' owns 'w', which stores this callable}} expected-note{{stored in 'w->on_click'}}
  w->bus.subscribe([w] {}); // expected-warning{{capture 'w' owns 'w'}} expected-note{{stored in 'w->bus'}}
  w->bus.schedule_every([w] {}); // expected-warning{{capture 'w' owns 'w'}} expected-note{{stored in 'w->bus'}}
  w->on_click = app::bind(&notify, w); // expected-warning{{bound argument 'w' owns 'w'}} expected-note{{stored in 'w->on_click'}}
  // A transient sink, and std::function no longer listed as storage.
  w->bus.schedule_once([w] {});
  w->plain = [w] {};
}

// std::shared_ptr is no longer a strong owner.
struct Node : std::enable_shared_from_this<Node> {
  std::function<void()> cb;
  void f() { cb = [self = shared_from_this()] {}; }
};
