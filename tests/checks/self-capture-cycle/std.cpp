// weakref-self-capture-cycle with std::shared_ptr, std::function and the std
// binders: each capture form and each storage form, then the negatives.
#include <cycle/signal.hpp>
#include <functional>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace std::placeholders;

struct Impl {
  std::function<void()> cb;
};

class Session : public std::enable_shared_from_this<Session> {
public:
  void on_read(int);
  void close();
  std::shared_ptr<Session> get_shared() { return shared_from_this(); }
  void set_handler(std::function<void()> h);
  void run_now(std::function<void()> h);

  // ---- capture forms -----------------------------------------------------
  void init_capture() {
    on_read_ = [self = shared_from_this(), this] { on_read(1); }; // expected-warning:17{{capture 'self' owns the 'Session' object, which stores this callable: a reference cycle that nothing frees; capture weak_from_this() instead and lock it in the body}}
    // expected-note@-1:5{{the callable is stored in 'on_read_' here}} expected-note@-1:24{{strong owner of the 'Session' object obtained here}}
  }
  void local_alias() {
    auto self = shared_from_this(); // expected-note{{'self' is a strong owner of the 'Session' object}}
    on_read_ = [self] { self->on_read(2); }; // expected-warning:17{{capture 'self' owns the 'Session' object}} expected-note{{stored in 'on_read_'}}
  }
  void default_capture_that_uses_it() {
    auto self = shared_from_this(); // expected-note{{'self' is a strong owner}}
    on_close_ = [=] { self->close(); }; // expected-warning:23{{implicit capture 'self' owns the 'Session' object}} expected-note{{stored in 'on_close_'}}
  }
  void weak_then_lock() {
    on_read_ = [s = weak_from_this().lock()] {}; // expected-warning{{capture 's' owns the 'Session' object}} expected-note{{stored in 'on_read_'}} expected-note{{obtained here}}
  }
  void member_returning_owner() {
    on_read_ = [s = get_shared()] {}; // expected-warning{{capture 's' owns the 'Session' object}} expected-note{{stored in 'on_read_'}} expected-note{{obtained here}}
  }
  void moved_alias() {
    auto self = shared_from_this(); // expected-note{{'self' is a strong owner}}
    on_read_ = [s = std::move(self)] {}; // expected-warning{{capture 's' owns the 'Session' object}} expected-note{{stored in 'on_read_'}}
  }
  void local_callable_alias() {
    auto cb = [self = shared_from_this()] {}; // expected-warning{{capture 'self' owns the 'Session' object}} expected-note{{obtained here}}
    on_read_ = cb; // expected-note{{stored in 'on_read_'}}
  }

  // ---- binders ---------------------------------------------------------
  void binders() {
    on_value_ = std::bind(&Session::on_read, shared_from_this(), _1); // expected-warning:46{{bound argument 'shared_from_this()' owns the 'Session' object, which stores this callable: a reference cycle that nothing frees; bind a weak pointer (weak_from_this()) instead and lock it in the handler}} expected-note{{stored in 'on_value_'}}
    on_value_ = std::bind_front(&Session::on_read, shared_from_this()); // expected-warning{{bound argument 'shared_from_this()' owns}} expected-note{{stored in 'on_value_'}}
    auto self = shared_from_this(); // expected-note{{'self' is a strong owner}}
    on_close_ = std::bind(&Session::close, self); // expected-warning{{bound argument 'self' owns the 'Session' object}} expected-note{{stored in 'on_close_'}}
  }

