// Correct idioms from CPython 3.11's own sources that this check reported
// before this release, restated: the definition of PyWeakref_GetObject
// (Objects/weakrefobject.c: returning the borrowed reference is its
// contract), _weakref's is_dead_weakref (Modules/_weakref.c: the returned
// value is a comparison with Py_None), type___subclasses__
// (Objects/typeobject.c: PyList_Append takes its own strong reference),
// proxy_repr (Objects/weakrefobject.c: a format with %s and %p only) and
// PyImport_AddModuleObject (Python/import.c: a documented borrowed return).
#include "capi_realworld.h"

PyObject *PyUnicode_FromFormat(const char *, ...);
PyObject *PyList_New(Py_ssize_t);

PyObject *PyWeakref_GetObject(PyObject *ref) {
  if (ref == NULL) {
    PyErr_SetString(PyExc_TypeError, "bad internal call");
    return NULL;
  }
  return PyWeakref_GET_OBJECT(ref);
}

static int is_dead_weakref(PyObject *value) {
  if (!PyWeakref_CheckProxy(value) && value == NULL) {
    PyErr_SetString(PyExc_TypeError, "not a weakref");
    return -1;
  }
  return PyWeakref_GET_OBJECT(value) == Py_None;
}

static PyObject *subclasses(PyObject *refs) {
  PyObject *list = PyList_New(0);
  if (list == NULL)
    return NULL;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(refs); i++) {
    PyObject *obj = PyWeakref_GET_OBJECT(PyList_GET_ITEM(refs, i));
    if (obj == Py_None)
      continue;
    if (PyList_Append(list, obj) < 0) {
      Py_DECREF(list);
      return NULL;
    }
  }
  return list;
}

static PyObject *proxy_repr(PyObject *proxy) {
  return PyUnicode_FromFormat("<weakproxy at %p to %s at %p>", (void *)proxy,
                              Py_TYPE(PyWeakref_GET_OBJECT(proxy))->tp_name,
                              (void *)PyWeakref_GET_OBJECT(proxy));
}

PyObject *PyImport_AddModuleObject(PyObject *name) {
  PyObject *mod = PyObject_GetAttr(name, name);
  if (mod == NULL)
    return NULL;
  PyObject *ref = PyWeakref_NewRef(mod, NULL);
  Py_DECREF(mod);
  if (ref == NULL)
    return NULL;
  mod = PyWeakref_GetObject(ref);
  Py_DECREF(ref);
  return mod; /* borrowed reference */
}

int use_all(PyObject *a) {
  return is_dead_weakref(a) + (subclasses(a) != NULL) + (proxy_repr(a) != NULL);
}
