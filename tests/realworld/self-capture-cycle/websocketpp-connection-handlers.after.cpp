// Restates zaphoyd/websocketpp issue #310, after the fix: the stored
// handlers hold a weak pointer to the connection and lock it when called.
#include <functional>
#include <memory>
#include <system_error>

class connection : public std::enable_shared_from_this<connection> {
public:
  using handler = std::function<void(const std::error_code &, std::size_t)>;
  void init_asio() {
    std::weak_ptr<connection> weak = shared_from_this();
    m_async_read_handler = [weak](const std::error_code &ec, std::size_t n) {
      if (auto c = weak.lock())
        c->handle_async_read(ec, n);
    };
  }
  void handle_async_read(const std::error_code &, std::size_t);

private:
  handler m_async_read_handler;
};
