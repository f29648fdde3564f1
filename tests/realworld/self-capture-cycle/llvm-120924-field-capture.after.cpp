// Restates llvm/llvm-project issue #120924, with the remedy the issue
// names: capture weak_from_this() and lock it in the body.
#include <functional>
#include <memory>

struct A : std::enable_shared_from_this<A> {
  std::function<void()> captured;
  void work();
  void init() {
    captured = [weak = weak_from_this()]() {
      if (auto self = weak.lock())
        self->work();
    };
  }
};
