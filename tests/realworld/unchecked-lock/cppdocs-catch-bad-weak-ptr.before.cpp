// Restates MicrosoftDocs/cpp-docs issue #1486: an example wrapped
// `auto p = wp.lock(); p->Num` in try/catch(std::bad_weak_ptr&), but lock()
// never throws (only the shared_ptr constructor from a weak_ptr does), so
// the catch was dead and the dereference unchecked. The fix tests the result.
// This file: the code before the fix (a try/catch is not a check).
#include <cstdio>
#include <memory>

struct Record {
  int Num = 0;
};

int read_num(const std::weak_ptr<Record> &wp) {
  try {
    auto p = wp.lock();
    return p->Num; // expected-warning{{'p' may be null}}
  } catch (const std::bad_weak_ptr &) {
    std::puts("expired");
    return -1;
  }
}
