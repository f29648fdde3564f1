#include "cache.h"

std::shared_ptr<Image> ImageCache::load(const std::string &path) {
  // Correct: the strong owner is returned to the caller, the cache keeps a
  // weak entry that dies with the last view.
  if (auto cached = entries_[path].lock())
    return cached;
  auto image = std::make_shared<Image>(Image{path, 4096});
  entries_[path] = image;
  return image;
}

std::weak_ptr<Image> ImageCache::prefetch(const std::string &path) {
  // BUG (weakref-dead-on-arrival): the decoded image is owned only by a
  // temporary, so the prefetched entry has expired before anyone reads it.
  std::weak_ptr<Image> entry = std::make_shared<Image>(Image{path, 4096});
  entries_[path] = entry;
  return entry;
}
