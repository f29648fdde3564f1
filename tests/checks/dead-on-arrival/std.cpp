// weakref-dead-on-arrival on std::weak_ptr / std::shared_ptr.
#include <memory>
#include <map>
#include <string>

struct Connection {
  void send(const std::string &);
};
struct Base { virtual ~Base(); };
struct Derived : Base {};

std::shared_ptr<Connection> g_connection = std::make_shared<Connection>();
std::map<int, std::shared_ptr<Connection>> g_registry;
std::shared_ptr<Connection> lookup(int id) { return g_registry[id]; }

// ---- positives -----------------------------------------------------------

void locals() {
  std::weak_ptr<Connection> a = std::make_shared<Connection>(); // expected-warning:29{{weak reference 'a' is dead on arrival}}
  // expected-note@-1:33{{the temporary owner is created here}}
  std::weak_ptr<Connection> b(std::make_shared<Connection>()); // expected-warning{{'b' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Connection> c{std::make_shared<Connection>()}; // expected-warning{{'c' is dead on arrival}} expected-note{{temporary owner}}
  auto d = std::weak_ptr<Connection>(std::make_shared<Connection>()); // expected-warning{{'d' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Connection> e = std::shared_ptr<Connection>(new Connection); // expected-warning{{'e' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Connection> f = std::shared_ptr<Connection>(std::make_unique<Connection>()); // expected-warning{{'f' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Base> g = std::shared_ptr<Base>(std::make_shared<Derived>()); // expected-warning{{'g' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Base> h = std::make_shared<Derived>(); // expected-warning{{'h' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Connection> i = std::allocate_shared<Connection>(std::allocator<Connection>()); // expected-warning{{'i' is dead on arrival}} expected-note{{temporary owner}}
  const std::weak_ptr<Connection> &j = std::make_shared<Connection>(); // expected-warning{{'j' is dead on arrival}} expected-note{{temporary owner}}
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; (void)i; (void)j;
}

void assignments(std::weak_ptr<Connection> &out) {
  std::weak_ptr<Connection> w;
  w = std::make_shared<Connection>(); // expected-warning:5{{weak reference 'w' is dead on arrival after this assignment}} expected-note:7{{temporary owner}}
  out = std::weak_ptr<Connection>(std::make_shared<Connection>()); // expected-warning{{'out' is dead on arrival after this assignment}} expected-note{{temporary owner}}
}

std::weak_ptr<Connection> factory() {
  return std::make_shared<Connection>(); // expected-warning{{returned weak reference is dead on arrival}} expected-note{{temporary owner}}
}

class Session {
  std::weak_ptr<Connection> peer_ = std::make_shared<Connection>(); // expected-warning{{weak reference member 'peer_' is dead on arrival}} expected-note{{temporary owner}}
  std::weak_ptr<Connection> backup_;

public:
  Session() : backup_(std::make_shared<Connection>()) {} // expected-warning{{weak reference member 'backup_' is dead on arrival}} expected-note{{temporary owner}}
};

struct Pool {
  std::weak_ptr<Connection> slots[2];
  void refill() {
    slots[0] = std::make_shared<Connection>(); // expected-warning{{weak reference is dead on arrival after this assignment}} expected-note{{temporary owner}}
  }
};

template <class T> std::weak_ptr<T> make_weak() {
  std::weak_ptr<T> w = std::make_shared<T>(); // expected-warning{{'w' is dead on arrival}} expected-note{{temporary owner}}
  return w;
}
template std::weak_ptr<Connection> make_weak<Connection>();
template std::weak_ptr<Session> make_weak<Session>();

// ---- negatives: correct code that must stay silent -------------------------

void named_owner() {
  auto owner = std::make_shared<Connection>();
  std::weak_ptr<Connection> w = owner;  // the owner outlives the statement
  std::weak_ptr<Connection> w2(owner);
  w2 = owner;
  (void)w;
}

void from_global_and_lookup() {
  std::weak_ptr<Connection> w = g_connection;
  // A function returning a copy of a long-lived owner: the registry keeps the
  // object alive, so the weak reference is live.
  std::weak_ptr<Connection> w2 = lookup(1);
  std::weak_ptr<Connection> w3 = g_registry.at(2);
  (void)w; (void)w2; (void)w3;
}

void default_and_copies(const std::weak_ptr<Connection> &other) {
  std::weak_ptr<Connection> empty;
  std::weak_ptr<Connection> copy = other;
  std::weak_ptr<Connection> moved = std::move(copy);
  empty = other;
  (void)moved;
}

// Using the temporary in the same full-expression is fine: the owner is
// alive until the semicolon.
void same_statement_use() {
  std::weak_ptr<Connection>(std::make_shared<Connection>()).lock()->send("hi");
}

void takes_weak(std::weak_ptr<Connection> w);
void argument_to_call() {
  // The callee runs while the temporary owner is alive.
  takes_weak(std::make_shared<Connection>());
}

std::shared_ptr<Connection> strong_result() {
  std::shared_ptr<Connection> s = std::make_shared<Connection>();
  return s;
}

void suppressed() {
  std::weak_ptr<Connection> w = std::make_shared<Connection>(); // NOLINT(weakref-dead-on-arrival)
  (void)w;
}
