// Restates berkus/dir_monitor b647310, after the fix: the handler no longer
// owns the implementation (it binds `this`; the implementation outlives its
// own io_service, which it stops and drains in its destructor).
// weakcheck-args: -std=c++17 -DBOOST_ASIO_NO_DEPRECATED
#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <string>

class dir_monitor_impl : public std::enable_shared_from_this<dir_monitor_impl> {
public:
  void push_back_event(const std::string &path) {
    boost::asio::post(io_, std::bind(&dir_monitor_impl::deliver, this, path));
  }
  void deliver(const std::string &);

private:
  boost::asio::io_context io_;
};
