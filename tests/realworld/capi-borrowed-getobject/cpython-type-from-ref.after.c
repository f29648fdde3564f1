// Restates python/cpython gh-105927, pull request #105963: type_from_ref()
// returns a strong reference (NULL when the subclass is gone), released by
// its callers.
#include "capi_realworld.h"

static PyTypeObject *type_from_ref(PyObject *ref) {
  PyObject *obj;
  if (PyWeakref_GetRef(ref, &obj) <= 0)
    return NULL;
  return (PyTypeObject *)obj;
}

int count_live_subclasses(PyObject *subclass_refs) {
  int n = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(subclass_refs); i++) {
    PyTypeObject *sub = type_from_ref(PyList_GET_ITEM(subclass_refs, i));
    if (sub == NULL)
      continue;
    ++n;
    Py_DECREF(sub);
  }
  return n;
}
