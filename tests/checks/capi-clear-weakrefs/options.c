// Options: a project's own free function, and helpers followed two levels
// deep.
// weakcheck-config: {CheckOptions: {weakref-capi-clear-weakrefs.FreeFunctions: 'my_free', weakref-capi-clear-weakrefs.HelperDepth: 2}}
#include "fakepy/Python.h"

typedef struct {
  PyObject_HEAD
  PyObject *weakreflist;
} Obj;

void my_free(void *);

static void custom_free_dealloc(Obj *self) {
  my_free(self); // expected-warning{{'custom_free_dealloc' releases}}
}
static PyTypeObject CustomType = { // expected-note{{'CustomType'}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)custom_free_dealloc,
    .tp_weaklistoffset = offsetof(Obj, weakreflist),
};

// PyObject_Free is no longer a free function: nothing released, silent.
static void builtin_free_dealloc(Obj *self) { PyObject_Free(self); }
static PyTypeObject BuiltinType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)builtin_free_dealloc,
    .tp_weaklistoffset = offsetof(Obj, weakreflist),
};

// Two levels of helpers: followed with HelperDepth 2.
static void clear_inner(Obj *self) {
  if (self->weakreflist)
    PyObject_ClearWeakRefs((PyObject *)self);
}
static void clear_outer(Obj *self) { clear_inner(self); }
static void deep_dealloc(Obj *self) {
  clear_outer(self);
  my_free(self);
}
static PyTypeObject DeepType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)deep_dealloc,
    .tp_weaklistoffset = offsetof(Obj, weakreflist),
};
