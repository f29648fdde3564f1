// A callback that cannot take the ref: compile-time arity error.
#include <weakref/weakref.hpp>
struct Obj : weakref::enable_weakref<Obj> {};
int main() {
  auto p = std::make_shared<Obj>();
  weakref::ref<Obj> r(p, [] {});
}
