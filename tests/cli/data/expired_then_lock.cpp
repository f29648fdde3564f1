// weakref-expired-then-lock's fix-it: the simple shape becomes
// 'if (auto p = w.lock()) { ... }'.
#include <memory>

struct Observer {
  void notify();
};

void publish(const std::weak_ptr<Observer> &w) {
  if (!w.expired()) {
    auto p = w.lock();
    p->notify();
  }
}
