// weakref-lost-callback: weak references with a death callback that die
// before their referent can (a discarded temporary, a local whose referent
// outlives it), then correct idioms where the callback does run.
#include <weakref/weakref.hpp>
#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

struct Conn : weakref::enable_weakref<Conn> {
  void close();
};
void on_closed(weakref::ref<Conn> &);
void keep(weakref::ref<Conn>);
void consume(std::shared_ptr<Conn> &);
void look(const std::shared_ptr<Conn> &);
std::shared_ptr<Conn> open_conn();
std::shared_ptr<Conn> g_conn; // expected-note{{'g_conn' outlives the function}}

void temporaries(std::shared_ptr<Conn> obj) {
  weakref::ref<Conn>(obj, on_closed); // expected-warning{{death callback can never run: this temporary weak reference is destroyed at the end of the full-expression, before its referent can die; use weakref::finalize, which stays registered until the referent dies}}
  (void)weakref::ref<Conn>(obj, [](weakref::ref<Conn> &) { std::puts("closed"); }); // expected-warning{{death callback can never run: this temporary}}
  weakref::proxy<Conn>(obj, on_closed); // expected-warning{{death callback can never run: this temporary}}
  weakref::ref<Conn>(open_conn(), on_closed); // expected-warning{{death callback can never run: this temporary}}
}

void parameter(std::shared_ptr<Conn> obj) { // expected-note{{'obj' outlives the function}}
  weakref::ref<Conn> r(obj, on_closed); // expected-warning{{death callback of 'r' can never run: 'r' is destroyed while its referent 'obj' is still alive; use weakref::finalize, which stays registered until the referent dies}}
  if (auto p = r())
    p->close();
  look(obj);
} // expected-note{{'r' is destroyed here, with its callback}}

void const_ref_parameter(const std::shared_ptr<Conn> &cref) { // expected-note{{'cref' outlives the function}}
  weakref::ref<Conn> s(cref, [](weakref::ref<Conn> &) { std::puts("closed"); }); // expected-warning{{death callback of 's' can never run}}
  (void)s.expired();
} // expected-note{{'s' is destroyed here}}

void earlier_local() {
  auto conn = open_conn(); // expected-note{{'conn' is declared before 'r' and outlives it}}
  {
    weakref::proxy<Conn> r(conn, on_closed); // expected-warning{{death callback of 'r' can never run: 'r' is destroyed while its referent 'conn' is still alive}}
    r->close();
  } // expected-note{{'r' is destroyed here}}
  conn.reset();
}

void global() {
  weakref::ref<Conn> r(g_conn, on_closed); // expected-warning{{death callback of 'r' can never run}}
} // expected-note{{'r' is destroyed here}}

struct Server {
  std::shared_ptr<Conn> conn_; // expected-note{{'conn_' outlives the function}}
  void log() const;
  void watch() {
    weakref::ref<Conn> r(conn_, on_closed); // expected-warning{{death callback of 'r' can never run: 'r' is destroyed while its referent 'conn_' is still alive}}
    log();
  } // expected-note{{'r' is destroyed here}}
  void close_all();
  void restart() {
    // The member may be reset by a non-const member function: silent.
    weakref::ref<Conn> r(conn_, on_closed);
    close_all();
  }
  void reset_inline() {
    weakref::ref<Conn> r(conn_, on_closed);
    conn_.reset();
  }
};

// ---------------------------------------------------------------------------
// Negatives.

weakref::ref<Conn> returned(std::shared_ptr<Conn> obj) {
  weakref::ref<Conn> r(obj, on_closed);
  return r;
}

struct Registry {
  std::vector<weakref::ref<Conn>> refs_;
  weakref::ref<Conn> last_;
  void add(std::shared_ptr<Conn> obj) {
    weakref::ref<Conn> r(obj, on_closed);
    refs_.push_back(r); // a copy keeps the callback record alive
    weakref::ref<Conn> m(obj, on_closed);
    refs_.push_back(std::move(m));
    weakref::ref<Conn> s(obj, on_closed);
    last_ = s;
    weakref::ref<Conn> k(obj, on_closed);
    keep(k);
    weakref::ref<Conn> c(obj, on_closed);
    auto later = [c] { (void)c.expired(); }; // captured by copy: stored
    later();
    refs_.emplace_back(obj, on_closed); // constructed in place, stored
  }
};

void referent_dropped(std::shared_ptr<Conn> obj, std::shared_ptr<Conn> other) {
  {
    weakref::ref<Conn> r(obj, on_closed);
    obj.reset(); // the callback runs here
  }
  {
    weakref::ref<Conn> r(other, on_closed);
    auto taken = std::move(other); // moved into a local declared after r: dies first
  }
  {
    auto local = open_conn();
    weakref::ref<Conn> r(local, on_closed);
    consume(local); // may reset it
  }
  {
    auto local = open_conn();
    weakref::ref<Conn> r(local, on_closed);
    local = nullptr;
  }
  {
    auto local = open_conn();
    weakref::ref<Conn> r(local, on_closed);
    auto drop = [&] { local.reset(); };
    drop();
  }
}

void referent_dies_first() {
  // The ref is declared first, so it is destroyed last: the owner declared
  // after it dies first and the callback runs.
  weakref::ref<Conn> r;
  auto conn = open_conn();
  r = weakref::ref<Conn>(conn, on_closed);
  // A temporary owner: the ref's referent dies with the statement.
  weakref::ref<Conn> t(open_conn(), on_closed);
  (void)t;
}

void no_callback(std::shared_ptr<Conn> obj) {
  weakref::ref<Conn> r(obj);
  weakref::ref<Conn> n(obj, nullptr);
  // What the author wanted: a finalizer outlives its handle.
  weakref::finalize(obj, [] { std::puts("closed"); });
}
