// PyWeakref_GET_OBJECT as the expression macro of CPython 3.10 and earlier
// (no function call), with the fake headers.
// weakcheck-args: -DFAKEPY_310_MACROS
#include "fakepy/Python.h"

typedef struct {
  PyObject_HEAD
  PyObject *ref;
  PyObject *cached;
} Holder;

static void stale(Holder *self, PyObject *callback) {
  PyObject *obj = PyWeakref_GET_OBJECT(self->ref); // expected-note{{'obj' fetched here as a borrowed reference}}
  PyObject_CallNoArgs(callback); // expected-note{{this call can run Python code}}
  PyObject_Repr(obj); // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GET_OBJECT' is used after a call}}
}

static PyObject *returned(Holder *self) {
  return PyWeakref_GET_OBJECT(self->ref); // expected-warning{{borrowed reference from 'PyWeakref_GET_OBJECT' is returned without a strong reference}}
}

static void good(Holder *self, PyObject *callback) {
  PyObject *obj = PyWeakref_GET_OBJECT(self->ref);
  Py_INCREF(obj);
  PyObject_CallNoArgs(callback);
  PyObject_Repr(obj);
  Py_DECREF(obj);
  self->cached = Py_NewRef(PyWeakref_GET_OBJECT(self->ref));
}
