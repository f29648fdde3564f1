// Against the real Boost headers (Debian libboost-dev): boost::bind,
// boost::function, boost::shared_ptr, boost::signals2.
// weakcheck-args: -std=c++17
#include <boost/bind/bind.hpp>
#include <boost/enable_shared_from_this.hpp>
#include <boost/function.hpp>
#include <boost/shared_ptr.hpp>
#include <boost/signals2/signal.hpp>
#include <boost/weak_ptr.hpp>

using namespace boost::placeholders;

class Client : public boost::enable_shared_from_this<Client> {
public:
  void on_data(int);
  void on_close();
  void wire() {
    handler_ = boost::bind(&Client::on_data, shared_from_this(), _1); // expected-warning{{bound argument 'shared_from_this()' owns the 'Client' object}} expected-note{{stored in 'handler_'}}
    closed_.connect(boost::bind(&Client::on_close, shared_from_this())); // expected-warning{{bound argument}} expected-note{{stored in 'closed_'}}
    boost::shared_ptr<Client> self = shared_from_this(); // expected-note{{'self' is a strong owner}}
    closer_ = [self] { self->on_close(); }; // expected-warning{{capture 'self' owns the 'Client' object}} expected-note{{stored in 'closer_'}}
  }
  void wire_weakly() {
    boost::weak_ptr<Client> weak(shared_from_this());
    closer_ = [weak] { if (auto self = weak.lock()) self->on_close(); };
    handler_ = boost::bind(&Client::on_data, this, _1);
    closed_.connect(boost::bind(&Client::on_close, this));
  }

private:
  boost::function<void(int)> handler_;
  boost::function<void()> closer_;
  boost::signals2::signal<void()> closed_;
};
