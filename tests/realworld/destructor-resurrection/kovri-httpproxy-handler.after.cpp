// Restates monero-project/kovri pull request #923, after the fix in its
// sound form: the destructor only logs and closes; removing the handler
// from the server happens before the last owner goes, in Terminate(),
// which the destructor no longer calls.
#include <memory>
#include <string>

class HTTPProxyHandler;
struct HTTPProxyServer {
  void RemoveHandler(const std::shared_ptr<HTTPProxyHandler> &);
};

class HTTPProxyHandler : public std::enable_shared_from_this<HTTPProxyHandler> {
public:
  ~HTTPProxyHandler() { Log("closed"); }
  void Terminate() { HandleStreamDone(""); }
  void HandleStreamDone(const std::string &reason) {
    Log(reason);
    Done();
  }
  void Done() { server_->RemoveHandler(shared_from_this()); }
  void Log(const std::string &);

private:
  HTTPProxyServer *server_ = nullptr;
};
