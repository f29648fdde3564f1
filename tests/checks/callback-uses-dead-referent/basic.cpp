// weakref-callback-uses-dead-referent: positives first, then negatives taken from correct
// real-world idioms (see ../shared/spec/checks.md).
#include <memory>

struct Widget {};

void positive() {
  // expected-warning@+1{{TODO: the first positive case}}
  std::weak_ptr<Widget> w;
}

void negative() {
}
