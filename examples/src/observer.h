#pragma once
#include <functional>
#include <memory>
#include <vector>

struct Listener {
  virtual ~Listener() = default;
  virtual void notify(int event) = 0;
};

// Observers are held weakly: a subject never keeps a listener alive.
class Subject {
public:
  void subscribe(std::weak_ptr<Listener> listener) {
    listeners_.push_back(std::move(listener));
  }
  void publish(int event);
  void publish_to_first(int event);

private:
  std::vector<std::weak_ptr<Listener>> listeners_;
};

struct Logger : Listener {
  void notify(int event) override { last = event; }
  int last = 0;
};

void wire_up(Subject &subject, const std::shared_ptr<Logger> &logger);
