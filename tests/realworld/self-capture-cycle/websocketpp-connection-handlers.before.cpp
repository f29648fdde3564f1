// Restates zaphoyd/websocketpp issue #310 ("Connection is never
// destructed", asio transport, 0.3.x): the connection keeps its read,
// write and init handlers in members, and each handler was bound to the
// connection's own shared pointer (get_shared()), so the connection owns
// handlers that own the connection.
#include <functional>
#include <memory>
#include <system_error>

using namespace std::placeholders;

class connection : public std::enable_shared_from_this<connection> {
public:
  using handler = std::function<void(const std::error_code &, std::size_t)>;
  std::shared_ptr<connection> get_shared() { return shared_from_this(); }
  void init_asio() {
    m_async_read_handler = std::bind(&connection::handle_async_read, get_shared(), _1, _2); // expected-warning{{bound argument 'get_shared()' owns the 'connection' object, which stores this callable}} expected-note{{stored in 'm_async_read_handler'}}
    m_async_write_handler = std::bind(&connection::handle_async_write, get_shared(), _1, _2); // expected-warning{{bound argument 'get_shared()' owns the 'connection' object}} expected-note{{stored in 'm_async_write_handler'}}
  }
  void handle_async_read(const std::error_code &, std::size_t);
  void handle_async_write(const std::error_code &, std::size_t);

private:
  handler m_async_read_handler;
  handler m_async_write_handler;
};
