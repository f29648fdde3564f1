#pragma once
#include <weakref/weakref.hpp>
#include <cstdio>
#include <memory>
#include <string>

// GPU textures shared by the scene graph; the registry frees the GPU memory
// when the last user drops a texture, through weakref::finalize.
struct Texture : weakref::enable_weakref<Texture> {
  explicit Texture(std::string n) : name(std::move(n)) {}
  std::string name;
  unsigned gpu_handle = 0;
};

class TextureRegistry {
public:
  std::shared_ptr<Texture> load(const std::string &name);
  std::shared_ptr<Texture> load_leaky(const std::string &name);
  std::size_t live() const { return textures_.size(); }

private:
  weakref::weak_value_dict<std::string, Texture> textures_;
};
