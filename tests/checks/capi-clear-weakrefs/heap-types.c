// weakref-capi-clear-weakrefs on heap types (PyType_Spec and its slots).
#include "fakepy/Python.h"

typedef struct {
  PyObject_HEAD
  PyObject *weakreflist;
} Obj;

static PyMemberDef obj_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(Obj, weakreflist), READONLY},
    {NULL},
};

// Positive: a __weaklistoffset__ member, a dealloc that never clears.
static void obj_dealloc(Obj *self) {
  PyTypeObject *tp = Py_TYPE(self);
  freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);
  tp_free(self); // expected-warning{{'obj_dealloc' releases an object whose type supports weak references}}
  Py_DECREF(tp);
}
static PyType_Slot obj_slots[] = {
    {Py_tp_dealloc, (void *)obj_dealloc},
    {Py_tp_members, obj_members},
    {0, NULL},
};
static PyType_Spec obj_spec = { // expected-note{{'obj_spec' supports weak references through a weak-reference list offset and uses 'obj_dealloc'}}
    .name = "m.Obj",
    .basicsize = sizeof(Obj),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = obj_slots,
};

// Positive: Py_TPFLAGS_MANAGED_WEAKREF in the spec's flags.
static void managed_dealloc(PyObject *self) {
  PyObject_GC_UnTrack(self);
  PyObject_GC_Del(self); // expected-warning{{'managed_dealloc' releases}}
}
static PyType_Slot managed_slots[] = {
    {Py_tp_dealloc, managed_dealloc},
    {0, 0},
};
static PyType_Spec managed_spec = { // expected-note{{'managed_spec' supports weak references through Py_TPFLAGS_MANAGED_WEAKREF}}
    "m.Managed", sizeof(Obj), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_MANAGED_WEAKREF,
    managed_slots};

// Negative: the same spec shapes with a correct dealloc.
static void good_dealloc(Obj *self) {
  PyTypeObject *tp = Py_TYPE(self);
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
  tp->tp_free(self);
  Py_DECREF(tp);
}
static PyType_Slot good_slots[] = {
    {Py_tp_dealloc, (void *)good_dealloc},
    {Py_tp_members, obj_members},
    {0, NULL},
};
static PyType_Spec good_spec = {
    .name = "m.Good",
    .basicsize = sizeof(Obj),
    .slots = good_slots,
};

static void managed_good_dealloc(PyObject *self) {
  PyObject_GC_UnTrack(self);
  PyObject_ClearWeakRefs(self);
  PyObject_GC_Del(self);
}
static PyType_Slot managed_good_slots[] = {
    {Py_tp_dealloc, managed_good_dealloc},
    {0, 0},
};
static PyType_Spec managed_good_spec = {
    "m.ManagedGood", sizeof(Obj), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_MANAGED_WEAKREF, managed_good_slots};

// Negative: no weak-reference support.
static PyMemberDef plain_members[] = {
    {"__dictoffset__", T_PYSSIZET, 0, READONLY},
    {NULL},
};
static PyType_Slot plain_slots[] = {
    {Py_tp_dealloc, (void *)obj_dealloc},
    {Py_tp_members, plain_members},
    {0, NULL},
};
static PyType_Spec plain_spec = {
    .name = "m.Plain",
    .basicsize = sizeof(Obj),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_MANAGED_DICT,
    .slots = plain_slots,
};
