#include "cache.h"
#include "connection.h"
#include "observer.h"
#include "textures.h"
#include <cstdio>

int main() {
  SessionTable table;
  auto alice = std::make_shared<Connection>("alice");
  table.add(alice);
  table.add_anonymous();
  table.broadcast("hello");

  ImageCache cache;
  auto logo = cache.load("logo.png");
  auto prefetched = cache.prefetch("banner.png");

  Subject subject;
  auto logger = std::make_shared<Logger>();
  wire_up(subject, logger);
  subject.publish(42);
  subject.publish_to_first(43);

  alice->start_watchdog();

  TextureRegistry textures;
  auto grass = textures.load("grass.png");

  std::printf("live sessions: %zu, cached: %zu, prefetched alive: %d, logged: %d, textures: %zu\n",
              table.live(), cache.size(), !prefetched.expired(), logger->last, textures.live());
}
