// weakref-unchecked-lock on boost::weak_ptr.
#include <boost/smart_ptr.hpp>

struct Peer {
  void send();
};

void positive(const boost::weak_ptr<Peer> &w) {
  boost::shared_ptr<Peer> p = w.lock();
  p->send(); // expected-warning{{'p' may be null}}
  (*w.lock()).send(); // expected-warning{{the result of lock() may be null}}
}

void negative(const boost::weak_ptr<Peer> &w) {
  if (boost::shared_ptr<Peer> p = w.lock())
    p->send();
  boost::shared_ptr<Peer> q = w.lock();
  if (q)
    (*q).send();
}
