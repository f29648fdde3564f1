// Restates python/cpython bpo-38395 (pull request #16632), the fixed
// WRAP_BINARY as CPython 3.8-3.12 ship it: both operands unwrapped, each
// through proxy_checkref (which raises only on the path that returns NULL),
// then strong references around the generic operation. Before this release
// the check reported 34 findings on this shape in CPython 3.11's
// Objects/weakrefobject.c (the second UNWRAP's helper call counted as
// running Python code while the first operand was borrowed).
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
    Py_INCREF(x);                                                              \
    Py_INCREF(y);                                                              \
    PyObject *res = generic(x, y);                                             \
    Py_DECREF(x);                                                              \
    Py_DECREF(y);                                                              \
    return res;                                                                \
  }

WRAP_BINARY(proxy_add, PyNumber_Add)
WRAP_BINARY(proxy_getattr, PyObject_GetAttr)
