// Restates monero-project/kovri pull request #937 ("Socks: Catch a
// potential exception in destructor", Coverity #175240; same shape as
// #923 for HTTPProxyHandler): the SOCKS handler's destructor calls
// Terminate(), which removes the handler from its owner by
// shared_from_this(): std::bad_weak_ptr thrown out of a destructor.
#include <memory>
#include <set>

class I2PServiceHandler;
class I2PService {
public:
  void RemoveHandler(std::shared_ptr<I2PServiceHandler> conn) { handlers_.erase(conn); }

private:
  std::set<std::shared_ptr<I2PServiceHandler>> handlers_;
};

class I2PServiceHandler : public std::enable_shared_from_this<I2PServiceHandler> {
public:
  virtual ~I2PServiceHandler() = default;
  I2PService *GetOwner() { return owner_; }
  void Done(std::shared_ptr<I2PServiceHandler> me) { GetOwner()->RemoveHandler(me); }

private:
  I2PService *owner_ = nullptr;
};

class SOCKSHandler : public I2PServiceHandler {
public:
  ~SOCKSHandler() override { Terminate(); } // expected-warning{{'shared_from_this()' through 'Terminate' in the destructor of 'SOCKSHandler' throws std::bad_weak_ptr}}
  void Terminate() {
    CloseSockets();
    Done(shared_from_this()); // expected-note{{'Terminate' does it here}}
  }
  void CloseSockets();
};
