// Boost's enable_shared_from_this, and the option naming the base classes.
#include "resurrection_boost.h"

class Conn : boost::enable_shared_from_this<Conn> {}; // expected-warning{{'Conn' inherits 'enable_shared_from_this' non-publicly}}
struct Fine : boost::enable_shared_from_this<Fine> {};
