#include <weakref/weakref.hpp>
#include <cstdio>

struct Node : weakref::enable_weakref<Node> {};

int main() {
  auto n = std::make_shared<Node>();
  int calls = 0;
  weakref::ref<Node> r(n, [&](weakref::ref<Node>&) { ++calls; });
  n.reset();
  std::printf("consumer ok %d\n", calls);
  return calls == 1 && !r() ? 0 : 1;
}
