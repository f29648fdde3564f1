// weakref-finalizer-captures-referent on the weakref runtime: finalize and
// ref callbacks that own their referent (Python: "func should not be a bound
// method of obj"), then correct finalizers.
#include <weakref/weakref.hpp>
#include <functional>
#include <memory>
#include <string>

struct File : weakref::enable_weakref<File>, std::enable_shared_from_this<File> {
  void close();
  std::string name;
  int fd = 0;
};
void close_fd(int);
void close_file(const std::shared_ptr<File> &);
std::shared_ptr<File> open_file();

void positives(std::shared_ptr<File> obj) {
  weakref::finalize a(obj, [obj] { obj->close(); }); // expected-warning:29{{capture 'obj' keeps the finalizer's own referent 'obj' alive, so it can never die and the finalizer never runs; pass only the state the finalizer needs, or a weak reference}}
  // expected-note@-1:23{{the finalizer is registered for 'obj' here}}
  weakref::finalize b(obj, close_file, obj); // expected-warning:40{{argument 'obj' keeps the finalizer's own referent 'obj' alive}} expected-note{{registered for 'obj'}}
  weakref::finalize c(obj, std::bind(&File::close, obj)); // expected-warning:52{{bound argument 'obj' keeps the finalizer's own referent}} expected-note{{registered for 'obj'}}
  weakref::finalize d(obj, [self = obj] { self->close(); }); // expected-warning{{capture 'self' keeps the finalizer's own referent 'obj'}} expected-note{{registered for 'obj'}} expected-note{{strong owner of 'obj' obtained here}}
  weakref::finalize e(obj, [=] { obj->close(); }); // expected-warning:34{{implicit capture 'obj' keeps}} expected-note{{registered for 'obj'}}
  auto copy = obj; // expected-note{{'copy' is a strong owner of 'obj'}}
  weakref::finalize f(obj, [copy] { copy->close(); }); // expected-warning{{capture 'copy' keeps the finalizer's own referent 'obj'}} expected-note{{registered for 'obj'}}
  weakref::finalize g(obj, [s = obj->shared_from_this()] {}); // expected-warning{{capture 's' keeps}} expected-note{{registered for 'obj'}} expected-note{{obtained here}}
  weakref::ref<File> r(obj, [obj](weakref::ref<File> &) {}); // expected-warning{{capture 'obj' keeps the death callback's own referent 'obj' alive, so it can never die and the callback never runs}}
  // expected-note@-1{{the death callback is registered for 'obj' here}}
  weakref::finalize h(obj, std::bind(close_file, obj)); // expected-warning{{bound argument 'obj'}} expected-note{{registered for 'obj'}}
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)r; (void)h;
}

struct Cache : weakref::enable_weakref<Cache>, std::enable_shared_from_this<Cache> {
  void flush();
  void watch() {
    weakref::finalize fin(shared_from_this(), [self = shared_from_this()] { self->flush(); }); // expected-warning{{capture 'self' keeps the finalizer's own referent the 'Cache' object alive}} expected-note{{registered for the 'Cache' object}} expected-note{{obtained here}}
    (void)fin;
  }
};

void negatives(std::shared_ptr<File> obj, std::shared_ptr<File> other) {
  // Only the state the finalizer needs.
  weakref::finalize a(obj, close_fd, obj->fd);
  weakref::finalize b(obj, [fd = obj->fd] { close_fd(fd); });
  weakref::finalize c(obj, [name = obj->name] {});
  // A weak reference.
  std::weak_ptr<File> weak = obj;
  weakref::finalize d(obj, [weak] { if (auto p = weak.lock()) p->close(); });
  weakref::ref<File> r(obj, [](weakref::ref<File> &dead) { (void)dead; });
  // A different object.
  weakref::finalize e(obj, [other] { other->close(); });
  weakref::finalize f(obj, close_file, other);
  weakref::finalize g(obj, std::bind(&File::close, other));
  // An alias that no longer denotes the referent.
  auto p = obj;
  p = other;
  weakref::finalize h(obj, [p] {});
  // A reference capture does not own.
  weakref::finalize i(obj, [&obj] { (void)obj; });
  // A fresh object.
  weakref::finalize j(obj, [fresh = open_file()] {});
  (void)a; (void)b; (void)c; (void)d; (void)r; (void)e; (void)f; (void)g; (void)h; (void)i; (void)j;
}
