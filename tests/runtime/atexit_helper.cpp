// F7 helper: creates finalizers (atexit on and off) and lets the program
// exit normally; the test checks what it prints.
#include <weakref/weakref.hpp>

#include <cstdio>
#include <stdexcept>

struct Box : weakref::enable_weakref<Box> {
  explicit Box(int n) : n(n) {}
  int n;
};

struct Late {
  ~Late() { std::puts("static: destroyed"); }
  std::shared_ptr<Box> box = std::make_shared<Box>(9);
};
// Constructed before any finalizer exists, so destroyed after the exit pass.
static Late late;

static void say(const char* what) {
  std::printf("fin: %s\n", what);
  std::fflush(stdout);
}

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  std::puts("main: start");
  static auto b1 = std::make_shared<Box>(1);
  static auto b2 = std::make_shared<Box>(2);
  static auto b3 = std::make_shared<Box>(3);
  weakref::finalize(b1, say, "atexit-1");                       // runs at exit (last)
  weakref::finalize(b2, say, "off-2").atexit(false);            // never runs
  weakref::finalize(b2, [] { throw std::runtime_error("exit boom"); });  // reported, rest still run
  weakref::finalize(b3, say, "atexit-3");                       // runs at exit (first)
  weakref::finalize(late.box, say, "late-after-shutdown").atexit(false);  // dies after shutdown: never runs
  auto dead = std::make_shared<Box>(4);
  weakref::finalize(dead, say, "detached").detach();
  std::puts("main: end");
  return 0;
}
