// R5: a ref to a T with operator== but no std::hash<T> is not hashable:
// equal refs would hash differently (two equal refs kept by one
// unordered_set). Python raises TypeError (unhashable type).
#include <weakref/weakref.hpp>

#include <unordered_set>

struct EqOnly : weakref::enable_weakref<EqOnly> {
  int v = 0;
  bool operator==(const EqOnly& o) const { return v == o.v; }
};

int main() {
  auto a = std::make_shared<EqOnly>();
  std::unordered_set<weakref::ref<EqOnly>> s;
  s.insert(weakref::ref<EqOnly>(a));
}
