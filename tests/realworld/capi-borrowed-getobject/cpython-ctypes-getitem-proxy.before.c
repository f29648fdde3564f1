// Restates python/cpython Modules/_ctypes/_ctypes.c, PyDict_GetItemProxy
// (CPython 3.11-3.12): ctypes keeps some objects in dicts as weak proxies
// and its lookup returned the proxy's referent as a borrowed reference.
// CPython 3.13 replaced it (gh-105927) by _PyDict_GetItemProxy(dict, key,
// &result), which returns a strong reference from PyWeakref_GetRef.
// This file: the code before the change.
#include "capi_realworld.h"

PyObject *dict_get_item_proxy(PyObject *dict, PyObject *key) {
  PyObject *item = PyDict_GetItemWithError(dict, key);
  if (item == NULL)
    return NULL;
  if (!PyWeakref_CheckProxy(item))
    return item;
  PyObject *result = PyWeakref_GET_OBJECT(item); // expected-note{{'result' fetched here as a borrowed reference}}
  if (result == Py_None)
    return NULL;
  return result; // expected-warning{{borrowed reference 'result' from 'PyWeakref_GET_OBJECT' is returned without a strong reference}}
}
