// Restates machinezone/IXWebSocket issue #157 / pull request #228
// ("Websocket destructor is not called after closing the connection"): the
// server's connection callback gives the new socket an on-message callback
// that captures the socket's own shared_ptr; the socket stores the callback
// in a member (a camelCase setter), so socket and callback own each other.
// The setter's name matches no storing-method rule: only its body says it
// stores (function summaries).
#include <functional>
#include <memory>
#include <string>

class Socket {
public:
  using OnMessage = std::function<void(const std::string &)>;
  void setOnMessageCallback(const OnMessage &callback) { onMessage_ = callback; }
  void send(const std::string &);

private:
  OnMessage onMessage_;
};

void onConnection(std::shared_ptr<Socket> socket) {
  socket->setOnMessageCallback([socket](const std::string &m) { socket->send(m); }); // expected-warning{{capture 'socket' owns 'socket', which stores this callable}} expected-note{{stored in 'socket'}}
  // expected-note@-9{{'setOnMessageCallback' stores it in 'onMessage_' here}}
}
