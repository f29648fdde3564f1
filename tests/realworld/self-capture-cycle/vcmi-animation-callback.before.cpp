// Restates vcmi/vcmi pull request #521 ("Fix creature animation callback
// circular reference"): a creature animation's reset event got a callback
// bound to the animation's own shared_ptr.
#include <functional>
#include <memory>
#include <vector>

struct CStack;
class CCreatureAnimation {
public:
  struct Event {
    std::vector<std::function<void()>> slots;
    template <class F> Event &operator+=(F f) { slots.emplace_back(std::move(f)); return *this; }
  } onAnimationReset;
  bool isIdle() const;
};

static void onAnimationFinished(const CStack *stack, std::shared_ptr<CCreatureAnimation> anim);

void addNewStack(const CStack *stack, std::shared_ptr<CCreatureAnimation> anim) {
  anim->onAnimationReset += std::bind(&onAnimationFinished, stack, anim); // expected-warning{{bound argument 'anim' owns 'anim', which stores this callable}} expected-note{{stored in 'anim->onAnimationReset'}}
}
