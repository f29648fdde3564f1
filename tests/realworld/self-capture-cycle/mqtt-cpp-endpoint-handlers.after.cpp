// Restates redboltz/mqtt_cpp pull request #430, after: the handlers capture
// a weak_ptr to the endpoint (the accept handler now hands the endpoint
// over as a shared_ptr; the handlers must not own it).
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
  std::weak_ptr<endpoint> wp = ep;
  ep->set_close_handler([wp] { if (auto sp = wp.lock()) sp->disconnect(); });
  ep->set_error_handler([wp] { if (auto sp = wp.lock()) sp->disconnect(); });
}
