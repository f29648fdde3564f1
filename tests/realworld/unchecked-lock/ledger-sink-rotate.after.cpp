// Restates LedgerHQ/lib-ledger-core pull request #154 ("Check pointer after
// weak_ptr locking", merged 2019-02-22), core/src/debug/
// RotatingEncryptableSink.cpp: the log sink held its path resolver as a
// weak_ptr, and _rotate() locked it and called through the result without a
// test. The fix returns early when the resolver is gone.
// This file: the code after the fix (silent).
#include <memory>
#include <stdexcept>
#include <string>

class PathResolver {
public:
  std::string resolveLogPath(const std::string &name) const;
};

class RotatingSink {
public:
  explicit RotatingSink(std::weak_ptr<PathResolver> resolver)
      : resolver_(std::move(resolver)) {}
  void rotate();

private:
  std::weak_ptr<PathResolver> resolver_;
  std::string base_ = "core.log";
  std::string current_;
};

void RotatingSink::rotate() {
  auto resolver = resolver_.lock();
  if (!resolver)
    throw std::runtime_error("path resolver was released");
  current_ = resolver->resolveLogPath(base_);
}
