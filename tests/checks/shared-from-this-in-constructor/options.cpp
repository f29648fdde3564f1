// CallDepth and EnableSharedFromThis are options.
// weakcheck-config: {CheckOptions: {weakref-shared-from-this-in-constructor.CallDepth: '1', weakref-shared-from-this-in-constructor.EnableSharedFromThis: '::app::shared_from_self'}}
#include <memory>

namespace app {
template <class T> struct shared_from_self {
  std::shared_ptr<T> shared_from_this();
};
} // namespace app

struct Node : app::shared_from_self<Node> {
  Node() {
    auto p = shared_from_this(); // expected-warning{{'shared_from_this()' in the constructor of 'Node'}}
    direct(); // expected-warning{{'shared_from_this()' through 'direct' in the constructor of 'Node'}}
    indirect(); // the same shared_from_this() call: reported once
    (void)p;
  }
  void direct() { auto p = shared_from_this(); (void)p; } // expected-note{{'direct' does it here}}
  void indirect() { direct(); }
};

// std::enable_shared_from_this is no longer in the list: silent.
struct Plain : std::enable_shared_from_this<Plain> {
  Plain() { auto p = shared_from_this(); (void)p; }
};
