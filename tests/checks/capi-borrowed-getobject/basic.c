// weakref-capi-borrowed-getobject in C with the fake headers: positives
// first, then the correct idioms that must stay silent.
#include "fakepy/Python.h"

typedef struct {
  PyObject_HEAD
  PyObject *ref;
  PyObject *cached;
} Holder;

static PyObject *global_target;

// Positive: a call that can run Python code between the fetch and the use.
static PyObject *stale_after_call(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{'obj' fetched here as a borrowed reference}}
  PyObject *name = PyObject_GetAttrString(ref, "name"); // expected-note{{this call can run Python code while 'obj' is borrowed}}
  return PyObject_CallMethod(obj, "rename", "O", name); // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GetObject' is used after a call that can run Python code and destroy its referent; take a strong reference with Py_NewRef right after the fetch, or use PyWeakref_GetRef on Python 3.13 and later}}
}

// Positive: passed to a call that can run Python code, which can drop the
// last reference while it runs (reported once per fetch); also through the
// 3.11 macro PyWeakref_GET_OBJECT.
static void second_call(PyObject *ref) {
  PyObject *obj = PyWeakref_GET_OBJECT(ref); // expected-note{{'obj' fetched here}}
  PyObject_CallMethod(obj, "a", NULL); // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_CallMethod', which can run Python code and destroy its referent while it runs; take a strong reference with Py_NewRef right after the fetch, or use PyWeakref_GetRef on Python 3.13 and later}}
  PyObject_CallMethod(obj, "b", NULL);
}

// Positive: the borrowed result passed straight to a call that runs Python
// code (CPython's weakref.proxy methods before bpo-38395).
static PyObject *immediate(PyObject *ref) {
  return PyObject_Repr(PyWeakref_GetObject(ref)); // expected-warning{{borrowed reference from 'PyWeakref_GetObject' is passed to 'PyObject_Repr', which can run Python code and destroy its referent while it runs}}
}
static int compared(PyObject *ref, PyObject *other) {
  PyObject *obj = PyWeakref_GET_OBJECT(ref); // expected-note{{'obj' fetched here}}
  if (obj == Py_None)
    return 0;
  return PyObject_RichCompareBool(obj, other, Py_EQ); // expected-warning{{'obj' from 'PyWeakref_GET_OBJECT' is passed to 'PyObject_RichCompareBool'}}
}
static void through_pointer(PyObject *ref, void (*visit)(PyObject *)) {
  visit(PyWeakref_GetObject(ref)); // expected-warning{{borrowed reference from 'PyWeakref_GetObject' is passed to a function pointer}}
}

// Positive: Py_DECREF of another object runs its finalizer; a dereference.
static long after_decref(PyObject *ref, PyObject *tmp) {
  PyObject *obj;
  obj = PyWeakref_GetObject(ref); // expected-note{{'obj' fetched here}}
  Py_DECREF(tmp); // expected-note{{this call can run Python code}}
  return obj->ob_refcnt; // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GetObject' is used after a call}}
}

// Positive: a Py_INCREF that comes too late.
static PyObject *late_incref(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{fetched here}}
  PyObject *r = PyObject_Repr(ref); // expected-note{{this call can run Python code}}
  Py_XDECREF(r);
  Py_INCREF(obj); // expected-warning{{'obj' from 'PyWeakref_GetObject' is used after a call}}
  return obj;
}

// Positive: on one path only.
static void one_path(PyObject *ref, int verbose) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{fetched here}}
  if (verbose)
    PyErr_SetString(PyExc_ReferenceError, "x"); // expected-note{{this call can run Python code}}
  PyList_Append(global_target, obj); // expected-warning{{'obj' from 'PyWeakref_GetObject' is used after a call}}
}

// Positive: returned or stored without a strong reference.
static PyObject *returned_direct(Holder *self) {
  return PyWeakref_GetObject(self->ref); // expected-warning{{borrowed reference from 'PyWeakref_GetObject' is returned without a strong reference; take a strong reference with Py_NewRef right after the fetch, or use PyWeakref_GetRef on Python 3.13 and later}}
}
static PyObject *returned_var(Holder *self) {
  PyObject *obj = PyWeakref_GET_OBJECT(self->ref); // expected-note{{'obj' fetched here}}
  if (obj == Py_None)
    return NULL;
  return obj; // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GET_OBJECT' is returned without a strong reference}}
}
static void stored(Holder *self) {
  self->cached = PyWeakref_GetObject(self->ref); // expected-warning{{borrowed reference from 'PyWeakref_GetObject' is stored without a strong reference}}
  PyObject *obj = PyWeakref_GetObject(self->ref); // expected-note{{'obj' fetched here}}
  global_target = obj; // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GetObject' is stored without a strong reference}}
}

