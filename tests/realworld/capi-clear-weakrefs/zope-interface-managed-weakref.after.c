// Restates zopefoundation/zope.interface pull request #324: the dealloc
// calls PyObject_ClearWeakRefs unconditionally, whatever holds the list.
#include "capi_realworld.h"

#define USE_EXPLICIT_WEAKREFLIST 0 /* Python >= 3.12 */
#define BASETYPE_FLAGS Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC
#define WEAKREFTYPE_FLAGS BASETYPE_FLAGS | Py_TPFLAGS_MANAGED_WEAKREF

typedef struct {
  PyObject_HEAD
  PyObject *_implied;
#if USE_EXPLICIT_WEAKREFLIST
  PyObject *weakreflist;
#endif
  PyObject *_dependents;
} SB;

static int SB_clear(SB *self) {
  Py_CLEAR(self->_implied);
  Py_CLEAR(self->_dependents);
  return 0;
}

static void SB_dealloc(SB *self) {
  PyObject_GC_UnTrack((PyObject *)self);
  PyObject_ClearWeakRefs((PyObject *)self);
  PyTypeObject *tp = Py_TYPE(self);
  SB_clear(self);
  tp->tp_free((PyObject *)self);
  Py_DECREF((PyObject *)tp);
}

static PyType_Slot SB_type_slots[] = {
    {Py_tp_clear, SB_clear},
    {Py_tp_dealloc, SB_dealloc},
    {0, NULL},
};

static PyType_Spec SB_type_spec = {
    .name = "_zope_interface_coptimizations.SpecificationBase",
    .basicsize = sizeof(SB),
    .flags = WEAKREFTYPE_FLAGS,
    .slots = SB_type_slots,
};

PyObject *make_type(void) { return PyType_FromSpec(&SB_type_spec); }
