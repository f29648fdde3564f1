// weakref-capi-clear-weakrefs in a C++ extension (positional initialisers,
// C++ casts), with the fake headers.
#include "fakepy/Python.h"

struct Counter {
  PyObject_HEAD
  PyObject *weakrefs;
  long count;
};

namespace {

void counter_dealloc(PyObject *self) {
  auto *c = reinterpret_cast<Counter *>(self);
  c->count = 0;
  Py_TYPE(self)->tp_free(self); // expected-warning{{'counter_dealloc' releases an object whose type supports weak references}}
}

PyTypeObject CounterType = { // expected-note{{'CounterType' supports weak references}}
    PyVarObject_HEAD_INIT(nullptr, 0) "m.Counter", sizeof(Counter), 0,
    counter_dealloc, Py_TPFLAGS_DEFAULT, nullptr, offsetof(Counter, weakrefs)};

void good_dealloc(PyObject *self) {
  auto *c = reinterpret_cast<Counter *>(self);
  if (c->weakrefs != nullptr)
    PyObject_ClearWeakRefs(self);
  Py_TYPE(self)->tp_free(self);
}

PyTypeObject GoodType = {
    PyVarObject_HEAD_INIT(nullptr, 0) "m.Good", sizeof(Counter), 0,
    good_dealloc, Py_TPFLAGS_DEFAULT, nullptr, offsetof(Counter, weakrefs)};

// Negative: the base's tp_dealloc is object's, which frees: a release, but
// only after the clear.
void derived_dealloc(PyObject *self) {
  PyObject_ClearWeakRefs(self);
  PyBaseObject_Type.tp_dealloc(self);
}
PyTypeObject DerivedType = {
    PyVarObject_HEAD_INIT(nullptr, 0) "m.Derived", sizeof(Counter), 0,
    derived_dealloc, Py_TPFLAGS_DEFAULT, nullptr, offsetof(Counter, weakrefs)};

// Positive: object's tp_dealloc frees without clearing.
void object_dealloc(PyObject *self) {
  PyBaseObject_Type.tp_dealloc(self); // expected-warning{{'object_dealloc' releases}}
}
PyTypeObject ObjectBasedType = { // expected-note{{'ObjectBasedType'}}
    PyVarObject_HEAD_INIT(nullptr, 0) "m.ObjectBased", sizeof(Counter), 0,
    object_dealloc, Py_TPFLAGS_DEFAULT, nullptr, offsetof(Counter, weakrefs)};

} // namespace
