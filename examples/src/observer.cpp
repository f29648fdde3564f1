#include "observer.h"

void Subject::publish(int event) {
  std::erase_if(listeners_, [](const std::weak_ptr<Listener> &w) { return w.expired(); });
  for (const auto &weak : listeners_)
    if (auto listener = weak.lock())
      listener->notify(event);
}

void Subject::publish_to_first(int event) {
  if (listeners_.empty())
    return;
  // BUG (weakref-unchecked-lock): the first listener may have died since it
  // subscribed, and lock() then returns null.
  listeners_.front().lock()->notify(event);
}

void wire_up(Subject &subject, const std::shared_ptr<Logger> &logger) {
  // Correct: the caller keeps the logger alive.
  subject.subscribe(logger);

  // BUG (weakref-dead-on-arrival): the audit logger is owned by nothing once
  // this statement ends; it never hears a single event.
  std::weak_ptr<Listener> audit = std::make_shared<Logger>();
  subject.subscribe(audit);
}
