// Restates python/cpython Modules/_ctypes/_ctypes.c, _PyDict_GetItemProxy
// as CPython 3.13 has it: a strong reference through an out-parameter.
#include "capi_realworld.h"

int dict_get_item_proxy(PyObject *dict, PyObject *key, PyObject **presult) {
  int rc = PyDict_GetItemRef(dict, key, presult);
  PyObject *item = *presult;
  if (item && PyWeakref_CheckProxy(item)) {
    rc = PyWeakref_GetRef(item, presult);
    Py_DECREF(item);
  }
  return rc;
}
