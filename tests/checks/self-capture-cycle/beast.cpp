// The Boost.Beast idiom: a strong `self` passed to an asynchronous operation
// lives in the executor's queue only until the handler runs. Silent. The
// same handler stored in a member is a cycle.
#include <cycle/beast.hpp>
#include <functional>
#include <memory>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

class session : public std::enable_shared_from_this<session> {
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request req_;
  net::steady_timer timer_;
  // The server's context, not the session's: posting a strong self to it is
  // the idiom (executor.cpp has the cycle through a context the object owns).
  net::io_context &ioc_;
  std::function<void(boost::system::error_code, std::size_t)> on_read_;

public:
  void do_read() {
    http::async_read(stream_, buffer_, req_,
                     beast::bind_front_handler(&session::on_read, shared_from_this()));
    stream_.async_read_some(buffer_, [self = shared_from_this()](boost::system::error_code, std::size_t) {});
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->do_read(); });
    net::post(ioc_, [self = shared_from_this()] {});
    net::dispatch(ioc_, beast::bind_front_handler(&session::do_read, shared_from_this()));
    net::defer(ioc_, [self = shared_from_this()] {});
    ioc_.post([self = shared_from_this()] {});
    auto self = shared_from_this();
    timer_.async_wait([self](boost::system::error_code) {});
  }
  void weak_handler() {
    std::weak_ptr<session> weak = shared_from_this();
    on_read_ = [weak](boost::system::error_code, std::size_t) {
      if (auto self = weak.lock())
        self->do_read();
    };
  }
  void stored_handler() {
    on_read_ = beast::bind_front_handler(&session::on_read, shared_from_this()); // expected-warning{{bound argument 'shared_from_this()' owns the 'session' object}} expected-note{{stored in 'on_read_'}}
  }
  void on_read(boost::system::error_code, std::size_t);
};
