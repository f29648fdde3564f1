// Restates python/cpython Python/pylifecycle.c,
// finalize_modules_clear_weaklist as CPython 3.11 has it: between the fetch
// and Py_INCREF only a None test, PyModule_GetDict and a comparison, none of
// which runs Python code; the message is written after the strong reference
// is taken. Before this release the check reported the Py_INCREF
// (PyModule_GetDict counted as running Python code).
#include "capi_realworld.h"

void clear_weaklist(PyObject *weaklist, PyObject *builtins, int verbose) {
  for (Py_ssize_t i = PyList_GET_SIZE(weaklist) - 1; i >= 0; i--) {
    PyObject *tup = PyList_GET_ITEM(weaklist, i);
    PyObject *name = PyTuple_GET_ITEM(tup, 0);
    PyObject *mod = PyWeakref_GET_OBJECT(PyTuple_GET_ITEM(tup, 1));
    if (mod == Py_None)
      continue;
    if (PyModule_GetDict(mod) == builtins)
      continue;
    Py_INCREF(mod);
    if (verbose && PyUnicode_Check(name))
      PySys_FormatStderr("# cleanup[3] wiping %U\n", name);
    _PyModule_Clear(mod);
    Py_DECREF(mod);
  }
}
