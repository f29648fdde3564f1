#include <memory>
struct Connection {};
void f() {
  std::weak_ptr<Connection> w = std::make_shared<Connection>();
  (void)w;
}
