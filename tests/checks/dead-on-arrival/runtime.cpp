// weakref-dead-on-arrival on the weakref runtime: ref, proxy and the weak
// containers (Python: WeakSet((LockBox(10), LockBox(20))) is empty).
#include <weakref/weakref.hpp>
#include <string>

struct LockBox : weakref::enable_weakref<LockBox> {
  explicit LockBox(int v) : value(v) {}
  int value;
};

void positives() {
  weakref::ref<LockBox> r(std::make_shared<LockBox>(1)); // expected-warning{{weak reference 'r' is dead on arrival}} expected-note{{temporary owner}}
  weakref::ref<LockBox> with_callback(std::make_shared<LockBox>(2), [](auto &) {}); // expected-warning{{'with_callback' is dead on arrival}} expected-note{{temporary owner}}
  weakref::proxy<LockBox> p(std::make_shared<LockBox>(3)); // expected-warning{{weak reference 'p' is dead on arrival}} expected-note{{temporary owner}}

  weakref::weak_set<LockBox> boxes{std::make_shared<LockBox>(10), // expected-warning{{weak container element is dead on arrival}}
                                   std::make_shared<LockBox>(20)}; // expected-warning{{weak container element is dead on arrival}}
  boxes.insert(std::make_shared<LockBox>(30)); // expected-warning:9{{weak container entry is dead on arrival}} expected-note:16{{temporary owner}}

  weakref::weak_value_dict<std::string, LockBox> stock;
  stock.insert_or_assign("Red Leicester", std::make_shared<LockBox>(4)); // expected-warning{{weak container entry is dead on arrival}} expected-note{{temporary owner}}

  weakref::weak_key_dict<LockBox, int> side_table;
  side_table.insert_or_assign(std::make_shared<LockBox>(5), 1); // expected-warning{{weak container entry is dead on arrival}} expected-note{{temporary owner}}
}

void negatives(const std::shared_ptr<LockBox> &param) {
  auto box = std::make_shared<LockBox>(1);
  weakref::ref<LockBox> r(box);
  weakref::ref<LockBox> r2(param, [](auto &) {});
  weakref::proxy<LockBox> p(box);

  weakref::weak_set<LockBox> boxes{box, param};
  boxes.insert(box);

  weakref::weak_value_dict<std::string, LockBox> stock;
  stock.insert_or_assign("Stilton", box);

  // A weak-key dictionary holds its values strongly: a temporary value is fine.
  weakref::weak_key_dict<LockBox, std::shared_ptr<LockBox>> side_table;
  side_table.insert_or_assign(box, std::make_shared<LockBox>(2));
}
