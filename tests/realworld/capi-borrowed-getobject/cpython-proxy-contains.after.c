// Restates python/cpython bpo-38395 (pull request #16632), the fixed
// proxy_contains: a strong reference is held across PySequence_Contains.
// The helper that raises ReferenceError runs Python code only on the path
// that returns first. See the .before.c file for the bug.
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
  PyObject *obj = PyWeakref_GET_OBJECT(proxy);
  Py_INCREF(obj);
  int res = PySequence_Contains(obj, value);
  Py_DECREF(obj);
  return res;
}
