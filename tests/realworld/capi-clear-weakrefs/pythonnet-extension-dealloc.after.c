// Restates pythonnet/pythonnet pull request #1761: the weak-reference list
// is cleared (guarded on the list, as CPython's own deallocs do) before the
// instance is freed.
#include "capi_realworld.h"

typedef struct {
  PyObject_HEAD
  void *gc_handle; /* the managed object */
  PyObject *dict;
  PyObject *weakreflist;
} ExtensionObject;

void release_gc_handle(void *);

static void extension_dealloc(PyObject *ob) {
  ExtensionObject *self = (ExtensionObject *)ob;
  PyObject_GC_UnTrack(ob);
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs(ob);
  release_gc_handle(self->gc_handle);
  Py_CLEAR(self->dict);
  PyObject_GC_Del(ob);
}

static PyTypeObject ExtensionType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "clr.Extension",
    .tp_basicsize = sizeof(ExtensionObject),
    .tp_dealloc = extension_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_weaklistoffset = offsetof(ExtensionObject, weakreflist),
};

PyTypeObject *type(void) { return &ExtensionType; }
