// The same against the real CPython 3.11 headers, compiled as C++.
// (Debian's python3-dev).
// weakcheck-args: -I/usr/include/python3.11
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

typedef struct {
  PyObject_HEAD
  PyObject *weakreflist;
  PyObject *payload;
} Box;

static void box_dealloc(Box *self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(self->payload);
  Py_TYPE(self)->tp_free((PyObject *)self); // expected-warning{{'box_dealloc' releases an object whose type supports weak references}}
}

static PyTypeObject BoxType = { // expected-note{{'BoxType' supports weak references through a weak-reference list offset}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Box",
    .tp_basicsize = sizeof(Box),
    .tp_dealloc = (destructor)box_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_weaklistoffset = offsetof(Box, weakreflist),
};

static void good_dealloc(Box *self) {
  PyObject_GC_UnTrack(self);
  Py_TRASHCAN_BEGIN(self, good_dealloc)
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
  Py_CLEAR(self->payload);
  Py_TYPE(self)->tp_free((PyObject *)self);
  Py_TRASHCAN_END
}

static PyTypeObject GoodType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Good",
    .tp_basicsize = sizeof(Box),
    .tp_dealloc = (destructor)good_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_weaklistoffset = offsetof(Box, weakreflist),
};

// A heap type through PyType_Spec and a __weaklistoffset__ member.
static PyMemberDef box_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(Box, weakreflist), READONLY},
    {NULL},
};
static void heap_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  PyObject_Del(self); // expected-warning{{'heap_dealloc' releases}}
  Py_DECREF(tp);
}
static PyType_Slot heap_slots[] = {
    {Py_tp_dealloc, (void *)heap_dealloc},
    {Py_tp_members, box_members},
    {0, NULL},
};
static PyType_Spec heap_spec = { // expected-note{{'heap_spec' supports weak references}}
    .name = "m.Heap",
    .basicsize = sizeof(Box),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = heap_slots,
};
