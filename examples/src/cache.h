#pragma once
#include <map>
#include <memory>
#include <string>

struct Image {
  std::string path;
  std::size_t bytes = 0;
};

// A cache of decoded images: entries are weak, so an image lives only as
// long as some view still shows it.
class ImageCache {
public:
  std::shared_ptr<Image> load(const std::string &path);
  std::weak_ptr<Image> prefetch(const std::string &path);
  std::size_t size() const { return entries_.size(); }

private:
  std::map<std::string, std::weak_ptr<Image>> entries_;
};
