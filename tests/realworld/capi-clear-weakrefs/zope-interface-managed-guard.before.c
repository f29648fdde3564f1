// Restates the variant of zopefoundation/zope.interface issue #323 that a
// port to Py_TPFLAGS_MANAGED_WEAKREF produces when the struct keeps its old
// weakreflist field: the guard `if (self->weakreflist != NULL)` tests a
// field the interpreter never sets (the managed list lives before the
// object), so the clear never runs. Pull request #324 clears
// unconditionally.
// This file: the guarded code.
#include "capi_realworld.h"

typedef struct {
  PyObject_HEAD
  PyObject *_implied;
  PyObject *weakreflist; /* left over from Python < 3.12 */
} SB;

static void SB_dealloc(SB *self) {
  PyObject_GC_UnTrack((PyObject *)self);
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
  Py_CLEAR(self->_implied);
  Py_TYPE(self)->tp_free((PyObject *)self); // expected-warning{{'SB_dealloc' releases an object whose type supports weak references without calling PyObject_ClearWeakRefs}}
}

static PyTypeObject SB_type = { // expected-note{{'SB_type' supports weak references through Py_TPFLAGS_MANAGED_WEAKREF}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_zope_interface_coptimizations.SpecificationBase",
    .tp_basicsize = sizeof(SB),
    .tp_dealloc = (destructor)SB_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_MANAGED_WEAKREF,
};

PyTypeObject *type(void) { return &SB_type; }
