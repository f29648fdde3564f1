// Restates python/cpython bpo-38395 (pull request #16632), the fixed
// proxy_iternext: the type test and the error message (a literal format
// with %.200s only) run no Python code; a strong reference is held across
// PyIter_Next.
#include "capi_realworld.h"

static int checkref(PyObject *proxy) {
  if (PyWeakref_GET_OBJECT(proxy) == Py_None) {
    PyErr_SetString(PyExc_ReferenceError,
                    "weakly-referenced object no longer exists");
    return 0;
  }
  return 1;
}

static PyObject *proxy_iternext(PyObject *proxy) {
  if (!checkref(proxy))
    return NULL;
  PyObject *o = PyWeakref_GET_OBJECT(proxy);
  if (!PyIter_Check(o)) {
    PyErr_Format(PyExc_TypeError,
                 "Weakref proxy referenced a non-iterator '%.200s' object",
                 Py_TYPE(o)->tp_name);
    return NULL;
  }
  Py_INCREF(o);
  PyObject *res = PyIter_Next(o);
  Py_DECREF(o);
  return res;
}
