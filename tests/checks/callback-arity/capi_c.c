/* weakref-callback-arity on the CPython C API, in C: the callback of
   PyWeakref_NewRef / PyWeakref_NewProxy is called with one argument. */
#include <arity/methodobject.h>

static PyObject *on_death_noargs(PyObject *self, PyObject *unused) { Py_RETURN_NONE; }
static PyObject *on_death(PyObject *self, PyObject *ref) { Py_RETURN_NONE; }

static PyMethodDef noargs_def = {"on_death", on_death_noargs, METH_NOARGS, NULL}; // expected-note{{entry in 'noargs_def' is declared METH_NOARGS here}}
static PyMethodDef o_def = {"on_death", on_death, METH_O, NULL};
static PyMethodDef varargs_def = {"on_death", on_death, METH_VARARGS, NULL};
static PyMethodDef fast_def = {"on_death", (PyCFunction)(void (*)(void))on_death, METH_FASTCALL, NULL};
static PyMethodDef fast_kw_def = {"on_death", (PyCFunction)(void (*)(void))on_death, METH_FASTCALL | METH_KEYWORDS, NULL};
static PyMethodDef designated_def = {.ml_name = "d", .ml_meth = on_death_noargs, .ml_flags = METH_NOARGS}; // expected-note{{entry in 'designated_def' is declared METH_NOARGS}}

static PyMethodDef callbacks[] = {
    {"ok", on_death, METH_O, NULL},
    {"bad", on_death_noargs, METH_NOARGS, NULL}, // expected-note{{entry in 'callbacks' is declared METH_NOARGS here}} expected-note{{entry in 'callbacks'}}
    {NULL, NULL, 0, NULL},
};

PyObject *positives(PyObject *obj, PyObject *self) {
  PyObject *a = PyWeakref_NewRef(obj, PyCFunction_New(&noargs_def, self)); // expected-warning{{the callback of 'PyWeakref_NewRef' is called with 1 argument, the weak reference, but its method takes none; declare it METH_O}}
  PyObject *b = PyWeakref_NewProxy(obj, PyCFunction_NewEx(&callbacks[1], self, NULL)); // expected-warning{{callback of 'PyWeakref_NewProxy' is called with 1 argument}}
  PyObject *cb = PyCMethod_New(&designated_def, self, NULL, NULL);
  PyObject *c = PyWeakref_NewRef(obj, cb); // expected-warning{{its method takes none}}
  PyObject *late = NULL;
  late = PyCFunction_New(callbacks + 1, NULL);
  PyObject *d = PyWeakref_NewRef(obj, late); // expected-warning{{its method takes none}}
  Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(c); Py_XDECREF(d);
  return cb;
}

PyObject *negatives(PyObject *obj, PyObject *self, PyObject *unknown, int which) {
  PyObject *a = PyWeakref_NewRef(obj, PyCFunction_New(&o_def, self));
  PyObject *b = PyWeakref_NewRef(obj, PyCFunction_New(&varargs_def, self));
  PyObject *c = PyWeakref_NewRef(obj, PyCFunction_New(&fast_def, self));
  PyObject *d = PyWeakref_NewProxy(obj, PyCFunction_New(&fast_kw_def, self));
  PyObject *e = PyWeakref_NewRef(obj, PyCFunction_New(&callbacks[0], self));
  PyObject *f = PyWeakref_NewRef(obj, PyCFunction_New(callbacks, self)); /* the first entry: METH_O */
  PyObject *g = PyWeakref_NewRef(obj, NULL);
  PyObject *h = PyWeakref_NewRef(obj, Py_None);
  PyObject *i = PyWeakref_NewRef(obj, unknown);
  /* A variable that may hold either method: not followed. */
  PyObject *cb = PyCFunction_New(&noargs_def, self);
  if (which)
    cb = PyCFunction_New(&o_def, self);
  PyObject *j = PyWeakref_NewRef(obj, cb);
  /* The index is not a constant. */
  PyObject *k = PyWeakref_NewRef(obj, PyCFunction_New(&callbacks[which], self));
  Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(c); Py_XDECREF(d); Py_XDECREF(e);
  Py_XDECREF(f); Py_XDECREF(g); Py_XDECREF(h); Py_XDECREF(i); Py_XDECREF(j);
  return k;
}
