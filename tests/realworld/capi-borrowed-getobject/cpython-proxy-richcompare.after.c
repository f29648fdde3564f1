// Restates python/cpython gh-105927, commit cb388c9a85a8 (CPython 3.13):
// UNWRAP replaces a proxy operand by a strong reference to its referent
// (and a plain operand by a new reference to itself), released after
// PyObject_RichCompare.
#include "capi_realworld.h"

static PyObject *proxy_get_ref(PyObject *proxy) {
  PyObject *obj;
  if (PyWeakref_GetRef(proxy, &obj) <= 0) {
    PyErr_SetString(PyExc_ReferenceError,
                    "weakly-referenced object no longer exists");
    return NULL;
  }
  return obj;
}

#define UNWRAP(o)                                                              \
  if (PyWeakref_CheckProxy(o)) {                                               \
    o = proxy_get_ref(o);                                                      \
    if (o == NULL)                                                             \
      return NULL;                                                             \
  } else {                                                                     \
    Py_INCREF(o);                                                              \
  }

static PyObject *proxy_richcompare(PyObject *proxy, PyObject *v, int op) {
  UNWRAP(proxy);
  UNWRAP(v);
  PyObject *res = PyObject_RichCompare(proxy, v, op);
  Py_DECREF(proxy);
  Py_DECREF(v);
  return res;
}
