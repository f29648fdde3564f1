// weakref-self-capture-cycle: the executor cycle against real Boost.Asio
// (see executor.cpp): a context owned through a smart pointer, a thread
// pool member, boost::asio::post(*io_, ...), and the silent forms.
// weakcheck-args: -std=c++20 -DBOOST_ASIO_NO_DEPRECATED
#include <boost/asio.hpp>
#include <functional>
#include <memory>

// Owned through a smart pointer; boost::asio's free post(*io_, ...) and the
// member post of a thread pool's executor.
class Poller : public std::enable_shared_from_this<Poller> {
public:
  Poller() : io_(std::make_shared<boost::asio::io_context>()) {}
  void start() {
    boost::asio::post(*io_, [self = shared_from_this()] {}); // expected-warning{{capture 'self' owns the 'Poller' object, which owns the execution context 'io_'}} expected-note{{the handler is queued on 'io_' here}} expected-note{{obtained here}}
    // expected-note@+8{{'io_' is owned by the object}}
    boost::asio::post(pool_, std::bind(&Poller::poll, shared_from_this())); // expected-warning{{bound argument 'shared_from_this()' owns the 'Poller' object, which owns the execution context 'pool_'}} expected-note{{the handler is queued on 'pool_' here}}
    // expected-note@+7{{'pool_' is owned by the object}}
    boost::asio::post(io_->get_executor(), [w = weak_from_this()] {});
  }
  void poll();

private:
  std::shared_ptr<boost::asio::io_context> io_;
  boost::asio::thread_pool pool_{1};
};

class Client : public std::enable_shared_from_this<Client> {
public:
  explicit Client(boost::asio::io_context &io) : io_(io), timer_(io) {}
  void start() {
    boost::asio::post(io_, [self = shared_from_this()] {});
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) {});
  }

private:
  boost::asio::io_context &io_;
  boost::asio::steady_timer timer_;
};
