// Restates duckdb/duckdb pull request #25161: when a streaming query result
// was created, the client context held as a weak_ptr was locked and used
// without a test; a context closed in between crashed. The fix checks it.
// This file: the code after the fix (silent).
#include <memory>
#include <stdexcept>
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
  auto ctx = ctx_.lock();
  if (!ctx)
    throw std::runtime_error("connection has been closed");
  owner_ = ctx->id();
  ctx->register_stream(name);
}
