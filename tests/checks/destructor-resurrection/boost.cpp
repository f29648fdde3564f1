// weakref-destructor-resurrection on Boost's enable_shared_from_this.
#include "resurrection_boost.h"

struct Conn : boost::enable_shared_from_this<Conn> {
  ~Conn() {
    auto self = shared_from_this(); // expected-warning{{'shared_from_this()' in the destructor of 'Conn' throws std::bad_weak_ptr}}
    (void)self;
    auto locked = weak_from_this().lock(); // expected-warning{{'weak_from_this().lock()' in the destructor of 'Conn'}}
    (void)locked;
  }
};

struct Fine : boost::enable_shared_from_this<Fine> {
  ~Fine() {}
  boost::shared_ptr<Fine> get() { return shared_from_this(); }
};
