#include <memory>
struct Connection {};
void f() {
  auto owner = std::make_shared<Connection>();
  std::weak_ptr<Connection> w = owner;
  (void)w;
}