// Positive: a call through a function pointer (a slot) can run anything.
static void through_slot(PyObject *ref, PyObject *other) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{fetched here}}
  Py_TYPE(other)->tp_free(other); // expected-note{{this call can run Python code}}
  PyObject_CallNoArgs(obj); // expected-warning{{'obj' from 'PyWeakref_GetObject' is used after}}
}

// Negative: a strong reference right after the fetch.
static PyObject *incref_first(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (obj == Py_None)
    Py_RETURN_NONE;
  Py_INCREF(obj);
  PyObject *name = PyObject_GetAttrString(ref, "name");
  PyObject *r = PyObject_CallMethod(obj, "rename", "O", name);
  Py_DECREF(obj);
  return r;
}
static PyObject *newref(Holder *self) {
  PyObject *obj = Py_NewRef(PyWeakref_GetObject(self->ref));
  PyObject_CallMethod(obj, "a", NULL);
  PyObject_CallMethod(obj, "b", NULL);
  self->cached = Py_XNewRef(PyWeakref_GET_OBJECT(self->ref));
  return obj;
}
static PyObject *newref_return(PyObject *ref) {
  PyObject *obj = PyWeakref_GET_OBJECT(ref);
  return Py_NewRef(obj);
}

// Negative: only safe calls (type checks, Py_IsNone, comparisons) in between.
static long checks_only(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (Py_IsNone(obj) || obj == NULL)
    return -1;
  if (!PyLong_Check(obj) || Py_TYPE(obj) == &PyBaseObject_Type)
    return -1;
  if (PyErr_Occurred())
    return -1;
  return Py_NewRef(obj)->ob_refcnt;
}

// Negative: passed to accessors that cannot run Python code.
static PyObject *accessors(PyObject *ref, PyObject *tuple) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (PyTuple_GET_SIZE(tuple) > 0 && PyTuple_GET_ITEM(tuple, 0) == obj)
    return NULL;
  if (PyModule_GetDict(obj) == NULL || PyModule_GetState(obj) == NULL)
    return NULL;
  return Py_NewRef(obj);
}

// Negative: an error path that calls and returns never reaches the use.
static PyObject *error_path(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (obj == Py_None) {
    PyErr_SetString(PyExc_ReferenceError, "dead");
    return NULL;
  }
  Py_INCREF(obj);
  PyObject *r = PyObject_Repr(obj);
  Py_DECREF(obj);
  return r;
}

// Negative: refetched after the call.
static void refetch(PyObject *ref, PyObject *callback) {
  PyObject *obj = PyWeakref_GetObject(ref);
  PyObject_CallNoArgs(callback);
  obj = PyWeakref_GetObject(ref);
  Py_XINCREF(obj);
  PyObject_CallMethod(obj, "b", NULL);
  Py_XDECREF(obj);
}

// Negative: in a loop, fetched afresh on each iteration.
static void loop(PyObject **refs, int n) {
  for (int i = 0; i < n; ++i) {
    PyObject *obj = PyWeakref_GetObject(refs[i]);
    if (Py_IsNone(obj))
      continue;
    Py_INCREF(obj);
    PyObject_CallMethod(obj, "a", NULL);
    Py_DECREF(obj);
  }
}

// Negative: a helper in the translation unit that calls no Python API.
static int is_dead(PyObject *o) { return o == Py_None; }
static PyObject *helper(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (is_dead(obj))
    return NULL;
  return Py_NewRef(obj);
}

// Positive: a helper in the translation unit that runs Python code.
static void notify(PyObject *o) { PyObject_CallMethod(o, "notify", NULL); } // expected-note{{'notify' can run Python code through this call}}
static void via_helper(PyObject *ref, PyObject *listener) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{fetched here}}
  notify(listener); // expected-note{{this call can run Python code}}
  PyObject_Repr(obj); // expected-warning{{'obj' from 'PyWeakref_GetObject' is used after a call}}
}

// Negative: calls outside the Python API (assumed not to run Python code).
int printf(const char *, ...);
static void libc_between(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  printf("%p\n", (void *)obj);
  Py_INCREF(obj);
}

// Negative: on the branch where the variable is Py_None (immortal) or NULL
// nothing can die; the strong reference is taken on the other branch.
static void none_branch(PyObject *ref, PyObject *callback) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (Py_IsNone(obj))
    PyErr_SetString(PyExc_ReferenceError, "dead");
  else
    Py_INCREF(obj);
  PyObject_CallNoArgs(callback);
  PyObject_Repr(obj);
}
static void null_branch(PyObject *ref, PyObject *callback) {
  PyObject *obj = PyWeakref_GET_OBJECT(ref);
  if (obj != NULL && obj != Py_None)
    Py_INCREF(obj);
  else
    PyErr_SetString(PyExc_ReferenceError, "dead");
  PyObject_CallNoArgs(callback);
  PyObject_Repr(obj);
}

