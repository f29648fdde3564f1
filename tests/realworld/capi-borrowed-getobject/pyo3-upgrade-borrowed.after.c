// Restates PyO3/pyo3 pull request #4590: upgrade_borrowed takes a strong
// reference (PyO3 leaks it on purpose; PyO3 0.23 removed the method and
// uses PyWeakref_GetRef, as here in upgrade()).
#include "capi_realworld.h"

PyObject *upgrade_borrowed(PyObject *weakref) {
  PyObject *obj = PyWeakref_GetObject(weakref);
  if (obj == NULL || obj == Py_None)
    return NULL;
  Py_INCREF(obj);
  return obj;
}

PyObject *upgrade(PyObject *weakref) {
  PyObject *obj;
  if (PyWeakref_GetRef(weakref, &obj) <= 0)
    return NULL;
  return obj;
}
