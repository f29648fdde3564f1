// Restates python/cpython bpo-38395 (pull request #16632), proxy_bool in
// Objects/weakrefobject.c: the truth test of weakref.proxy handed the
// borrowed referent to PyObject_IsTrue, whose __bool__ / __len__ can drop
// its last reference while it runs.
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

static int proxy_bool(PyObject *proxy) {
  PyObject *o = PyWeakref_GET_OBJECT(proxy); // expected-note{{'o' fetched here as a borrowed reference}}
  if (!checkref(proxy))
    return -1;
  return PyObject_IsTrue(o); // expected-warning{{borrowed reference 'o' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_IsTrue', which can run Python code}}
}
