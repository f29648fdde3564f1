// Restates python/cpython bpo-38395 (pull request #16632), the WRAP_BINARY
// macro of Objects/weakrefobject.c that defines weakref.proxy's binary
// slots (+, getattr, getitem, ...): each operand that is a proxy was
// replaced by its borrowed referent and handed to the generic operation.
// This file: the code before the fix.
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

#define WRAP_BINARY(method, generic)                                           \
  static PyObject *method(PyObject *x, PyObject *y) {                          \
    UNWRAP(x);                                                                 \
    UNWRAP(y);                                                                 \
    return generic(x, y);                                                      \
  }

WRAP_BINARY(proxy_add, PyNumber_Add) // expected-warning{{'x' from 'PyWeakref_GET_OBJECT' is passed to 'PyNumber_Add', which can run Python code}} expected-warning{{'y' from 'PyWeakref_GET_OBJECT' is passed to 'PyNumber_Add'}} expected-note{{'x' fetched here}} expected-note{{'y' fetched here}}
WRAP_BINARY(proxy_getattr, PyObject_GetAttr) // expected-warning{{'x' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_GetAttr'}} expected-warning{{'y' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_GetAttr'}} expected-note{{'x' fetched here}} expected-note{{'y' fetched here}}
