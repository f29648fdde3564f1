// Restates berkus/dir_monitor pull requests #32 / #33 (merged as b647310,
// "improper use of std::shared_from_this()"): the monitor implementation
// owns its own io_service and posts std::bind(..., shared_from_this()) to
// it; the io_service holds the handler, the handler the implementation, the
// implementation the io_service, so the implementation is never freed.
// weakcheck-args: -std=c++17 -DBOOST_ASIO_NO_DEPRECATED
#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <string>

class dir_monitor_impl : public std::enable_shared_from_this<dir_monitor_impl> {
public:
  void push_back_event(const std::string &path) {
    boost::asio::post(io_, std::bind(&dir_monitor_impl::deliver, shared_from_this(), path)); // expected-warning{{bound argument 'shared_from_this()' owns the 'dir_monitor_impl' object, which owns the execution context 'io_'}} expected-note{{the handler is queued on 'io_' here}}
  }
  void deliver(const std::string &);

private:
  boost::asio::io_context io_; // expected-note{{'io_' is owned by the object}}
};
