// Restates python/cpython bpo-38395 (pull request #16632), the fixed
// proxy_bool as CPython 3.8-3.12 ship it: fetched, checked by a helper that
// raises only on the path that returns -1, then a strong reference around
// PyObject_IsTrue. Before this release the check reported the Py_INCREF as
// "used after a call that can run Python code" (the helper's error path).
#include "capi_realworld.h"

static int checkref(PyObject *proxy) {
  if (PyWeakref_GET_OBJECT(proxy) == Py_None) {
    PyErr_SetString(PyExc_ReferenceError,
                    "weakly-referenced object no longer exists");
    return 0;
  }
  return 1;
}

static int proxy_bool(PyObject *proxy) {
  PyObject *o = PyWeakref_GET_OBJECT(proxy);
  if (!checkref(proxy))
    return -1;
  Py_INCREF(o);
  int res = PyObject_IsTrue(o);
  Py_DECREF(o);
  return res;
}
