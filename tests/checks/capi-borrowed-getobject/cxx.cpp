// weakref-capi-borrowed-getobject in a C++ translation unit: lambdas,
// C++ casts, nullptr.
#include "fakepy/Python.h"

namespace {

PyObject *stale_in_lambda(PyObject *ref) {
  auto f = [ref] {
    PyObject *obj = PyWeakref_GetObject(ref); // expected-note{{'obj' fetched here}}
    PyObject *r = PyObject_Repr(ref);         // expected-note{{this call can run Python code}}
    Py_XDECREF(r);
    return PyObject_CallNoArgs(static_cast<PyObject *>(obj)); // expected-warning{{borrowed reference 'obj' from 'PyWeakref_GetObject' is used after a call}}
  };
  return f();
}

struct Cache {
  PyObject *last = nullptr;
  void remember(PyObject *ref) {
    last = PyWeakref_GET_OBJECT(ref); // expected-warning{{borrowed reference from 'PyWeakref_GET_OBJECT' is stored without a strong reference}}
  }
  void remember_good(PyObject *ref) {
    last = Py_XNewRef(PyWeakref_GET_OBJECT(ref));
  }
};

PyObject *good(PyObject *ref) {
  PyObject *obj = PyWeakref_GetObject(ref);
  if (obj == Py_None || obj == nullptr)
    return nullptr;
  PyObject *owned = Py_NewRef(obj);
  PyObject *r = PyObject_CallNoArgs(owned);
  Py_DECREF(owned);
  return r;
}

} // namespace

// A template instantiated twice is reported once, at the template.
template <class T> PyObject *in_template(PyObject *ref, T) {
  return PyWeakref_GetObject(ref); // expected-warning{{borrowed reference from 'PyWeakref_GetObject' is returned without a strong reference}}
}
PyObject *instantiate(PyObject *ref) {
  in_template(ref, 1);
  return in_template(ref, 'c');
}
