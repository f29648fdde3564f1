// weakref-destructor-resurrection: std::enable_shared_from_this, stores of
// 'this', callables capturing 'this', call chains within the class.
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <vector>

struct Node;
struct Pointers;
std::map<int, Pointers *> g_by_id;
Node *g_last = nullptr;
std::vector<Node *> g_nodes;
std::vector<std::reference_wrapper<Node>> g_refs;
std::set<const void *> g_addresses;
std::vector<std::function<void()>> g_callbacks;
void post(std::function<void()> f);

// ---- positives ---------------------------------------------------------------

struct Session : std::enable_shared_from_this<Session> {
  ~Session() {
    auto self = shared_from_this(); // expected-warning{{'shared_from_this()' in the destructor of 'Session' throws std::bad_weak_ptr: no owner is left once destruction has begun; use 'this' or copies of the data the cleanup needs}}
    auto again = weak_from_this().lock(); // expected-warning{{'weak_from_this().lock()' in the destructor of 'Session' always returns an empty owner}}
    std::shared_ptr<Session> owner(weak_from_this()); // expected-warning{{a strong owner built from 'weak_from_this()' in the destructor of 'Session' throws std::bad_weak_ptr}}
    (void)self; (void)again; (void)owner;
  }
};

struct Explicit : std::enable_shared_from_this<Explicit> {
  ~Explicit() {
    auto self = this->shared_from_this(); // expected-warning{{'shared_from_this()' in the destructor of 'Explicit'}}
    (void)self;
  }
};

struct Node {
  int buf_[4];
  Node *next_ = nullptr;
  Node *parent_ = nullptr;
  static Node *s_last;
  void stash(std::vector<Node *> &out) { out.push_back(this); }
  ~Node() {
    g_last = this; // expected-warning{{'this' stored into global 'g_last' in the destructor of 'Node' dangles once the destructor returns; remove the object from shared state instead of adding it}}
    s_last = this; // expected-warning{{'this' stored into static 's_last'}}
    g_nodes.push_back(this); // expected-warning{{'this' stored into global 'g_nodes'}}
    parent_->next_ = this; // expected-warning{{'this' stored into member 'next_' of the object behind 'parent_'}}
    g_last = &*this; // expected-warning{{'this' stored into global 'g_last'}}
    g_refs.push_back(std::ref(*this)); // expected-warning{{a reference to '*this' stored into global 'g_refs'}}
    std::vector<Node *> local;
    stash(local); // a reference parameter may be the caller's local: silent
  }
};

struct Pointers {
  int value_ = 0;
  ~Pointers() {
    g_addresses.insert(&value_); // expected-warning{{a pointer to member 'value_' stored into global 'g_addresses'}}
    static Pointers *last = this; // expected-warning{{'this' stored into static 'last'}}
    (void)last;
    g_by_id[value_] = this; // expected-warning{{'this' stored into global 'g_by_id'}}
  }
};

struct Poster {
  int id_ = 0;
  ~Poster() {
    post([this] { std::printf("%d\n", id_); }); // expected-warning{{a callable capturing 'this' handed to 'post' in the destructor of 'Poster' outlives the object it refers to; finish the work in the destructor or hand over copies of the data it needs}}
    g_callbacks.push_back([=] { std::printf("%d\n", id_); }); // expected-warning{{a callable capturing 'this' stored into global 'g_callbacks'}}
    g_callbacks.emplace_back(std::bind(&Poster::flush, this)); // expected-warning{{a callable bound by 'bind' to 'this' stored into global 'g_callbacks'}}
    g_callbacks.push_back([self = this] { self->flush(); }); // expected-warning{{a callable capturing 'this' stored into global 'g_callbacks'}}
  }
  void flush();
};

struct Other {
  std::function<void()> on_done;
  Node *owner = nullptr;
};

struct Notifier {
  Other *other_;
  ~Notifier() {
    other_->on_done = [this] { flush(); }; // expected-warning{{a callable capturing 'this' stored into member 'on_done' of the object behind 'other_'}}
  }
  void flush();
};

// Call chains within the class, to the default depth of 2.
struct Chain : std::enable_shared_from_this<Chain> {
  ~Chain() {
    shutdown(); // expected-warning{{'shared_from_this()' through 'shutdown' in the destructor of 'Chain' throws std::bad_weak_ptr}}
    remember(); // expected-warning{{'this' stored into static 'g_chain' through 'remember' in the destructor of 'Chain'}}
  }
  void shutdown() {
    notify(); // expected-note{{'shutdown' calls 'notify' here, in the call chain from '~Chain'}}
  }
  void notify() {
    auto self = shared_from_this(); // expected-note{{'notify' does it here}}
    (void)self;
  }
  void remember();
  void deeper1() { deeper2(); }
  void deeper2() { deeper3(); }
  void deeper3() { auto self = shared_from_this(); (void)self; }
  static Chain *g_chain;
};
void Chain::remember() {
  g_chain = this; // expected-note{{'remember' does it here}}
}

// The object handed to a function that asks for an owner of it.
struct Handed : std::enable_shared_from_this<Handed> {
  ~Handed() {
    announce(this); // expected-warning{{'shared_from_this()' through 'announce' in the destructor of 'Handed' throws std::bad_weak_ptr}}
  }
  static void announce(Handed *h) {
    auto owner = h->shared_from_this(); // expected-note{{'announce' does it here}}
    (void)owner;
  }
};

