// Restates python/cpython bpo-38395 ("proxy_contains (weakref.proxy) can
// access an object with 0 refcount", fixed by pull request #16632, merged
// 2019-10-19), Objects/weakrefobject.c: the `in` slot of weakref.proxy
// passed the borrowed referent straight to PySequence_Contains, whose
// __contains__ / __eq__ can drop the referent's last reference while it
// runs. The fix takes a strong reference around the call.
// This file: the code before the fix.
#include "capi_realworld.h"

static int checkref(PyObject *proxy) {
  if (PyWeakref_GET_OBJECT(proxy) == Py_None) {
    PyErr_SetString(PyExc_ReferenceError,
                    "weakly-referenced object no longer exists");
    return 0;
  }
  return 1;
}

static int proxy_contains(PyObject *proxy, PyObject *value) {
  if (!checkref(proxy))
    return -1;
  return PySequence_Contains(PyWeakref_GET_OBJECT(proxy), value); // expected-warning{{borrowed reference from 'PyWeakref_GET_OBJECT' is passed to 'PySequence_Contains', which can run Python code and destroy its referent while it runs}}
}
