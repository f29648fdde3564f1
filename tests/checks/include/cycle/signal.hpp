// A minimal event type for weakref-self-capture-cycle tests: stores every
// callable given to connect() or +=.
#ifndef WEAKCHECK_TEST_CYCLE_SIGNAL_HPP
#define WEAKCHECK_TEST_CYCLE_SIGNAL_HPP
#include <functional>
#include <utility>
#include <vector>
namespace cycle {
template <class... A> class signal {
public:
  template <class F> int connect(F f) { slots_.emplace_back(std::move(f)); return 0; }
  template <class F> signal &operator+=(F f) { slots_.emplace_back(std::move(f)); return *this; }
  void operator()(A... a) { for (auto &s : slots_) s(a...); }
private:
  std::vector<std::function<void(A...)>> slots_;
};
} // namespace cycle
#endif
