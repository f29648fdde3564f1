// weakref-capi-borrowed-getobject: which paths of a helper count. A helper
// that runs Python code only on paths that raise (a call of ErrorFunctions,
// `return NULL`, `return -1`, a call that does not return) runs none on the
// path on which its caller goes on; a project's own raising function is
// declared with ErrorFunctions.
// weakcheck-config: {CheckOptions: {weakref-capi-borrowed-getobject.ErrorFunctions: 'PyErr_SetString;PyErr_Format;raise_dead'}}
#include "fakepy/Python.h"

void raise_dead(PyObject *ref);
void fatal(const char *) __attribute__((noreturn));

// Raises through the project's own function, then returns 0 (which alone
// would not mark an error path).
static int checked(PyObject *ref) {
  if (PyWeakref_GetObject(ref) == Py_None) {
    raise_dead(ref);
    PyObject_Repr(ref); // after the raise: still the error path
    return 0;
  }
  return 1;
}

// Python code on a path that returns -1 (no raising call).
static int validate(PyObject *arg) {
  if (arg == NULL) {
    PyObject_Repr(arg);
    return -1;
  }
  return 0;
}

// Python code before a call that does not return.
static void must(PyObject *arg) {
  if (arg == NULL) {
    PyObject_Repr(arg);
    fatal("no arg");
  }
}

// A goto to a shared error label that returns NULL.
static PyObject *with_label(PyObject *arg) {
  if (arg == NULL)
    goto error;
  return arg;
error:
  PyErr_Format(PyExc_TypeError, "bad %R", arg);
  return NULL;
}

static PyObject *user(PyObject *ref, PyObject *arg) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (!checked(ref) || validate(arg) < 0)
    return NULL;
  must(arg);
  if (with_label(arg) == NULL)
    return NULL;
  return Py_NewRef(obj);
}

// Positive: a success path of the same helper runs Python code too.
static int validate_and_warn(PyObject *arg, int verbose) {
  if (arg == NULL) {
    PyErr_SetString(PyExc_TypeError, "no arg");
    return -1;
  }
  if (verbose)
    PyObject_Repr(arg); // expected-note{{'validate_and_warn' can run Python code through this call}}
  return 0;
}
static PyObject *user_warned(PyObject *ref, PyObject *arg) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{'obj' fetched here}}
  if (validate_and_warn(arg, 1) < 0) // expected-note{{this call can run Python code while 'obj' is borrowed}}
    return NULL;
  return Py_NewRef(obj); // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GetObject' is used after a call}}
}

// Positive: two levels deep (HelperDepth 2 by default); the notes name the
// chain.
static void inner(PyObject *o) { PyObject_CallNoArgs(o); } // expected-note{{'inner' can run Python code through this call}}
static void outer(PyObject *o) { inner(o); } // expected-note{{'outer' can run Python code through this call}}
static PyObject *deep(PyObject *ref, PyObject *cb) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{'obj' fetched here}}
  outer(cb); // expected-note{{this call can run Python code while 'obj' is borrowed}}
  return Py_NewRef(obj); // expected-warning{{'obj' from 'PyWeakref_GetObject' is used after a call}}
}

// Negative: three levels deep is beyond HelperDepth 2; recursion is
// answered "no" rather than looping.
static void level3(PyObject *o) { PyObject_CallNoArgs(o); }
static void level2(PyObject *o) { level3(o); }
static void level1(PyObject *o) { level2(o); }
static void recursive(PyObject *o, int n) {
  if (n > 0)
    recursive(o, n - 1);
}
static PyObject *too_deep(PyObject *ref, PyObject *cb) {
  PyObject *obj = PyWeakref_GetObject(ref);
  level1(cb);
  recursive(cb, 3);
  return Py_NewRef(obj);
}
