// weakref-capi-clear-weakrefs: one tp_dealloc shared by several types whose
// weak-list fields have different names (CPython's gen_dealloc serves
// generators, coroutines and async generators), the null-guard on the
// field, and Py_TPFLAGS_MANAGED_WEAKREF (3.12+), where no field of the
// struct holds the list. The 3.12 macros come from the fake header.
#include "fakepy/Python.h"

#define GEN_HEAD(prefix)                                                       \
  PyObject_HEAD                                                                \
  PyObject *prefix##_code;                                                     \
  PyObject *prefix##_weakreflist;                                              \
  PyObject *prefix##_name;

typedef struct { GEN_HEAD(gi) } GenObject;
typedef struct { GEN_HEAD(cr) PyObject *cr_origin; } CoroObject;
typedef struct { GEN_HEAD(ag) int ag_hooks_inited; } AsyncGenObject;

// Negative: the guard names the generator's field; for the coroutine and the
// async generator the field of the same offset is the list.
static void gen_dealloc(GenObject *gen) {
  PyObject_GC_UnTrack(gen);
  if (gen->gi_weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)gen);
  Py_XDECREF(gen->gi_code);
  PyObject_GC_Del(gen);
}

static PyTypeObject GenType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "generator",
    .tp_dealloc = (destructor)gen_dealloc,
    .tp_weaklistoffset = offsetof(GenObject, gi_weakreflist),
};
static PyTypeObject CoroType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "coroutine",
    .tp_dealloc = (destructor)gen_dealloc,
    .tp_weaklistoffset = offsetof(CoroObject, cr_weakreflist),
};
static PyTypeObject AsyncGenType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "async_generator",
    .tp_dealloc = (destructor)gen_dealloc,
    .tp_weaklistoffset = offsetof(AsyncGenObject, ag_weakreflist),
};

// Negative: a field with an unconventional name, at the offset of the
// other type's list.
typedef struct { PyObject_HEAD PyObject *refs; } Plain;
typedef struct { PyObject_HEAD PyObject *w; PyObject *extra; } Plain2;
static void plain_dealloc(Plain *self) {
  if (self->refs)
    PyObject_ClearWeakRefs((PyObject *)self);
  PyObject_Free(self);
}
static PyTypeObject PlainType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "plain",
    .tp_dealloc = (destructor)plain_dealloc,
    .tp_weaklistoffset = offsetof(Plain, refs),
};
static PyTypeObject Plain2Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "plain2",
    .tp_dealloc = (destructor)plain_dealloc,
    .tp_weaklistoffset = offsetof(Plain2, w),
};

// Positive: the guard tests a field at another offset than the second
// type's list (a field named neither weakref nor weaklist).
typedef struct { PyObject_HEAD PyObject *a; PyObject *b; } Pair;
static void pair_dealloc(Pair *self) {
  if (self->a)
    PyObject_ClearWeakRefs((PyObject *)self);
  PyObject_Free(self); // expected-warning{{'pair_dealloc' releases an object whose type supports weak references without calling PyObject_ClearWeakRefs}}
}
static PyTypeObject PairAType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pair_a",
    .tp_dealloc = (destructor)pair_dealloc,
    .tp_weaklistoffset = offsetof(Pair, a),
};
static PyTypeObject PairBType = { // expected-note{{'PairBType' supports weak references through a weak-reference list offset and uses 'pair_dealloc' as its tp_dealloc}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pair_b",
    .tp_dealloc = (destructor)pair_dealloc,
    .tp_weaklistoffset = offsetof(Pair, b),
};

// Positive: a managed weak-reference list (3.12+) is not in the struct: a
// guard on a leftover field is always false, and the weak references
// outlive the object.
typedef struct { PyObject_HEAD PyObject *weakreflist; } Managed;
static void managed_guarded_dealloc(Managed *self) {
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
  PyObject_GC_Del(self); // expected-warning{{'managed_guarded_dealloc' releases an object}}
}
static PyTypeObject ManagedGuardedType = { // expected-note{{'ManagedGuardedType' supports weak references through Py_TPFLAGS_MANAGED_WEAKREF}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "managed_guarded",
    .tp_dealloc = (destructor)managed_guarded_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_MANAGED_WEAKREF,
};

// Negative: the managed list cleared unconditionally, or after a test of the
// type's offset.
static void managed_dealloc(PyObject *self) {
  PyObject_GC_UnTrack(self);
  PyObject_ClearWeakRefs(self);
  PyObject_GC_Del(self);
}
static void managed_generic_dealloc(PyObject *self) {
  if (Py_TYPE(self)->tp_weaklistoffset != 0)
    PyObject_ClearWeakRefs(self);
  Py_TYPE(self)->tp_free(self);
}
static PyTypeObject ManagedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "managed",
    .tp_dealloc = managed_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_MANAGED_WEAKREF,
};
static PyTypeObject ManagedGenericType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "managed_generic",
    .tp_dealloc = managed_generic_dealloc,
    .tp_flags = Py_TPFLAGS_MANAGED_WEAKREF,
};

void *all_types[] = {&GenType, &CoroType, &AsyncGenType, &PlainType,
                     &Plain2Type, &PairAType, &PairBType, &ManagedGuardedType,
                     &ManagedType, &ManagedGenericType};
