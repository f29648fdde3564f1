// weakref-callback-uses-dead-referent on the weakref runtime: death
// callbacks and finalizers that reach their referent through a raw pointer
// or reference they captured or were given; then correct idioms (the
// address as a key, state copied by value, weak references).
#include <weakref/weakref.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

struct Conn : weakref::enable_weakref<Conn>, std::enable_shared_from_this<Conn> {
  void flush();
  void close_socket();
  std::string name;
  int fd = 0;
};
void close_fd(int);
void flush_raw(Conn *c) { c->flush(); } // expected-note{{the dead referent is reached through it here}}
void forget(const void *key);

void positives(std::shared_ptr<Conn> obj) {
  weakref::ref<Conn> a(obj, [raw = obj.get()](weakref::ref<Conn> &) { raw->flush(); }); // expected-warning{{capture 'raw' is a raw pointer to the death callback's referent 'obj', which is already destroyed when the callback runs; pass the state it needs by value, or use the address only as a key}}
  // expected-note@-1{{the dead referent is reached through it here}}
  // expected-note@-2{{the death callback is registered for 'obj' here}}
  weakref::finalize b(obj, [p = &*obj] { p->close_socket(); }); // expected-warning{{capture 'p' is a raw pointer to the finalizer's referent 'obj'}} expected-note{{reached through it here}} expected-note{{the finalizer is registered for 'obj' here}}
  Conn &obj_ref = *obj; // expected-note{{'obj_ref' points into 'obj'}}
  weakref::finalize c(obj, [&obj_ref] { std::puts(obj_ref.name.c_str()); }); // expected-warning{{capture 'obj_ref' is a raw reference to the finalizer's referent 'obj'}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  Conn *raw = obj.get(); // expected-note{{'raw' points into 'obj'}}
  weakref::finalize d(obj, [=] { raw->flush(); }); // expected-warning{{implicit capture 'raw' is a raw pointer}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  weakref::finalize e(obj, [&r = *obj] { r.flush(); }); // expected-warning{{capture 'r' is a raw reference}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  weakref::finalize f(obj, [fdp = &obj->fd] { close_fd(*fdp); }); // expected-warning{{capture 'fdp' is a raw pointer}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
}

void stored_arguments(std::shared_ptr<Conn> obj) {
  weakref::finalize a(obj, [](Conn *c) { c->flush(); }, obj.get()); // expected-warning{{argument is a raw pointer to the finalizer's referent 'obj'}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  weakref::finalize b(obj, flush_raw, obj.get()); // expected-warning{{argument is a raw pointer}} expected-note{{registered for 'obj'}}
  weakref::finalize c(obj, &Conn::flush, obj.get()); // expected-warning{{argument is a raw pointer}} expected-note{{this member function is called on the dead referent}} expected-note{{registered for 'obj'}}
  weakref::finalize d(obj, std::bind(&Conn::flush, obj.get())); // expected-warning{{bound argument is a raw pointer}} expected-note{{member function is called}} expected-note{{registered for 'obj'}}
  weakref::finalize e(obj, [](Conn &c) { c.flush(); }, std::ref(*obj)); // expected-warning{{argument is a raw reference}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  (void)a; (void)b; (void)c; (void)d; (void)e;
}

struct Session : weakref::enable_weakref<Session>, std::enable_shared_from_this<Session> {
  void cleanup();
  int id = 0;
  void watch() {
    weakref::finalize fin(shared_from_this(), [this] { cleanup(); }); // expected-warning{{capture 'this' is a raw pointer to the finalizer's referent the 'Session' object}} expected-note{{reached through it here}} expected-note{{registered for the 'Session' object}}
    (void)fin;
  }
};

struct Pool {
  std::shared_ptr<Conn> conn_;
  void watch() {
    weakref::ref<Conn> r(conn_, [c = conn_.get()](weakref::ref<Conn> &) { c->flush(); }); // expected-warning{{capture 'c' is a raw pointer to the death callback's referent the object of member 'conn_'}} expected-note{{reached through it here}} expected-note{{registered for the object of member 'conn_'}}
    (void)r;
  }
};

// ---------------------------------------------------------------------------
// Negatives.

std::map<const Conn *, int> g_index;
std::set<const void *> g_live;

struct Registry : weakref::enable_weakref<Registry>, std::enable_shared_from_this<Registry> {
  std::set<const Registry *> others;
  void watch(std::shared_ptr<Registry> peer) {
    // The address of `this` as a key, and a different object.
    weakref::finalize a(shared_from_this(), [this, key = this] { std::printf("%p\n", static_cast<const void *>(key)); });
    weakref::finalize b(peer, [this, key = peer.get()] { others.erase(key); });
    (void)a; (void)b;
  }
};

void negatives(std::shared_ptr<Conn> obj, std::shared_ptr<Conn> other) {
  // The finalizer-key idiom: the address only identifies the dead object.
  weakref::finalize a(obj, [key = obj.get()] { g_index.erase(key); });
  weakref::finalize b(obj, [key = static_cast<const void *>(obj.get())] { g_live.erase(key); forget(key); });
  weakref::ref<Conn> c(obj, [raw = obj.get()](weakref::ref<Conn> &) { std::printf("%p died\n", static_cast<void *>(raw)); });
  weakref::finalize d(obj, [raw = obj.get(), o = other.get()] { if (raw != o) o->flush(); });
  // Captured but never used.
  weakref::finalize e(obj, [raw = obj.get()] { std::puts("closed"); });
  // The state the finalizer needs, copied.
  weakref::finalize f(obj, close_fd, obj->fd);
  weakref::finalize g(obj, [fd = obj->fd, name = obj->name] { close_fd(fd); });
  Conn &ref = *obj;
  weakref::finalize h(obj, [copy = ref.name] { std::puts(copy.c_str()); });
  weakref::finalize i(obj, [ref] { std::puts(ref.name.c_str()); }); // a copy of the object
  // A raw pointer to another object.
  weakref::finalize j(obj, [p = other.get()] { p->flush(); });
  // The dead ref itself, and weak references.
  weakref::ref<Conn> k(obj, [](weakref::ref<Conn> &dead) { if (auto p = dead()) p->flush(); });
  std::weak_ptr<Conn> weak = obj;
  weakref::finalize l(obj, [weak] { if (auto p = weak.lock()) p->flush(); });
  // A stored key argument used only as a key.
  weakref::finalize m(obj, [](const Conn *key) { g_index.erase(key); }, obj.get());
  weakref::finalize n(obj, forget, obj.get());
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; (void)i; (void)j; (void)k; (void)l; (void)m; (void)n;
}

void more_shapes(std::shared_ptr<Conn> obj) {
  auto cb = [raw = obj.get()](auto &) { raw->flush(); }; // expected-warning{{capture 'raw' is a raw pointer to the death callback's referent 'obj'}} expected-note{{reached through it here}}
  weakref::ref<Conn> a(obj, cb); // expected-note{{registered for 'obj'}}
  weakref::proxy<Conn> b(obj, [&c = *obj](weakref::ref<Conn> &) { c.flush(); }); // expected-warning{{capture 'c' is a raw reference to the death callback's referent 'obj'}} expected-note{{reached through it here}} expected-note{{registered for 'obj'}}
  std::function<void()> fn = [raw = obj.get()] { raw->flush(); }; // expected-warning{{capture 'raw' is a raw pointer to the finalizer's referent}} expected-note{{reached through it here}}
  weakref::finalize c(obj, fn); // expected-note{{registered for 'obj'}}
  (void)a; (void)b; (void)c;
}