// Beyond the walk's depth of 2 (CallDepth): the function summaries follow
// the chain (SummaryDepth, 4 calls by default).
struct Deeper : std::enable_shared_from_this<Deeper> {
  ~Deeper() { a(); } // expected-warning{{'shared_from_this()' through 'a' in the destructor of 'Deeper' throws std::bad_weak_ptr}}
  void a() { b(); } // expected-note{{'a' calls 'b' here, in the call chain from '~Deeper'}}
  void b() { c(); } // expected-note{{'b' calls 'c' here, in the call chain from '~Deeper'}}
  void c() { auto self = shared_from_this(); (void)self; } // expected-note{{'c' does it here}}
};

// Beyond SummaryDepth too: not followed.
struct TooDeep : std::enable_shared_from_this<TooDeep> {
  ~TooDeep() { a(); }
  void a() { b(); }
  void b() { c(); }
  void c() { d(); }
  void d() { e(); }
  void e() { auto self = shared_from_this(); (void)self; }
};

// Passing 'this' to another object's function whose body stores it.
struct Registry {
  std::vector<struct Member *> members_;
  void join(Member *m) { members_.push_back(m); } // expected-note{{'join' does it here}}
  void leave(Member *m) {
    for (auto it = members_.begin(); it != members_.end(); ++it)
      if (*it == m) { members_.erase(it); break; }
  }
  void leave_all(Member *m) { members_.erase(std::remove(members_.begin(), members_.end(), m), members_.end()); }
};
struct Member {
  std::shared_ptr<Registry> state_;
  Registry *registry_;
  ~Member() {
    state_->join(this); // expected-warning{{'this' stored into member 'members_' of 'Registry' through 'join' in the destructor of 'Member' dangles once the destructor returns}}
    state_->leave(this);
    registry_->leave_all(this);
  }
};

// ---- negatives -------------------------------------------------------------

std::set<Node *> g_registry;
struct Unregisters {
  Registry *registry_;
  ~Unregisters() {
    g_registry.erase(reinterpret_cast<Node *>(this));
  }
};

struct Logs {
  int id_ = 0;
  ~Logs() {
    std::printf("destroying %p\n", static_cast<void *>(this));
    std::cout << "destroying " << this << '\n';
    log_address(this);
    g_counts[reinterpret_cast<std::uintptr_t>(this)] += 1;
  }
  static void log_address(const void *p) { std::printf("%p\n", p); }
  static std::map<std::uintptr_t, int> g_counts;
};

struct ResetsMembers : std::enable_shared_from_this<ResetsMembers> {
  std::shared_ptr<int> data_;
  std::vector<ResetsMembers *> children_;
  ResetsMembers *self_ = nullptr;
  std::function<void()> on_close_;
  ~ResetsMembers() {
    data_.reset();
    children_.push_back(this); // a container owned by this object
    self_ = this;              // a member of this object
    on_close_ = [this] { data_.reset(); }; // stored in this object
    helper();
    std::vector<ResetsMembers *> local;
    local.push_back(this);     // a local container
    ResetsMembers *alias = this;
    (void)alias;
  }
  void helper() { data_ = nullptr; count(); }
  int count() const { return static_cast<int>(children_.size()); }
};

// shared_from_this() on another object, and in ordinary member functions.
struct Parent : std::enable_shared_from_this<Parent> {
  std::shared_ptr<Parent> other_;
  ~Parent() {
    if (other_) {
      auto p = other_->shared_from_this();
      (void)p;
    }
  }
  std::shared_ptr<Parent> get() { return shared_from_this(); }
};

// A pimpl owned through a unique_ptr member belongs to the object.
struct Impl { void *owner = nullptr; std::vector<void *> items; };
struct Pimpl {
  std::unique_ptr<Impl> impl_;
  ~Pimpl() {
    impl_->owner = this;
    impl_->items.push_back(this);
  }
};

// A callable that runs now and is not kept.
struct RunsNow {
  std::vector<int> items_;
  int total_ = 0;
  ~RunsNow() {
    std::for_each(items_.begin(), items_.end(), [this](int i) { total_ += i; });
    auto f = [this] { total_ = 0; };
    f();
  }
};

// Known misses (see the doc's Limits): through a local variable, and the
// address of an array element.
struct KnownMisses : std::enable_shared_from_this<KnownMisses> {
  int buf_[4];
  ~KnownMisses() {
    std::function<void()> f = [this] { buf_[0] = 0; };
    g_callbacks.push_back(f);
    g_addresses.insert(&buf_[0]);
    std::weak_ptr<KnownMisses> w = weak_from_this();
    auto p = w.lock();
    (void)p;
  }
};

// 'this' stored three calls deep (function summaries).
struct Publisher;
Publisher *g_last_publisher;
struct Publisher {
  ~Publisher() { shutdown(); } // expected-warning{{'this' stored into 'g_last_publisher' through 'shutdown' in the destructor of 'Publisher' dangles once the destructor returns}}
  void shutdown() { stop(); } // expected-note{{'shutdown' calls 'stop' here, in the call chain from '~Publisher'}}
  void stop() { finish(); } // expected-note{{'stop' calls 'finish' here, in the call chain from '~Publisher'}}
  void finish() { g_last_publisher = this; } // expected-note{{'finish' does it here}}
};
