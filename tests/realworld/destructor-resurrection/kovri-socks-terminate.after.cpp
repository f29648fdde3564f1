// Restates monero-project/kovri pull requests #923 / #937, after the fix in
// its sound form: the destructor only releases what the object holds; the
// removal from the owner (which needs an owner of the object) happens in
// Terminate(), called by the code that still holds a shared_ptr.
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
  ~SOCKSHandler() override { CloseSockets(); }
  void Terminate() {
    CloseSockets();
    Done(shared_from_this());
  }
  void CloseSockets();
};
