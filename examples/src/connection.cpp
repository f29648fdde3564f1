#include "connection.h"
#include <algorithm>

void Connection::send(const std::string &message) { outbox_.push_back(message); }

void Connection::on_close(std::function<void()> handler) {
  close_handlers_.push_back(std::move(handler));
}

void Connection::close() {
  for (auto &handler : close_handlers_)
    handler();
  close_handlers_.clear();
}

void Connection::start_heartbeat() {
  // BUG (weakref-self-capture-cycle): the handler owns the connection and the
  // connection owns the handler; neither is ever destroyed.
  heartbeat_ = [self = shared_from_this()] { self->send("ping"); };
}

void Connection::start_watchdog() {
  // Correct: the stored handler holds the connection weakly.
  watchdog_ = [weak = weak_from_this()] {
    if (auto self = weak.lock())
      self->send("still there?");
  };
}

void SessionTable::add(const std::shared_ptr<Connection> &connection) {
  // Correct: the caller owns the connection; the table only observes it.
  sessions_.push_back(connection);
  last_ = connection;
}

void SessionTable::add_anonymous() {
  // BUG (weakref-dead-on-arrival): nothing owns the new connection once this
  // statement ends, so the table only ever sees an expired entry.
  last_ = std::make_shared<Connection>("anonymous");
  sessions_.push_back(last_);
}

std::size_t SessionTable::live() const {
  return std::count_if(sessions_.begin(), sessions_.end(),
                       [](const std::weak_ptr<Connection> &w) { return !w.expired(); });
}

void SessionTable::broadcast(const std::string &message) {
  for (const auto &weak : sessions_)
    if (auto connection = weak.lock()) // Correct: checked before use.
      connection->send(message);
}
