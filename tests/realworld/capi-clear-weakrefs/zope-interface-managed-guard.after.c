// Restates zopefoundation/zope.interface pull request #324 for the guarded
// variant: the clear does not depend on a field of the struct.
#include "capi_realworld.h"

typedef struct {
  PyObject_HEAD
  PyObject *_implied;
  PyObject *weakreflist; /* left over from Python < 3.12 */
} SB;

static void SB_dealloc(SB *self) {
  PyObject_GC_UnTrack((PyObject *)self);
  PyObject_ClearWeakRefs((PyObject *)self);
  Py_CLEAR(self->_implied);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject SB_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_zope_interface_coptimizations.SpecificationBase",
    .tp_basicsize = sizeof(SB),
    .tp_dealloc = (destructor)SB_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_MANAGED_WEAKREF,
};

PyTypeObject *type(void) { return &SB_type; }
