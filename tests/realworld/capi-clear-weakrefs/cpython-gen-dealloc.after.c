// A correct idiom from python/cpython Objects/genobject.c (3.11):
// gen_dealloc is the tp_dealloc of generators, coroutines and async
// generators, whose structs share a prefix (_PyGenObject_HEAD) and so a
// weak-list field at one offset under three names; it tests the
// generator's name for all three. Before this release the check reported
// it for the coroutine type (whose tp_weaklistoffset names cr_weakreflist).
#include "capi_realworld.h"

#define GEN_HEAD(prefix)                                                       \
  PyObject_HEAD                                                                \
  PyObject *prefix##_code;                                                     \
  PyObject *prefix##_weakreflist;                                              \
  PyObject *prefix##_name;                                                     \
  PyObject *prefix##_qualname;

typedef struct { GEN_HEAD(gi) } PyGenObject;
typedef struct { GEN_HEAD(cr) PyObject *cr_origin_or_finalizer; } PyCoroObject;
typedef struct { GEN_HEAD(ag) PyObject *ag_origin_or_finalizer; int ag_hooks_inited; } PyAsyncGenObject;

static void gen_dealloc(PyGenObject *gen) {
  PyObject *self = (PyObject *)gen;
  PyObject_GC_UnTrack(gen);
  if (gen->gi_weakreflist != NULL)
    PyObject_ClearWeakRefs(self);
  Py_CLEAR(gen->gi_code);
  Py_CLEAR(gen->gi_name);
  Py_CLEAR(gen->gi_qualname);
  PyObject_GC_Del(gen);
}

PyTypeObject PyGen_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "generator",
    .tp_basicsize = sizeof(PyGenObject),
    .tp_dealloc = (destructor)gen_dealloc,
    .tp_weaklistoffset = offsetof(PyGenObject, gi_weakreflist),
};
PyTypeObject PyCoro_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "coroutine",
    .tp_basicsize = sizeof(PyCoroObject),
    .tp_dealloc = (destructor)gen_dealloc,
    .tp_weaklistoffset = offsetof(PyCoroObject, cr_weakreflist),
};
PyTypeObject PyAsyncGen_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "async_generator",
    .tp_basicsize = sizeof(PyAsyncGenObject),
    .tp_dealloc = (destructor)gen_dealloc,
    .tp_weaklistoffset = offsetof(PyAsyncGenObject, ag_weakreflist),
};
