// Restates python/cpython bpo-38395 (pull request #16632), proxy_iternext
// in Objects/weakrefobject.c: next() on a weakref.proxy passed the borrowed
// referent to PyIter_Next, which runs the iterator's __next__.
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

static PyObject *proxy_iternext(PyObject *proxy) {
  if (!checkref(proxy))
    return NULL;
  PyObject *o = PyWeakref_GET_OBJECT(proxy); // expected-note{{'o' fetched here as a borrowed reference}}
  if (!PyIter_Check(o)) {
    PyErr_Format(PyExc_TypeError,
                 "Weakref proxy referenced a non-iterator '%.200s' object",
                 Py_TYPE(o)->tp_name);
    return NULL;
  }
  return PyIter_Next(o); // expected-warning{{borrowed reference 'o' from 'PyWeakref_GET_OBJECT' is passed to 'PyIter_Next'}}
}
