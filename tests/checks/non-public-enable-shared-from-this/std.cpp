// weakref-non-public-enable-shared-from-this: std::shared_ptr only connects
// to an accessible enable_shared_from_this base.
#include <memory>

// ---- positives ---------------------------------------------------------------

class Implicit : std::enable_shared_from_this<Implicit> {}; // expected-warning:18{{'Implicit' inherits 'enable_shared_from_this' non-publicly, so std::shared_ptr never connects to it: 'shared_from_this()' throws std::bad_weak_ptr and 'weak_from_this()' is always empty; inherit it publicly}}
class Private : private std::enable_shared_from_this<Private> {}; // expected-warning{{'Private' inherits 'enable_shared_from_this' non-publicly}}
struct Protected : protected std::enable_shared_from_this<Protected> {}; // expected-warning{{'Protected' inherits 'enable_shared_from_this' non-publicly}}
class Virtual : virtual private std::enable_shared_from_this<Virtual> {}; // expected-warning{{'Virtual' inherits}}
class VirtualFirst : private virtual std::enable_shared_from_this<VirtualFirst> {}; // expected-warning{{'VirtualFirst' inherits}}
class Second : public Implicit, std::enable_shared_from_this<Second> {}; // expected-warning:33{{'Second' inherits 'enable_shared_from_this' non-publicly}}

template <class T>
class Templated : std::enable_shared_from_this<Templated<T>> {}; // expected-warning{{'Templated' inherits 'enable_shared_from_this' non-publicly}}
Templated<int> instance;

// A base that inherits it publicly, itself inherited privately.
struct Connection : std::enable_shared_from_this<Connection> {}; // expected-note{{'Connection' inherits 'enable_shared_from_this' here}}
class TlsConnection : Connection {}; // expected-warning{{'TlsConnection' inherits 'Connection' non-publicly, which hides its 'enable_shared_from_this' base from std::shared_ptr: 'shared_from_this()' on a 'TlsConnection' throws std::bad_weak_ptr; inherit 'Connection' publicly}}

// ---- negatives ---------------------------------------------------------------

struct StructDefault : std::enable_shared_from_this<StructDefault> {};
class Public : public std::enable_shared_from_this<Public> {};
class PublicVirtual : public virtual std::enable_shared_from_this<PublicVirtual> {};
template <class T>
class PublicTemplate : public std::enable_shared_from_this<PublicTemplate<T>> {};
PublicTemplate<int> public_instance;
class PublicDerived : public Connection {};
struct Unrelated {};
class PrivateUnrelated : Unrelated {};
