// Control: the same command line accepts correct code.
#include <weakref/weakref.hpp>
struct Obj : weakref::enable_weakref<Obj> {};
int main() {
  auto p = std::make_shared<Obj>();
  weakref::ref<Obj> r(p, [](weakref::ref<Obj>&) {});
  weakref::finalize f(p, [](int, int) {}, 1, 2);
  weakref::weak_set<Obj> s;
}
