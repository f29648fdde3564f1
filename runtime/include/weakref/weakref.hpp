// weakref/weakref.hpp - umbrella header of the weakref runtime: Python's
// weakref module for C++ objects owned by std::shared_ptr.
//
//   Python                      C++
//   __weakref__ slot            weakref::enable_weakref<T>   (enable_weakref.hpp)
//   weakref.ref(o[, cb])        weakref::ref<T>              (ref.hpp)
//   weakref.proxy(o[, cb])      weakref::proxy<T>            (proxy.hpp)
//   weakref.finalize(o, f, *a)  weakref::finalize            (finalize.hpp)
//   WeakSet                     weakref::weak_set<T>         (weak_set.hpp)
//   WeakKeyDictionary           weakref::weak_key_dict<K, V> (weak_key_dict.hpp)
//   WeakValueDictionary         weakref::weak_value_dict<K, V> (weak_value_dict.hpp)
//   WeakMethod                  weakref::weak_method<T, M>   (weak_method.hpp)
//   ReferenceError / TypeError  weakref::reference_error / type_error
//   sys.unraisablehook          weakref::set_unraisable_hook (unraisable.hpp)
//
// See docs/runtime.md for the full guide and each header for expiry,
// callback order, iterator invalidation, thread-safety and exception
// guarantees.
#pragma once

#include "weakref/enable_weakref.hpp"
#include "weakref/exceptions.hpp"
#include "weakref/finalize.hpp"
#include "weakref/proxy.hpp"
#include "weakref/ref.hpp"
#include "weakref/unraisable.hpp"
#include "weakref/weak_key_dict.hpp"
#include "weakref/weak_method.hpp"
#include "weakref/weak_set.hpp"
#include "weakref/weak_value_dict.hpp"

#define WEAKREF_VERSION_MAJOR 0
#define WEAKREF_VERSION_MINOR 1
#define WEAKREF_VERSION_PATCH 0
