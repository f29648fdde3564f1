// weakref-self-capture-cycle decides a call with a visible body from the
// body (function summaries): a setter that stores its argument in the
// object is a storage whatever its name, one that does not is none, and the
// notes name the chain of calls down to the store. Against real Asio.
// weakcheck-args: -std=c++20 -DASIO_NO_DEPRECATED
#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

using Handler = std::function<void()>;

class Conn : public std::enable_shared_from_this<Conn> {
public:
  explicit Conn(asio::io_context &io) : io_(io) {}

  // ---- setters whose body stores ----------------------------------------
  void setWriteCallback(Handler cb) { write_cb_ = std::move(cb); }
  void register_handler(Handler h) { handlers_.push_back(std::move(h)); }
  void add(Handler h) { register_handler(h); }
  void on(Handler h) { add(std::move(h)); }

  void camel_case() {
    setWriteCallback([self = shared_from_this()] {}); // expected-warning{{capture 'self' owns the 'Conn' object, which stores this callable}} expected-note{{the callable is stored here}} expected-note{{obtained here}}
    // expected-note@-7{{'setWriteCallback' stores it in 'write_cb_' here}}
  }
  void bound_through_a_chain() {
    on(std::bind(&Conn::tick, shared_from_this())); // expected-warning{{bound argument 'shared_from_this()' owns the 'Conn' object}} expected-note{{the callable is stored here}}
    // expected-note@-8{{'on' hands it to 'add' here}} expected-note@-9{{'add' hands it to 'register_handler' here}} expected-note@-10{{'register_handler' stores it in 'handlers_' here}}
  }
  void register_direct() {
    register_handler(std::bind(&Conn::tick, shared_from_this())); // expected-warning{{bound argument 'shared_from_this()' owns}} expected-note{{the callable is stored here}}
    // expected-note@-14{{'register_handler' stores it in 'handlers_' here}}
  }
  void on_another_conn(std::shared_ptr<Conn> other) {
    other->setWriteCallback([self = shared_from_this()] {}); // another Conn: no cycle
  }

  // ---- set_* whose body does not store ----------------------------------
  // The shape of the false positive: the handler goes to a one-shot
  // async_wait and the function returns the timer.
  std::shared_ptr<asio::steady_timer> set_timer(std::chrono::milliseconds d,
                                                Handler handler) {
    auto t = std::make_shared<asio::steady_timer>(io_, d);
    t->async_wait([t, handler](std::error_code) { handler(); });
    return t;
  }
  void set_logger_level(int, Handler h) { h(); }
  void timers() {
    timer_ = set_timer(std::chrono::milliseconds(10), [self = shared_from_this()] {});
    set_timer(std::chrono::milliseconds(5), std::bind(&Conn::tick, shared_from_this()));
    set_logger_level(1, [self = shared_from_this()] {});
  }

  // ---- recursion terminates ---------------------------------------------
  void ping(Handler h, int n) { if (n) pong(h, n - 1); }
  void pong(Handler h, int n) { if (n) ping(h, n - 1); else last_ = h; }
  void recursive() {
    ping([self = shared_from_this()] {}, 3); // expected-warning{{capture 'self' owns the 'Conn' object}} expected-note{{the callable is stored here}} expected-note{{obtained here}}
    // expected-note@-4{{'ping' hands it to 'pong' here}} expected-note@-3{{'pong' stores it in 'last_' here}}
  }

  void tick();

private:
  asio::io_context &io_;
  Handler write_cb_, last_;
  std::vector<Handler> handlers_;
  std::shared_ptr<asio::steady_timer> timer_;
};

// A free function that stores its argument into the object it is given.
void attach(Conn &c, Handler h);
struct Bus {
  std::vector<Handler> subs;
};
void subscribe_to(Bus *bus, Handler h) { bus->subs.push_back(std::move(h)); }

struct Service : std::enable_shared_from_this<Service> {
  Bus bus_;
  Bus *external_ = nullptr;
  void start() {
    subscribe_to(&bus_, [self = shared_from_this()] {}); // expected-warning{{capture 'self' owns the 'Service' object}} expected-note{{stored in 'bus_'}} expected-note{{obtained here}}
    // expected-note@-7{{'subscribe_to' stores it in 'bus->subs' here}}
    subscribe_to(external_, [self = shared_from_this()] {}); // a raw pointer: not owned
  }
};
