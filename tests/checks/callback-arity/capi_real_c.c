/* weakref-callback-arity against the real CPython 3.11 headers, in C. */
// weakcheck-args: -I/usr/include/python3.11
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *noargs(PyObject *self, PyObject *unused) { Py_RETURN_NONE; }
static PyObject *one(PyObject *self, PyObject *ref) { Py_RETURN_NONE; }

static PyMethodDef module_methods[] = {
    {"noargs", noargs, METH_NOARGS, NULL}, // expected-note{{entry in 'module_methods' is declared METH_NOARGS here}}
    {"one", one, METH_O, NULL},
    {"fast", (PyCFunction)(void (*)(void))one, METH_FASTCALL | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL},
};

PyObject *watch(PyObject *obj, PyObject *module) {
  PyObject *bad = PyWeakref_NewRef(obj, PyCFunction_NewEx(&module_methods[0], NULL, module)); // expected-warning{{the callback of 'PyWeakref_NewRef' is called with 1 argument, the weak reference, but its method takes none; declare it METH_O}}
  PyObject *one_ref = PyWeakref_NewRef(obj, PyCFunction_New(&module_methods[1], NULL));
  PyObject *fast = PyWeakref_NewProxy(obj, PyCFunction_New(&module_methods[2], NULL));
  Py_XDECREF(bad);
  Py_XDECREF(one_ref);
  return fast;
}
