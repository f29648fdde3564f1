// Restates Quicr/libquicr pull request #746 ("Make OnStreamClosed safe",
// merged 2025-11-24): the handler was weak-locked, but a member of it was
// read before the null check, so a closed stream whose handler was gone
// crashed. The fix tests the lock() result first.
// This file: the code before the fix (the dereference precedes the test).
#include <map>
#include <memory>

struct Handler {
  bool is_fetch_handler = false;
  void stream_closed(unsigned long id);
};

class Transport {
public:
  void on_stream_closed(unsigned long id);

private:
  std::map<unsigned long, std::weak_ptr<Handler>> handlers_;
};

void Transport::on_stream_closed(unsigned long id) {
  auto it = handlers_.find(id);
  if (it == handlers_.end())
    return;
  auto handler = it->second.lock();
  if (handler->is_fetch_handler) { // expected-warning{{'handler' may be null}}
    handlers_.erase(it);
    return;
  }
  if (!handler)
    return;
  handler->stream_closed(id);
}
