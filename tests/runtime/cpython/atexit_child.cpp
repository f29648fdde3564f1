// The child program of FinalizeTestCase.test_atexit (CPython's
// test_weakref.py, FinalizeTestCase.run_in_child): finalizers on an object
// that stays alive until exit, one of them with atexit off, one that creates
// another finalizer at exit and then throws. Expected stdout:
//   f4 foobar / f3 error / g1 / f1 foobar
// and the exception reported on stderr.
#include <weakref/weakref.hpp>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace {
struct Cls : weakref::enable_weakref<Cls> {};

// Alive until static destruction, i.e. after the finalizers' exit pass.
std::shared_ptr<Cls> cls = std::make_shared<Cls>();
const char* global_var = "foobar";

void print2(const char* a, const char* b) { std::printf("%s %s\n", a, b); }
void print1(const char* a) { std::printf("%s\n", a); }

void error() {
  // Create an atexit finalizer from inside a finalizer called at exit. This
  // should be the next to be run.
  weakref::finalize(cls, print1, "g1");
  std::printf("f3 error\n");
  throw std::domain_error("ZeroDivisionError: division by zero");
}
}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  weakref::finalize f1(cls, print2, "f1", global_var);
  weakref::finalize f2(cls, print2, "f2", global_var);
  weakref::finalize f3(cls, error);
  weakref::finalize f4(cls, print2, "f4", global_var);
  if (!f1.atexit()) return 2;
  f2.atexit(false);
  if (!f3.atexit() || !f4.atexit()) return 2;
  return 0;
}
