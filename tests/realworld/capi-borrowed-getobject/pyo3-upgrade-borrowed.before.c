// Restates PyO3/pyo3 pull request #4590 ("leak references for safety in
// PyWeakRefMethods::upgrade_borrowed", merged 2024-10-04; advisory
// rustsec/advisory-db #2101): PyO3 0.22's upgrade_borrowed handed its
// caller the borrowed result of PyWeakref_GetObject, which "could dangle
// at any time if the last strong reference was cleared". The patch release
// takes a strong reference (deliberately leaked) instead. Restated in C.
// This file: the code before the fix.
#include "capi_realworld.h"

PyObject *upgrade_borrowed(PyObject *weakref) {
  PyObject *obj = PyWeakref_GetObject(weakref); // expected-note{{'obj' fetched here as a borrowed reference}}
  if (obj == NULL || obj == Py_None)
    return NULL;
  return obj; // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GetObject' is returned without a strong reference}}
}
