// A finalizer function that cannot be called with the stored arguments.
#include <weakref/weakref.hpp>
struct Obj : weakref::enable_weakref<Obj> {};
int main() {
  auto p = std::make_shared<Obj>();
  weakref::finalize f(p, [](int, int) {}, 1);
}
