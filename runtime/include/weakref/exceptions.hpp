// weakref/exceptions.hpp - the two exception types of the weakref runtime.
//
// Python's ReferenceError and TypeError as C++ exceptions.
//
//   weakref::reference_error  thrown by any use of a dead proxy, and by
//                             weak_method::call on a dead object
//                             (Python: ReferenceError).
//   weakref::type_error       thrown when a weak reference cannot be made or a
//                             hash cannot be taken (Python: TypeError), e.g.
//                             ref::hash() taken for the first time after death.
//
// Thread-safety: these are ordinary immutable exception objects.
#pragma once

#include <stdexcept>

namespace weakref {

/// Use of a weak proxy (or weak method) whose referent no longer exists.
class reference_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  reference_error() : std::runtime_error("weakly-referenced object no longer exists") {}
};

/// An operation that does not apply to the object in its current state.
class type_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace weakref
