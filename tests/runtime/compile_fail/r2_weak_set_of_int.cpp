// R2: not even through a container.
#include <weakref/weakref.hpp>
int main() {
  weakref::weak_set<int> s;
}
