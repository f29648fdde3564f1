// CallDepth, CallbackSinks and InsertMethods are options.
// weakcheck-config: {CheckOptions: {weakref-destructor-resurrection.CallDepth: '3', weakref-destructor-resurrection.CallbackSinks: '::app::Bus::listen', weakref-destructor-resurrection.InsertMethods: 'enroll'}}
#include <functional>
#include <memory>
#include <vector>

namespace app {
struct Bus {
  void listen(std::function<void()> f);
  void post(std::function<void()> f);
};
struct Roster {
  void enroll(void *p);
  void push_back(void *p);
};
} // namespace app

app::Bus *g_bus;
app::Roster g_roster;

struct Deep : std::enable_shared_from_this<Deep> {
  ~Deep() {
    a(); // expected-warning{{'shared_from_this()' through 'a' in the destructor of 'Deep'}}
    g_bus->listen([this] { a(); }); // expected-warning{{a callable capturing 'this' handed to 'listen'}}
    g_bus->post([this] { a(); });   // 'post' is no longer a sink
    g_roster.enroll(this); // expected-warning{{'this' stored into global 'g_roster'}}
    g_roster.push_back(this); // no longer an insert method
  }
  void a() { b(); } // expected-note{{'a' calls 'b' here, in the call chain from '~Deep'}}
  void b() { c(); } // expected-note{{'b' calls 'c' here, in the call chain from '~Deep'}}
  void c() { auto self = shared_from_this(); (void)self; } // expected-note{{'c' does it here}}
};
