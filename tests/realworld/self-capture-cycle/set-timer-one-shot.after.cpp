// The issue-16 corpus false positive restated (see the before file): a
// set_timer that hands the handler to a one-shot async_wait on a new timer
// and returns the timer stores nothing in the object; its body, visible
// here, decides (the set_* name rule is only for bodies not in the TU).
// weakcheck-args: -std=c++17 -DASIO_NO_DEPRECATED
#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>

class Client : public std::enable_shared_from_this<Client> {
public:
  explicit Client(asio::io_context &io) : io_(io) {}
  std::shared_ptr<asio::steady_timer> set_timer(std::chrono::milliseconds d,
                                                std::function<void()> handler) {
    auto t = std::make_shared<asio::steady_timer>(io_, d);
    t->async_wait([t, handler](std::error_code ec) {
      if (!ec)
        handler();
    });
    return t;
  }
  void start() {
    auto t = set_timer(std::chrono::milliseconds(100), [self = shared_from_this()] { self->ping(); });
    (void)t;
  }
  void ping();

private:
  asio::io_context &io_;
};