  // ---- storage forms ---------------------------------------------------
  void storage() {
    this->on_close_ = [self = shared_from_this()] {}; // expected-warning{{capture 'self'}} expected-note{{stored in 'this->on_close_'}} expected-note{{obtained here}}
    handlers_.push_back([self = shared_from_this()] {}); // expected-warning{{capture 'self'}} expected-note{{stored in 'handlers_'}} expected-note{{obtained here}}
    handlers_.emplace_back(std::bind(&Session::close, shared_from_this())); // expected-warning{{bound argument}} expected-note{{stored in 'handlers_'}}
    by_id_[1] = [self = shared_from_this()] {}; // expected-warning{{capture 'self'}} expected-note{{stored in 'by_id_[1]'}} expected-note{{obtained here}}
    closed_.connect([self = shared_from_this()] {}); // expected-warning{{capture 'self'}} expected-note{{stored in 'closed_'}} expected-note{{obtained here}} expected-note@*{{'connect' stores it in 'slots_' here}}
    closed_ += std::bind(&Session::close, shared_from_this()); // expected-warning{{bound argument}} expected-note{{stored in 'closed_'}}
    set_handler([self = shared_from_this()] {}); // expected-warning{{capture 'self'}} expected-note{{the callable is stored here}} expected-note{{obtained here}}
    impl_->cb = [self = shared_from_this()] {}; // expected-warning{{capture 'self'}} expected-note{{stored in 'impl_->cb'}} expected-note{{obtained here}}
    shared_impl_->cb = [self = shared_from_this()] {}; // expected-warning{{capture 'self'}} expected-note{{stored in 'shared_impl_->cb'}} expected-note{{obtained here}}
    value_impl_.cb = [self = shared_from_this()] {}; // expected-warning{{capture 'self'}} expected-note{{stored in 'value_impl_.cb'}} expected-note{{obtained here}}
  }

  // ---- negatives -------------------------------------------------------
  void weak_capture() {
    on_read_ = [w = weak_from_this()] {
      if (auto self = w.lock())
        self->on_read(3);
    };
    std::weak_ptr<Session> weak = shared_from_this();
    on_close_ = [weak] { if (auto s = weak.lock()) s->close(); };
    on_close_ = [this] { close(); };
    on_close_ = [=, this] { close(); };
  }
  void by_reference_or_unused() {
    auto self = shared_from_this();
    on_close_ = [&self] { self->close(); };
    on_close_ = [=] { close(); }; // `self` is not used: not captured
  }
  void reassigned_alias(std::shared_ptr<Session> other) {
    auto p = shared_from_this();
    p = other;
    on_close_ = [p] { p->close(); };
  }
  void not_stored() {
    // Called at once, or kept in a local: no cycle.
    run_now([self = shared_from_this()] {});
    std::function<void()> local = [self = shared_from_this()] {};
    local();
  }
  void stored_elsewhere(std::shared_ptr<Session> other, Impl *raw) {
    other->on_close_ = [self = shared_from_this()] {}; // another Session
    raw->cb = [self = shared_from_this()] {};          // not owned by *this
    g_handlers.push_back([self = shared_from_this()] {});
  }
  void thread_function() {
    // A std::thread keeps its function only until it returns.
    threads_.emplace_back([self = shared_from_this()] {});
  }
  void copy_of_a_field() {
    on_value_ = [n = count_](int) {};
  }

  static std::vector<std::function<void()>> g_handlers;

private:
  std::function<void()> on_read_;
  std::function<void()> on_close_;
  std::function<void(int)> on_value_;
  std::vector<std::function<void()>> handlers_;
  std::map<int, std::function<void()>> by_id_;
  cycle::signal<> closed_;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<Impl> shared_impl_;
  Impl value_impl_;
  std::vector<std::thread> threads_;
  int count_ = 0;
};

struct Resettable {
  cycle::signal<> on_reset;
  std::function<void()> cb;
};
void notify(const std::shared_ptr<Resettable> &);

void owner_stored_in_its_own_member(std::shared_ptr<Resettable> obj) {
  obj->on_reset += std::bind(&notify, obj); // expected-warning:39{{bound argument 'obj' owns 'obj', which stores this callable}} expected-note{{stored in 'obj->on_reset'}}
  obj->cb = [obj] { notify(obj); }; // expected-warning:14{{capture 'obj' owns 'obj'}} expected-note{{stored in 'obj->cb'}}
  auto copy = obj; // expected-note{{'copy' is a strong owner of 'obj'}}
  obj->on_reset.connect([copy] {}); // expected-warning{{capture 'copy' owns 'obj'}} expected-note{{stored in 'obj->on_reset'}} expected-note@*{{'connect' stores it in 'slots_' here}}
}

void owner_stored_elsewhere(std::shared_ptr<Resettable> obj, std::shared_ptr<Resettable> other) {
  other->on_reset += std::bind(&notify, obj);
  other->cb = [obj] { notify(obj); };
}

void recursive_function_object() {
  auto next = std::make_shared<std::function<void()>>();
  *next = [next] { (*next)(); }; // expected-warning:12{{capture 'next' owns 'next', which stores this callable}} expected-note:3{{stored in '*next'}}
  auto good = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak = good;
  *good = [weak] { if (auto f = weak.lock()) (*f)(); };
}
