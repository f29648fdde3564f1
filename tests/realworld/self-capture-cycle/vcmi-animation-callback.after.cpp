// Restates vcmi/vcmi pull request #521, after the fix: the callback takes a
// weak_ptr to the animation and locks it (and checks the lock).
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

static void onAnimationFinished(const CStack *stack, std::weak_ptr<CCreatureAnimation> anim);

void addNewStack(const CStack *stack, std::shared_ptr<CCreatureAnimation> anim) {
  anim->onAnimationReset += std::bind(&onAnimationFinished, stack, std::weak_ptr<CCreatureAnimation>(anim));
}
