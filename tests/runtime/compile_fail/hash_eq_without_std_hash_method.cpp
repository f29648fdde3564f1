// R5 for weak_method: hashing a weak method hashes its object.
#include <weakref/weakref.hpp>

struct EqOnly : weakref::enable_weakref<EqOnly> {
  int v = 0;
  bool operator==(const EqOnly& o) const { return v == o.v; }
  int get() const { return v; }
};

int main() {
  auto a = std::make_shared<EqOnly>();
  weakref::weak_method m(a, &EqOnly::get);
  return static_cast<int>(std::hash<decltype(m)>{}(m));
}
