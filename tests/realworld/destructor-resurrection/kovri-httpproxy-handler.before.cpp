// Restates monero-project/kovri pull request #923 (HTTPProxyHandler, the
// first of the two kovri fixes; #937 did the same for SOCKS): the proxy
// handler's destructor ends the connection through a chain of helpers, the
// last of which hands shared_from_this() to the service that owns the
// handlers, so std::bad_weak_ptr can leave the destructor.
#include <memory>
#include <string>

class HTTPProxyHandler;
struct HTTPProxyServer {
  void RemoveHandler(const std::shared_ptr<HTTPProxyHandler> &);
};

class HTTPProxyHandler : public std::enable_shared_from_this<HTTPProxyHandler> {
public:
  ~HTTPProxyHandler() { Terminate(); } // expected-warning{{'shared_from_this()' through 'Terminate' in the destructor of 'HTTPProxyHandler' throws std::bad_weak_ptr}}
  void Terminate() { HandleStreamDone(""); } // expected-note{{'Terminate' calls 'HandleStreamDone' here, in the call chain from '~HTTPProxyHandler'}}
  void HandleStreamDone(const std::string &reason) {
    Log(reason);
    Done(); // expected-note{{'HandleStreamDone' calls 'Done' here, in the call chain from '~HTTPProxyHandler'}}
  }
  void Done() { server_->RemoveHandler(shared_from_this()); } // expected-note{{'Done' does it here}}
  void Log(const std::string &);

private:
  HTTPProxyServer *server_ = nullptr;
};
