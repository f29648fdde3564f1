#include <functional>
#include <memory>
struct Reader : std::enable_shared_from_this<Reader> {
  std::function<void()> on_read_;
  void start() {
    on_read_ = [self = shared_from_this()] {};
  }
};
