// weakref-destructor-resurrection on this project's weakref runtime: weak
// references and finalizers created for the dying object.
#include <memory>
#include <weakref/weakref.hpp>

void release(int id);

struct Cheese : weakref::enable_weakref<Cheese>,
                std::enable_shared_from_this<Cheese> {
  int id_ = 0;
  std::shared_ptr<Cheese> other_;
  ~Cheese() {
    weakref::ref<Cheese> r(shared_from_this()); // expected-warning{{'weakref::ref<Cheese>' created for 'this' in the destructor of 'Cheese' needs an owner of the dying object: no owner is left once destruction has begun; do not create weak references or finalizers while destroying}}
    weakref::proxy<Cheese> p(shared_from_this()); // expected-warning{{'weakref::proxy<Cheese>' created for 'this'}}
    weakref::finalize fin(shared_from_this(), release, id_); // expected-warning{{created for 'this' in the destructor of 'Cheese'}}
    weakref::ref<Cheese> cb(weak_from_this().lock(), [](weakref::ref<Cheese> &) {}); // expected-warning{{'weakref::ref<Cheese>' created for 'this'}}
    weakref::ref<Cheese> unowned(std::shared_ptr<Cheese>(this, [](Cheese *) {})); // expected-warning{{'weakref::ref<Cheese>' created for 'this'}}
    register_self(); // expected-warning{{'weakref::ref<Cheese>' created for 'this' through 'register_self' in the destructor of 'Cheese'}}
  }
  void register_self() {
    weakref::ref<Cheese> r(shared_from_this()); // expected-note{{'register_self' does it here}}
  }
};

// ---- negatives -------------------------------------------------------------

struct Shop : weakref::enable_weakref<Shop> {
  std::shared_ptr<Cheese> stock_;
  ~Shop() {
    // A weak reference to another, living object is fine.
    weakref::ref<Cheese> r(stock_);
    weakref::finalize fin(stock_, release, 1);
    fin.detach();
  }
};
