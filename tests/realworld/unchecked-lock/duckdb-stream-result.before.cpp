// Restates duckdb/duckdb pull request #25161: when a streaming query result
// was created, the client context held as a weak_ptr was locked and used
// without a test; a context closed in between crashed. The fix checks it.
// This file: the code before the fix.
#include <memory>
#include <string>

struct ClientContext {
  std::string id() const;
  void register_stream(const std::string &);
};

class StreamResult {
public:
  explicit StreamResult(std::weak_ptr<ClientContext> ctx) : ctx_(std::move(ctx)) {}
  void attach(const std::string &name);

private:
  std::weak_ptr<ClientContext> ctx_;
  std::string owner_;
};

void StreamResult::attach(const std::string &name) {
  owner_ = ctx_.lock()->id(); // expected-warning{{the result of lock() may be null}}
  auto ctx = ctx_.lock();
  ctx->register_stream(name); // expected-warning{{'ctx' may be null}}
}
