// weakref-callback-arity on the CPython C API in a C++ translation unit.
#include <arity/methodobject.h>

static PyObject *noargs(PyObject *, PyObject *) { Py_RETURN_NONE; }
static PyObject *one(PyObject *, PyObject *) { Py_RETURN_NONE; }

static PyMethodDef methods[] = {
    {"noargs", noargs, METH_NOARGS | METH_COEXIST, nullptr}, // expected-note{{entry in 'methods' is declared METH_NOARGS here}}
    {"one", one, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyObject *watch(PyObject *obj) {
  PyObject *bad = PyWeakref_NewRef(obj, PyCFunction_New(&methods[0], nullptr)); // expected-warning{{the callback of 'PyWeakref_NewRef' is called with 1 argument, the weak reference, but its method takes none}}
  PyObject *good = PyWeakref_NewRef(obj, PyCFunction_New(&methods[1], nullptr));
  Py_XDECREF(bad);
  return good;
}
