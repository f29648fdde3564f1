// Restates zopefoundation/zope.interface issue #323 ("Fatal Python error:
// Bus error/Segmentation fault with 7.0.3") and pull request #324 ("call
// 'PyObject_ClearWeakRefs' unconditionally"): from Python 3.12 the C
// optimizations' SpecificationBase type gets its weak-reference support
// from Py_TPFLAGS_MANAGED_WEAKREF (WEAKREFTYPE_FLAGS) and no longer has a
// weakreflist field, and its dealloc cleared weak references only where that
// field exists; the weak references outlived the freed object.
// This file: the code before the fix, as compiled for Python 3.12.
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
#if USE_EXPLICIT_WEAKREFLIST
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
#endif
  PyTypeObject *tp = Py_TYPE(self);
  SB_clear(self);
  tp->tp_free((PyObject *)self); // expected-warning{{'SB_dealloc' releases an object whose type supports weak references without calling PyObject_ClearWeakRefs}}
  Py_DECREF((PyObject *)tp);
}

static PyType_Slot SB_type_slots[] = {
    {Py_tp_clear, SB_clear},
    {Py_tp_dealloc, SB_dealloc},
    {0, NULL},
};

static PyType_Spec SB_type_spec = { // expected-note{{'SB_type_spec' supports weak references through Py_TPFLAGS_MANAGED_WEAKREF and uses 'SB_dealloc' as its tp_dealloc}}
    .name = "_zope_interface_coptimizations.SpecificationBase",
    .basicsize = sizeof(SB),
    .flags = WEAKREFTYPE_FLAGS,
    .slots = SB_type_slots,
};

PyObject *make_type(void) { return PyType_FromSpec(&SB_type_spec); }
