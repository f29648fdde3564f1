// weakref-self-capture-cycle: a handler holding a strong self queued on an
// execution context the object owns (an io_context or thread pool member,
// by value or through a smart pointer), directly or through a strand, timer
// or socket built on it. The same handlers on a context the object does not
// own are the everyday asio idiom and stay silent. Against real standalone
// Asio (executor_boost.cpp: Boost.Asio).
// weakcheck-args: -std=c++20 -DASIO_NO_DEPRECATED
#include <asio.hpp>
#include <array>
#include <functional>
#include <memory>

class Worker : public std::enable_shared_from_this<Worker> {
public:
  Worker() : timer_(io_), strand_(io_.get_executor()), socket_(strand_) {}

  void member_post() {
    // Free post on the owned context.
    asio::post(io_, [self = shared_from_this()] { self->tick(); }); // expected-warning{{capture 'self' owns the 'Worker' object, which owns the execution context 'io_' that keeps this handler until it runs}} expected-note{{the handler is queued on 'io_' here}} expected-note{{obtained here}}
  }
  void through_a_strand() {
    asio::dispatch(strand_, std::bind(&Worker::tick, shared_from_this())); // expected-warning{{bound argument 'shared_from_this()' owns the 'Worker' object, which owns the execution context 'io_'}} expected-note{{queued on 'strand_' here, which runs on 'io_'}}
  }
  void timer_wait() {
    auto self = shared_from_this(); // expected-note{{'self' is a strong owner of the 'Worker' object}}
    timer_.async_wait([this, self](std::error_code) { tick(); }); // expected-warning{{capture 'self' owns the 'Worker' object, which owns the execution context 'io_'}} expected-note{{queued on 'timer_' here, which runs on 'io_'}}
  }
  void socket_read() {
    asio::async_read(socket_, asio::buffer(buf_), // expected-note{{queued on 'socket_' here, which runs on 'io_'}}
                     [self = shared_from_this()](std::error_code, std::size_t) {}); // expected-warning{{capture 'self' owns the 'Worker' object, which owns the execution context 'io_'}} expected-note{{obtained here}}
  }
  void weak_is_fine() {
    asio::post(io_, [w = weak_from_this()] {
      if (auto self = w.lock())
        self->tick();
    });
    asio::post(io_, [this] { tick(); });
  }
  void tick();

private:
  asio::io_context io_; // expected-note{{'io_' is owned by the object}} expected-note{{'io_' is owned by the object}} expected-note{{'io_' is owned by the object}} expected-note{{'io_' is owned by the object}}
  asio::steady_timer timer_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::ip::tcp::socket socket_;
  std::array<char, 16> buf_;
};

// The everyday idiom: the io_context belongs to someone else (a reference
// member, a raw pointer, the socket's own executor): silent.
class Session : public std::enable_shared_from_this<Session> {
public:
  Session(asio::io_context &io, asio::ip::tcp::socket s)
      : io_(io), ctx_(&io), socket_(std::move(s)), timer_(io) {}
  void start() {
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(buf_),
                     [self](std::error_code, std::size_t) {});
    socket_.async_read_some(asio::buffer(buf_),
                            [this, self](std::error_code, std::size_t) {});
    timer_.async_wait([self](std::error_code) {});
    asio::post(io_, [self] {});
    asio::post(*ctx_, [self] {});
    asio::post(socket_.get_executor(), [self] {});
  }

private:
  asio::io_context &io_;
  asio::io_context *ctx_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  std::array<char, 16> buf_;
};
