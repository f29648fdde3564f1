// Restates MicrosoftDocs/cpp-docs issue #1486: an example wrapped
// `auto p = wp.lock(); p->Num` in try/catch(std::bad_weak_ptr&), but lock()
// never throws (only the shared_ptr constructor from a weak_ptr does), so
// the catch was dead and the dereference unchecked. The fix tests the result;
// the constructor form, which does throw, is the other correct idiom.
// This file: the code after the fix (silent).
#include <cstdio>
#include <memory>

struct Record {
  int Num = 0;
};

int read_num(const std::weak_ptr<Record> &wp) {
  if (auto p = wp.lock())
    return p->Num;
  std::puts("expired");
  return -1;
}

int read_num_throwing(const std::weak_ptr<Record> &wp) {
  try {
    std::shared_ptr<Record> p(wp); // throws bad_weak_ptr when expired
    return p->Num;
  } catch (const std::bad_weak_ptr &) {
    return -1;
  }
}
