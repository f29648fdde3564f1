// weakref-shared-from-this-in-constructor: no owner exists while the
// constructor runs.
#include <functional>
#include <memory>
#include <vector>

struct Listener;
void subscribe(std::shared_ptr<Listener>);
struct Session;
void subscribe_weak(std::weak_ptr<Session>);

// ---- positives ---------------------------------------------------------------

struct Listener : std::enable_shared_from_this<Listener> {
  std::shared_ptr<Listener> self_;
  Listener() {
    subscribe(shared_from_this()); // expected-warning{{'shared_from_this()' in the constructor of 'Listener' throws std::bad_weak_ptr: no owner exists until the constructor returns; create the owner first and call it afterwards, for example from a static factory function}}
    auto p = weak_from_this().lock(); // expected-warning{{'weak_from_this().lock()' in the constructor of 'Listener' always returns an empty owner}}
    std::shared_ptr<Listener> q(weak_from_this()); // expected-warning{{a strong owner built from 'weak_from_this()' in the constructor of 'Listener' throws std::bad_weak_ptr}}
    (void)p; (void)q;
  }
  explicit Listener(int) : self_(shared_from_this()) {} // expected-warning{{'shared_from_this()' in the constructor of 'Listener' throws}}
};

struct Widget : std::enable_shared_from_this<Widget> {
  Widget() {
    init(); // expected-warning{{'shared_from_this()' through 'init' in the constructor of 'Widget' throws std::bad_weak_ptr}}
  }
  void init() {
    attach(); // expected-note{{'init' calls 'attach' here, in the call chain from 'Widget'}}
  }
  void attach() {
    auto self = shared_from_this(); // expected-note{{'attach' does it here}}
    (void)self;
  }
};

// The object handed to another object's function that asks for an owner.
struct Bus {
  std::vector<std::shared_ptr<struct Handler>> handlers_;
  void add(Handler *h);
  void remember(Handler *h) { last_ = h; }
  Handler *last_ = nullptr;
};
struct Handler : std::enable_shared_from_this<Handler> {
  explicit Handler(Bus &bus) {
    bus.add(this); // expected-warning{{'shared_from_this()' through 'add' in the constructor of 'Handler' throws std::bad_weak_ptr}}
    bus.remember(this);
  }
};
void Bus::add(Handler *h) {
  handlers_.push_back(h->shared_from_this()); // expected-note{{'add' does it here}}
}

// Through a base class's shared_from_this(), in a derived class.
struct Base : std::enable_shared_from_this<Base> {
  virtual ~Base() = default;
};
struct Derived : Base {
  Derived() {
    auto self = std::static_pointer_cast<Derived>(shared_from_this()); // expected-warning{{'shared_from_this()' in the constructor of 'Derived'}}
    (void)self;
  }
};

// ---- negatives ---------------------------------------------------------------

// The factory idiom: the owner exists before shared_from_this() is called.
struct Session : std::enable_shared_from_this<Session> {
  static std::shared_ptr<Session> create() {
    auto s = std::make_shared<Session>();
    s->start();
    return s;
  }
  Session() = default;
  void start() { subscribe_weak(weak_from_this()); }
};

// weak_from_this() itself is fine in a constructor: it is just empty.
struct Observer : std::enable_shared_from_this<Observer> {
  std::weak_ptr<Observer> me_;
  std::function<void()> on_event_;
  std::shared_ptr<Observer> parent_;
  Observer() : me_(weak_from_this()) {
    // A callable that calls shared_from_this() later, not now.
    on_event_ = [this] { auto self = shared_from_this(); (void)self; };
  }
  // shared_from_this() on another object.
  explicit Observer(Observer &other) : parent_(other.shared_from_this()) {}
};

// A class without enable_shared_from_this that has its own shared_from_this.
struct Custom {
  std::shared_ptr<Custom> shared_from_this();
  Custom() { auto p = shared_from_this(); (void)p; }
};

// Three calls deep, beyond CallDepth: the function summaries follow it.
struct Layered : std::enable_shared_from_this<Layered> {
  Layered() { init(); } // expected-warning{{'weak_from_this().lock()' through 'init' in the constructor of 'Layered' always returns an empty owner}}
  void init() { connect(); } // expected-note{{'init' calls 'connect' here, in the call chain from 'Layered'}}
  void connect() { subscribe(); } // expected-note{{'connect' calls 'subscribe' here, in the call chain from 'Layered'}}
  void subscribe() { auto s = weak_from_this().lock(); (void)s; } // expected-note{{'subscribe' does it here}}
};
