#include <weakref/weakref.hpp>
struct Plain {};
int main() {
  auto p = std::make_shared<Plain>();
  weakref::finalize f(p, [] {});
}
