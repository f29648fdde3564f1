// A minimal stand-in for the Boost.Beast/Asio names the cycle checks see:
// bind_front_handler and asynchronous operations on I/O objects.
#ifndef WEAKCHECK_TEST_CYCLE_BEAST_HPP
#define WEAKCHECK_TEST_CYCLE_BEAST_HPP
#include <cstddef>
#include <utility>
namespace boost {
namespace system { struct error_code {}; }
namespace asio {
struct io_context {
  template <class H> void post(H &&) {}
};
template <class Ex, class H> void post(Ex &, H &&) {}
template <class Ex, class H> void dispatch(Ex &, H &&) {}
template <class Ex, class H> void defer(Ex &, H &&) {}
struct steady_timer {
  template <class H> void async_wait(H &&) {}
};
} // namespace asio
namespace beast {
template <class F, class... A> struct bound_front {
  F f;
  template <class... X> void operator()(X &&...) {}
};
template <class F, class... A> bound_front<F, A...> bind_front_handler(F &&f, A &&...) { return {f}; }
struct flat_buffer {};
struct tcp_stream {
  template <class B, class H> void async_read_some(B &, H &&) {}
  template <class B, class H> void async_write_some(const B &, H &&) {}
};
namespace http {
template <class S, class B, class M, class H> void async_read(S &, B &, M &, H &&) {}
template <class S, class M, class H> void async_write(S &, M &, H &&) {}
struct request {};
} // namespace http
} // namespace beast
} // namespace boost
#endif
