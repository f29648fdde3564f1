// Restates pythonnet/pythonnet pull request #1761 ("Clear weak reference
// list when an extension type is destroyed", merged 2022-04), which
// completed #1758: pythonnet's extension types reserve a weak-reference
// list (tp_weaklistoffset) but their tp_dealloc freed the instance without
// clearing it, and a weak reference then dereferenced freed memory.
// pythonnet builds these types from C#; restated here as a C extension.
// This file: the code before the fix.
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
  release_gc_handle(self->gc_handle);
  Py_CLEAR(self->dict);
  PyObject_GC_Del(ob); // expected-warning{{'extension_dealloc' releases an object whose type supports weak references without calling PyObject_ClearWeakRefs}}
}

static PyTypeObject ExtensionType = { // expected-note{{'ExtensionType' supports weak references through a weak-reference list offset}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "clr.Extension",
    .tp_basicsize = sizeof(ExtensionObject),
    .tp_dealloc = extension_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_weaklistoffset = offsetof(ExtensionObject, weakreflist),
};

PyTypeObject *type(void) { return &ExtensionType; }
