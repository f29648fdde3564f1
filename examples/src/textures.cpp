#include "textures.h"

static void release_gpu_memory(unsigned handle) { std::printf("released %u\n", handle); }

std::shared_ptr<Texture> TextureRegistry::load(const std::string &name) {
  if (auto cached = textures_.get(name))
    return cached;
  auto texture = std::make_shared<Texture>(name);
  texture->gpu_handle = 7;
  textures_.insert_or_assign(name, texture);
  // Correct: the finalizer holds a copy of the handle, not the texture.
  weakref::finalize(texture, release_gpu_memory, texture->gpu_handle);
  return texture;
}

std::shared_ptr<Texture> TextureRegistry::load_leaky(const std::string &name) {
  auto texture = std::make_shared<Texture>(name);
  textures_.insert_or_assign(name, texture);
  // BUG (weakref-finalizer-captures-referent): the finalizer owns the texture
  // it waits for, so the texture never dies and the GPU memory never frees.
  weakref::finalize(texture, [texture] { release_gpu_memory(texture->gpu_handle); });
  return texture;
}
