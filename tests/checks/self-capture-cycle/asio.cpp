// Against the real standalone Asio headers (Debian libasio-dev): the
// asynchronous idiom is silent, a handler kept in a member is a cycle.
// weakcheck-args: -std=c++20 -DASIO_NO_DEPRECATED
#include <asio.hpp>
#include <array>
#include <functional>
#include <memory>

using asio::ip::tcp;

class connection : public std::enable_shared_from_this<connection> {
public:
  explicit connection(tcp::socket socket)
      : socket_(std::move(socket)), timer_(socket_.get_executor()),
        strand_(socket_.get_executor()) {}

  void start() {
    auto self(shared_from_this());
    socket_.async_read_some(asio::buffer(data_),
                            [this, self](std::error_code ec, std::size_t n) {
                              if (!ec)
                                write(n);
                            });
    timer_.async_wait(std::bind(&connection::on_timeout, shared_from_this(),
                                std::placeholders::_1));
    asio::post(strand_, [self] {});
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {});
    asio::defer(strand_, std::bind(&connection::stop, shared_from_this()));
    asio::async_write(socket_, asio::buffer(data_, 1),
                      asio::bind_executor(strand_, [self](std::error_code, std::size_t) {}));
  }

  void keep_handler() {
    auto self(shared_from_this()); // expected-note{{'self' is a strong owner of the 'connection' object}} expected-note{{'self' is a strong owner of the 'connection' object}}
    on_stop_ = [this, self] { stop(); }; // expected-warning{{capture 'self' owns the 'connection' object, which stores this callable}} expected-note{{stored in 'on_stop_'}}
    on_stop_ = asio::bind_executor(strand_, [self] {}); // expected-warning{{capture 'self' owns the 'connection' object}} expected-note{{stored in 'on_stop_'}}
  }

private:
  void write(std::size_t n) {
    auto self(shared_from_this());
    asio::async_write(socket_, asio::buffer(data_, n),
                      [this, self](std::error_code, std::size_t) { start(); });
  }
  void on_timeout(const std::error_code &) {}
  void stop() { socket_.close(); }

  tcp::socket socket_;
  asio::steady_timer timer_;
  asio::strand<asio::any_io_executor> strand_;
  std::array<char, 1024> data_;
  std::function<void()> on_stop_;
};
