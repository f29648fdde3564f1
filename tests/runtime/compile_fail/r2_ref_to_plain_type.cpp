// R2: a type without enable_weakref cannot be weakly referenced.
#include <weakref/weakref.hpp>
struct Plain {};
int main() {
  auto p = std::make_shared<Plain>();
  weakref::ref<Plain> r(p);
}
