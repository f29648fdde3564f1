// Restates the shape that python/cpython Python/pylifecycle.c,
// finalize_modules_clear_weaklist, guards against (gh-105927, pull request
// #105971, which now holds the module by a strong reference from
// _PyWeakref_GET_REF): at shutdown, modules are reached through weak
// references and wiped. Here the verbose message is written to sys.stderr
// (which runs Python code) while the module is still borrowed.
// This file: the unsafe order.
#include "capi_realworld.h"

void clear_weaklist(PyObject *weaklist, PyObject *builtins, int verbose) {
  for (Py_ssize_t i = PyList_GET_SIZE(weaklist) - 1; i >= 0; i--) {
    PyObject *tup = PyList_GET_ITEM(weaklist, i);
    PyObject *name = PyTuple_GET_ITEM(tup, 0);
    PyObject *mod = PyWeakref_GET_OBJECT(PyTuple_GET_ITEM(tup, 1)); // expected-note{{'mod' fetched here as a borrowed reference}}
    if (mod == Py_None)
      continue;
    if (PyModule_GetDict(mod) == builtins)
      continue;
    if (verbose && PyUnicode_Check(name))
      PySys_FormatStderr("# cleanup[3] wiping %U\n", name); // expected-note{{this call can run Python code while 'mod' is borrowed}}
    Py_INCREF(mod); // expected-warning{{borrowed reference 'mod' from 'PyWeakref_GET_OBJECT' is used after a call that can run Python code}}
    _PyModule_Clear(mod);
    Py_DECREF(mod);
  }
}
