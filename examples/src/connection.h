#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

// A client connection, owned by std::shared_ptr and referred to weakly by
// the server's session table.
class Connection : public std::enable_shared_from_this<Connection> {
public:
  explicit Connection(std::string peer) : peer_(std::move(peer)) {}
  const std::string &peer() const { return peer_; }
  void send(const std::string &message);
  void on_close(std::function<void()> handler);
  void close();
  void start_heartbeat();
  void start_watchdog();

private:
  std::string peer_;
  std::vector<std::string> outbox_;
  std::vector<std::function<void()>> close_handlers_;
  std::function<void()> heartbeat_;
  std::function<void()> watchdog_;
};

class SessionTable {
public:
  void add(const std::shared_ptr<Connection> &connection);
  void add_anonymous();
  std::size_t live() const;
  void broadcast(const std::string &message);

private:
  std::vector<std::weak_ptr<Connection>> sessions_;
  std::weak_ptr<Connection> last_;
};
