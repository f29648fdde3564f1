// Control: the same command line accepts correct code.
#include <weakref/weakref.hpp>

#include <unordered_set>
struct Obj : weakref::enable_weakref<Obj> {
  int get() const { return 1; }
};
int main() {
  auto p = std::make_shared<Obj>();
  weakref::ref<Obj> r(p, [](weakref::ref<Obj>&) {});
  weakref::finalize f(p, [](int, int) {}, 1, 2);
  weakref::weak_set<Obj> s;
  // identity-compared types hash by address: refs and weak methods hash
  std::unordered_set<weakref::ref<Obj>> refs{weakref::ref<Obj>(p)};
  weakref::weak_method m(p, &Obj::get);
  (void)std::hash<decltype(m)>{}(m);
}
