#include <memory>
namespace app {
template <class T> std::shared_ptr<T> create() { return std::shared_ptr<T>(new T); }
}
struct Widget {};
void f() {
  std::weak_ptr<Widget> w = app::create<Widget>();
  (void)w;
}
