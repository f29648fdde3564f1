// weakref-capi-borrowed-getobject against the real CPython 3.11 headers
// (Debian's python3-dev), where PyWeakref_GET_OBJECT, Py_INCREF and Py_TYPE
// are static inline functions behind macros.
// weakcheck-args: -I/usr/include/python3.11
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
  PyObject_HEAD
  PyObject *ref;
  PyObject *cached;
} Holder;

static PyObject *stale(Holder *self, PyObject *arg) {
  PyObject *target = PyWeakref_GET_OBJECT(self->ref); // expected-note{{'target' fetched here as a borrowed reference}}
  PyObject *key = PyObject_Str(arg); // expected-note{{this call can run Python code while 'target' is borrowed}}
  if (key == NULL)
    return NULL;
  PyObject *r = PyObject_GetItem(target, key); // expected-warning{{borrowed reference 'target' from 'PyWeakref_GET_OBJECT' is used after a call that can run Python code}}
  Py_DECREF(key);
  return r;
}

static PyObject *returned(Holder *self) {
  return PyWeakref_GetObject(self->ref); // expected-warning{{borrowed reference from 'PyWeakref_GetObject' is returned without a strong reference}}
}

static void stored(Holder *self) {
  self->cached = PyWeakref_GET_OBJECT(self->ref); // expected-warning{{borrowed reference from 'PyWeakref_GET_OBJECT' is stored without a strong reference}}
}

// The correct idioms.
static PyObject *good(Holder *self, PyObject *arg) {
  PyObject *target = PyWeakref_GET_OBJECT(self->ref);
  if (Py_IsNone(target) || !PyLong_Check(target))
    Py_RETURN_NONE;
  Py_INCREF(target);
  PyObject *key = PyObject_Str(arg);
  PyObject *r = key ? PyObject_GetItem(target, key) : NULL;
  Py_XDECREF(key);
  Py_DECREF(target);
  return r;
}

static PyObject *good_newref(Holder *self) {
  PyObject *target = PyWeakref_GET_OBJECT(self->ref);
  if (target == Py_None)
    return NULL;
  return Py_NewRef(target);
}
