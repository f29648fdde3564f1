#include <memory>
struct Connection {};
void f() {
  std::weak_ptr<Connection> w = std::make_shared<Connection>(); // NOLINT(weakref-dead-on-arrival)
  // NOLINTNEXTLINE(weakref-*)
  std::weak_ptr<Connection> v = std::make_shared<Connection>();
  (void)w; (void)v;
}
