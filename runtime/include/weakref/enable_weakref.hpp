// weakref/enable_weakref.hpp - opt-in base making T weakly referenceable
// (Python: the __weakref__ slot).
//
//   struct Cheese : weakref::enable_weakref<Cheese> { ... };
//   auto c = std::make_shared<Cheese>();
//   weakref::ref<Cheese> r(c);
//
// Like std::enable_shared_from_this, derive publicly, exactly once. A type
// without this base cannot be weakly referenced: ref<T>, proxy<T>,
// finalize and the weak containers reject it at compile time (R2).
//
// Expiry: the object's weak references die when its last std::shared_ptr
// owner goes. The death callbacks run inside the destructor of this base,
// i.e. after T's own destructor and its members are gone, on the thread that
// dropped the last owner. Callbacks therefore only ever see the dead ref.
//
// Cost: one pointer per object; the weak block is allocated on the first
// weak reference. Copying or assigning an object does not copy its weak
// references (a copy starts with none).
//
// Thread-safety: creating weak references to the same object from several
// threads is safe (lock-free block installation).
//
// Exception guarantees: the destructor never throws; exceptions from
// callbacks are reported through the unraisable hook (see unraisable.hpp).
#pragma once

#include "weakref/detail/block.hpp"

namespace weakref {

template <class T>
class enable_weakref : public weakref_base {
 protected:
  constexpr enable_weakref() noexcept = default;
  enable_weakref(const enable_weakref&) noexcept = default;
  enable_weakref& operator=(const enable_weakref&) noexcept = default;
  ~enable_weakref() = default;
};

/// True when weak references to T can be made (T derives from
/// enable_weakref exactly once, publicly).
template <class T>
inline constexpr bool is_weakly_referenceable_v = detail::weakly_referenceable<T>;

}  // namespace weakref
