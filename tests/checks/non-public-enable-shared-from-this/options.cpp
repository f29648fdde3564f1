// weakcheck-config: {CheckOptions: {weakref-non-public-enable-shared-from-this.EnableSharedFromThis: '::app::shared_from_self'}}
#include <memory>

namespace app {
template <class T> struct shared_from_self {};
} // namespace app

class Node : app::shared_from_self<Node> {}; // expected-warning{{'Node' inherits 'enable_shared_from_this' non-publicly}}
// std::enable_shared_from_this is no longer in the list: silent.
class Other : std::enable_shared_from_this<Other> {};
