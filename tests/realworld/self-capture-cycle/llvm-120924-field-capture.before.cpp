// Restates the shape reported in llvm/llvm-project issue #120924 ("[clang-tidy]
// Check request: never capture `shared_from_this` by a field"): init() stores
// in a std::function member a lambda that captures shared_from_this().
#include <functional>
#include <memory>

struct A : std::enable_shared_from_this<A> {
  std::function<void()> captured;
  void init() {
    captured = [self = shared_from_this()]() {}; // expected-warning{{capture 'self' owns the 'A' object, which stores this callable}} expected-note{{stored in 'captured'}} expected-note{{obtained here}}
  }
};
