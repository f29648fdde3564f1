// weakref-unchecked-lock with a user's own weak handle.
// weakcheck-config: {CheckOptions: {weakref-unchecked-lock.LockFunctions: '::app::WeakHandle::pin', weakref-unchecked-lock.StrongPointers: '::std::shared_ptr'}}
#include <memory>

namespace app {
struct Texture {
  int id;
};
class WeakHandle {
public:
  std::shared_ptr<Texture> pin() const { return w_.lock(); }
  std::shared_ptr<Texture> lock() const { return w_.lock(); }

private:
  std::weak_ptr<Texture> w_;
};
} // namespace app

int configured(const app::WeakHandle &h) {
  return h.pin()->id; // expected-warning{{the result of lock() may be null}}
}

int not_configured(const app::WeakHandle &h, const std::weak_ptr<app::Texture> &w) {
  // lock() is not in the configured list, and neither is std::weak_ptr::lock.
  return h.lock()->id + w.lock()->id;
}