// Positive: the None test does not protect the other branch.
static void not_none_branch(PyObject *ref, PyObject *callback) {
  PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{fetched here}}
  if (obj != Py_None)
    PyObject_CallNoArgs(callback); // expected-note{{this call can run Python code}}
  PyObject_Repr(obj); // expected-warning{{'obj' from 'PyWeakref_GetObject' is used after a call}}
}

// Negative: a helper that runs Python code only on an error path that
// returns first (CPython's proxy_checkref): it runs none on the path on
// which the caller goes on.
static int checkref(PyObject *ref) {
  if (PyWeakref_GetObject(ref) == Py_None) {
    PyErr_SetString(PyExc_ReferenceError, "weakly-referenced object no longer exists");
    return 0;
  }
  return 1;
}
static int check_or_fail(PyObject *ref) {
  if (!checkref(ref))
    return -1;
  return 0;
}
static PyObject *binary(PyObject *x, PyObject *y) {
  x = PyWeakref_GET_OBJECT(x);
  if (!checkref(y))
    return NULL;
  if (check_or_fail(y) < 0)
    return NULL;
  Py_INCREF(x);
  PyObject *r = PyObject_GetAttr(x, y);
  Py_DECREF(x);
  return r;
}

// Positive: the same helper shape, but the Python code runs on its success
// path; the note names the helper and the call inside it.
static int check_and_log(PyObject *ref, PyObject *log) {
  if (ref == NULL)
    return -1;
  PyObject_CallNoArgs(log); // expected-note{{'check_and_log' can run Python code through this call}}
  return 0;
}
static PyObject *binary_logged(PyObject *x, PyObject *y, PyObject *log) {
  x = PyWeakref_GET_OBJECT(x); // expected-note{{'x' fetched here}}
  if (check_and_log(y, log) < 0) // expected-note{{this call can run Python code while 'x' is borrowed}}
    return NULL;
  Py_INCREF(x); // expected-warning{{borrowed reference 'x' from 'PyWeakref_GET_OBJECT' is used after a call that can run Python code}}
  return x;
}

// Negative: the definition of the fetch function returns the borrowed
// reference by contract (BorrowedReturnFunctions).
PyObject *PyWeakref_GetObject(PyObject *ref) {
  if (ref == NULL)
    return NULL;
  return PyWeakref_GET_OBJECT(ref);
}

// Negative: a comparison of the fetch with Py_None is returned, not the
// borrowed reference.
static int is_dead_ref(PyObject *ref) { return PyWeakref_GET_OBJECT(ref) == Py_None; }

// Negative: a printf-like call whose format only prints the address; the
// list takes its own strong reference in PyList_Append.
static PyObject *repr_address(PyObject *ref, PyObject *list) {
  if (PyList_Append(list, PyWeakref_GET_OBJECT(ref)) < 0)
    return NULL;
  return PyUnicode_FromFormat("<proxy at %p to %s at %p>", (void *)ref,
                              Py_TYPE(PyWeakref_GET_OBJECT(ref))->tp_name,
                              (void *)PyWeakref_GET_OBJECT(ref));
}

// Positive: %R calls the object's __repr__.
static PyObject *repr_object(PyObject *ref) {
  return PyUnicode_FromFormat("<proxy to %R>", PyWeakref_GET_OBJECT(ref)); // expected-warning{{borrowed reference from 'PyWeakref_GET_OBJECT' is passed to 'PyUnicode_FromFormat', which can run Python code}}
}

// A helper defined in the translation unit that runs Python code (releases
// the GIL) only after its last use of the borrowed argument: silent; one
// that uses the argument afterwards: reported.
static void close_first(Holder *self) {
  PyObject *cached = self->cached;
  self->cached = NULL;
  PyObject_CallNoArgs(cached);
}
static void close_then_touch(Holder *self) {
  PyObject_CallNoArgs(self->ref); // expected-note{{'close_then_touch' can run Python code through this call}}
  self->cached = NULL;
}
static void close_all(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (Py_IsNone(obj))
    return;
  close_first((Holder *)obj);
  PyObject *again = PyWeakref_GetObject(ref); // expected-note{{'again' fetched here}}
  close_then_touch((Holder *)again); // expected-warning{{'again' from 'PyWeakref_GetObject' is passed to 'close_then_touch', which can run Python code}}
}
