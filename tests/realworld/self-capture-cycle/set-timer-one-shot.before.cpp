// The issue-16 corpus false positive "a set_* method that does not store"
// (8 findings in one asio-based library), restated as a pair: here the
// set_timer variant that really keeps the handler (in a member, for
// re-arming) closes a cycle with the self it captures; the after file is
// the library's one-shot set_timer, which must stay silent.
// weakcheck-args: -std=c++17 -DASIO_NO_DEPRECATED
#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>

class Client : public std::enable_shared_from_this<Client> {
public:
  explicit Client(asio::io_context &io) : timer_(io) {}
  void set_timer(std::chrono::milliseconds d, std::function<void()> handler) {
    on_timer_ = std::move(handler); // kept for re-arming
    timer_.expires_after(d);
    timer_.async_wait([this](std::error_code) { on_timer_(); });
  }
  void start() {
    set_timer(std::chrono::milliseconds(100), [self = shared_from_this()] { self->ping(); }); // expected-warning{{capture 'self' owns the 'Client' object, which stores this callable}} expected-note{{the callable is stored here}} expected-note{{obtained here}}
    // expected-note@-6{{'set_timer' stores it in 'on_timer_' here}}
  }
  void ping();

private:
  asio::steady_timer timer_;
  std::function<void()> on_timer_;
};
