// Restates machinezone/IXWebSocket pull request #228, after the fix: the
// callback captures a weak_ptr and locks it when a message arrives.
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
  std::weak_ptr<Socket> weak = socket;
  socket->setOnMessageCallback([weak](const std::string &m) {
    if (auto s = weak.lock())
      s->send(m);
  });
}
