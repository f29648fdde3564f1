// Restates python/cpython gh-105927, commit cb388c9a85a8 ("weakrefobject.c
// uses _PyWeakref_GET_REF()", CPython 3.13): proxy_richcompare in
// Objects/weakrefobject.c unwrapped both operands to borrowed referents and
// passed them to PyObject_RichCompare, whose __eq__ / __lt__ can drop the
// last reference to either while it runs (bpo-38395 fixed the other slots
// but left this one). 3.13's UNWRAP takes strong references.
// This file: the code before the fix (CPython 3.8-3.12).
#include "capi_realworld.h"

static int proxy_checkref(PyObject *proxy) {
  if (PyWeakref_GET_OBJECT(proxy) == Py_None) {
    PyErr_SetString(PyExc_ReferenceError,
                    "weakly-referenced object no longer exists");
    return 0;
  }
  return 1;
}

#define UNWRAP(o)                                                              \
  if (PyWeakref_CheckProxy(o)) {                                               \
    if (!proxy_checkref(o))                                                    \
      return NULL;                                                             \
    o = PyWeakref_GET_OBJECT(o);                                               \
  }

static PyObject *proxy_richcompare(PyObject *proxy, PyObject *v, int op) {
  UNWRAP(proxy); // expected-note{{'proxy' fetched here as a borrowed reference}}
  UNWRAP(v); // expected-note{{'v' fetched here as a borrowed reference}}
  return PyObject_RichCompare(proxy, v, op); // expected-warning{{borrowed reference 'proxy' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_RichCompare'}} expected-warning{{borrowed reference 'v' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_RichCompare'}}
}
