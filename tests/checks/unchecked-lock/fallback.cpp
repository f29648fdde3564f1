// weakref-unchecked-lock on functions too large for the dataflow analysis
// (more than 48 lock() calls): the path-insensitive fallback still reports
// unchecked dereferences of lock() results, and stays silent where it cannot
// follow what a variable is used for. (That such a function is listed as
// "analysed path-insensitively" is tested in tests/cli/AnalysisBudgetTest.cpp.)
#include <memory>
#include <vector>

struct Widget {
  void f();
  bool ready() const;
  int value = 0;
};
void use(const std::shared_ptr<Widget> &);
void keep(std::shared_ptr<Widget> &);
void proj_fail(const char *);
#define PROJ_ASSERT(c) do { if (!(c)) proj_fail(#c); } while (0)

#define TESTED(i) if (auto q = ws[i].lock()) q->f();
#define TESTED10(i) TESTED(i) TESTED(i + 1) TESTED(i + 2) TESTED(i + 3) TESTED(i + 4) \
  TESTED(i + 5) TESTED(i + 6) TESTED(i + 7) TESTED(i + 8) TESTED(i + 9)

void large(const std::vector<std::weak_ptr<Widget>> &ws, bool flag) {
  TESTED10(0) TESTED10(10) TESTED10(20) TESTED10(30) TESTED10(40)

  // --- positives ----------------------------------------------------------
  auto a = ws[0].lock();
  a->f(); // expected-warning{{'a' may be null}}
  a->f(); // once per path

  auto b = ws[1].lock();
  if (flag && !b)
    return;
  b->f(); // expected-warning{{'b' may be null}}

  ws[2].lock()->f(); // expected-warning{{the result of lock() may be null}}

  auto c = ws[3].lock();
  Widget *raw = c.get();
  raw->value = 1; // expected-warning{{'raw' may be null}}

  std::shared_ptr<Widget> d;
  d = ws[4].lock();
  use(d);
  d->f(); // expected-warning{{'d' may be null}}

  // --- negatives ----------------------------------------------------------
  auto e = ws[5].lock();
  if (!e)
    return;
  e->f();

  auto g = ws[6].lock();
  if (g && g->ready())
    g->f();
  if (g == nullptr)
    return;
  g->f();

  auto h = ws[7].lock();
  PROJ_ASSERT(h);
  h->f();

  // A test kept in a variable: the fallback cannot correlate it, so silent.
  auto k = ws[8].lock();
  bool alive = k != nullptr;
  if (alive)
    k->f();

  // Passed by non-const reference: may be replaced, silent.
  auto m = ws[9].lock();
  keep(m);
  m->f();

  auto n = ws[10].lock();
  Widget *r2 = n.get();
  if (r2 != nullptr)
    r2->f();

  auto s = ws[11].lock();
  s.reset();
  if (flag)
    return;
  s = std::make_shared<Widget>();
  s->f();
}

void loop(const std::vector<std::weak_ptr<Widget>> &ws) {
  TESTED10(0) TESTED10(10) TESTED10(20) TESTED10(30) TESTED10(40)
  for (const auto &w : ws) {
    auto p = w.lock();
    if (!p)
      continue;
    p->f();
  }
  for (const auto &w : ws) {
    auto p = w.lock();
    p->f(); // expected-warning{{'p' may be null}}
  }
}
