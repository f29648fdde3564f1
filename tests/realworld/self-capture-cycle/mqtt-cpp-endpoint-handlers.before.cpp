// Restates redboltz/mqtt_cpp issue #400 / pull request #430: the example
// server set handlers on each accepted endpoint that captured the
// endpoint's own shared_ptr; the endpoint keeps every handler in a member,
// so no endpoint was ever destroyed (the PR discusses clearing all handlers
// to break the cycle).
#include <functional>
#include <memory>

class endpoint : public std::enable_shared_from_this<endpoint> {
public:
  using close_handler = std::function<void()>;
  void set_close_handler(close_handler h = close_handler()) { h_close_ = std::move(h); }
  void set_error_handler(close_handler h = close_handler()) { h_error_ = std::move(h); }
  void disconnect();

private:
  close_handler h_close_, h_error_;
};

void on_accept(std::shared_ptr<endpoint> ep) {
  ep->set_close_handler([ep] { ep->disconnect(); }); // expected-warning{{capture 'ep' owns 'ep', which stores this callable}} expected-note{{stored in 'ep'}}
  // expected-note@-10{{'set_close_handler' stores it in 'h_close_' here}}
  ep->set_error_handler([ep] { ep->disconnect(); }); // expected-warning{{capture 'ep' owns 'ep'}} expected-note{{stored in 'ep'}}
  // expected-note@-11{{'set_error_handler' stores it in 'h_error_' here}}
}
