// Restates oxen-io/oxen-libquic pull request #58 ("check weak_ptr after
// lock"): a callback held its connection as a weak_ptr, locked it and called
// through the result; the fix returns when the connection is gone.
// This file: the code after the fix (silent).
#include <memory>

struct Connection {
  void close_stream(long id, int code);
};

struct Stream {
  std::weak_ptr<Connection> conn;
  long id = 0;
  void on_reset(int code) {
    auto c = conn.lock();
    if (!c)
      return;
    c->close_stream(id, code);
  }
};
