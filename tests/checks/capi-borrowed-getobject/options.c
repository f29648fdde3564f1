// Options: a project's own fetch wrapper, a replaced safe list, a project's
// own raising function (ErrorFunctions), a project's own accessor whose
// contract is a borrowed return (BorrowedReturnFunctions), and HelperDepth 0
// (functions defined in the translation unit are not looked into).
// weakcheck-config: {CheckOptions: {weakref-capi-borrowed-getobject.FetchFunctions: 'get_target', weakref-capi-borrowed-getobject.SafeFunctions: 'PyObject_GetAttrString;get_target', weakref-capi-borrowed-getobject.HelperDepth: 0, weakref-capi-borrowed-getobject.ErrorFunctions: 'raise_dead', weakref-capi-borrowed-getobject.BorrowedReturnFunctions: 'peek_target'}}
#include "fakepy/Python.h"

PyObject *get_target(PyObject *ref);
static void log_call(PyObject *o) { PyObject_Repr(o); }

static void wrapped(PyObject *ref) {
  PyObject *obj = get_target(ref); // expected-note{{'obj' fetched here}}
  PyObject_GetAttrString(ref, "x"); // declared safe by the option
  PyObject_Repr(ref);               // expected-note{{this call can run Python code}}
  PyObject_Repr(obj);               // expected-warning{{borrowed reference 'obj' from 'get_target' is used after a call}}
}

// A borrowed return is the contract of peek_target; not of other functions.
PyObject *peek_target(PyObject *ref) { return get_target(ref); }
PyObject *other_accessor(PyObject *ref) { return get_target(ref); } // expected-warning{{borrowed reference from 'get_target' is returned}}

// PyWeakref_GetObject is no longer a fetch function.
static PyObject *builtin(PyObject *ref) {
  return PyWeakref_GetObject(ref);
}

// With HelperDepth 0, a TU-local function is not looked into: it is not an
// API name, so it is assumed not to run Python code.
static void helper(PyObject *ref) {
  PyObject *obj = get_target(ref);
  log_call(ref);
  Py_INCREF(obj);
}
