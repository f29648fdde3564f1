// weakref-dead-on-arrival on boost::weak_ptr / boost::shared_ptr.
#include <boost/smart_ptr.hpp>

struct Timer {};
boost::shared_ptr<Timer> g_timer;

void positives() {
  boost::weak_ptr<Timer> a = boost::make_shared<Timer>(); // expected-warning{{weak reference 'a' is dead on arrival}} expected-note{{temporary owner}}
  boost::weak_ptr<Timer> b = boost::shared_ptr<Timer>(new Timer); // expected-warning{{'b' is dead on arrival}} expected-note{{temporary owner}}
  boost::weak_ptr<Timer> c;
  c = boost::make_shared<Timer>(); // expected-warning{{dead on arrival after this assignment}} expected-note{{temporary owner}}
}

void negatives() {
  boost::shared_ptr<Timer> owner = boost::make_shared<Timer>();
  boost::weak_ptr<Timer> a = owner;
  boost::weak_ptr<Timer> b = g_timer;
  boost::weak_ptr<Timer> c;
  c = owner;
}
