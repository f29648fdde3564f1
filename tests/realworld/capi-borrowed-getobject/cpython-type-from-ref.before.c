// Restates python/cpython gh-105927, pull request #105963
// ("type_from_ref() uses _PyWeakref_GET_REF()", merged 2023-06-21),
// Objects/typeobject.c: the helper that turns an entry of a type's
// tp_subclasses (a weak reference) into the subclass returned a borrowed
// reference, which its callers used while running code that can destroy
// the subclass. The fix returns a strong reference.
// This file: the code before the fix.
#include "capi_realworld.h"

static PyTypeObject *type_from_ref(PyObject *ref) {
  PyObject *obj = PyWeakref_GET_OBJECT(ref); // expected-note{{'obj' fetched here as a borrowed reference}}
  if (obj == Py_None)
    return NULL;
  return (PyTypeObject *)obj; // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GET_OBJECT' is returned without a strong reference}}
}

PyTypeObject *first_subclass(PyObject *subclass_refs) {
  return type_from_ref(PyList_GET_ITEM(subclass_refs, 0));
}
