// Options: a project's own fetch wrapper, a replaced safe list, and
// HelperDepth 0 (functions defined in the translation unit are not looked
// into).
// weakcheck-config: {CheckOptions: {weakref-capi-borrowed-getobject.FetchFunctions: 'get_target', weakref-capi-borrowed-getobject.SafeFunctions: 'PyObject_GetAttrString;get_target', weakref-capi-borrowed-getobject.HelperDepth: 0}}
#include "fakepy/Python.h"

PyObject *get_target(PyObject *ref);
static void log_call(PyObject *o) { PyObject_Repr(o); }

static void wrapped(PyObject *ref) {
  PyObject *obj = get_target(ref); // expected-note{{'obj' fetched here}}
  PyObject_GetAttrString(ref, "x"); // declared safe by the option
  PyObject_Repr(obj);               // expected-note{{this call can run Python code}}
  PyObject_Repr(obj);               // expected-warning{{borrowed reference 'obj' from 'get_target' is used after a call}}
}

// PyWeakref_GetObject is no longer a fetch function.
static PyObject *builtin(PyObject *ref) {
  return PyWeakref_GetObject(ref);
}

// With HelperDepth 0, a TU-local function is not looked into: it is not an
// API name, so it is assumed not to run Python code.
static void helper(PyObject *ref) {
  PyObject *obj = get_target(ref);
  log_call(ref);
  PyObject_Repr(obj);
}
