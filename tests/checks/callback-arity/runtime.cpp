// weakref-callback-arity on the weakref runtime. A wrong arity is a compile
// error there (a static_assert names it), so every case in this file
// compiles: the check must stay silent on correct code. The positives are
// in runtime_templates.cpp.
#include <weakref/weakref.hpp>
#include <functional>

struct Obj : weakref::enable_weakref<Obj> {};
void on_death(weakref::ref<Obj> &);
void close_fd(int fd);
void log_and_close(const char *what, int fd = 2);

void negatives(const std::shared_ptr<Obj> &p, std::function<void(weakref::ref<Obj> &)> fn) {
  weakref::ref<Obj> a(p, [](weakref::ref<Obj> &) {});
  weakref::ref<Obj> b(p, [](auto &) {});
  weakref::ref<Obj> c(p, &on_death);
  weakref::ref<Obj> d(p, fn);
  weakref::ref<Obj> e(p, nullptr);
  weakref::ref<Obj> f(p, [](weakref::ref<Obj> &, int extra = 0) {});
  weakref::finalize g(p, close_fd, 3);
  weakref::finalize h(p, [] {});
  weakref::finalize j(p, log_and_close, "x", 1);
  weakref::finalize k(p, [](auto &&...) {}, 1, 2, 3);
}
