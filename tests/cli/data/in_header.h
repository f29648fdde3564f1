#include <memory>
struct Gadget {};
inline void header_bug() {
  std::weak_ptr<Gadget> w = std::make_shared<Gadget>();
  (void)w;
}
