/* A minimal, self-contained stand-in for the parts of the CPython C API that
 * the weakref-destructor-resurrection tests use. Names and shapes follow
 * CPython's headers; nothing here is functional. Do not include together
 * with another CPython mock. */
#ifndef WEAKCHECK_TEST_RESURRECTION_CAPI_H
#define WEAKCHECK_TEST_RESURRECTION_CAPI_H

#include <stddef.h>

typedef ptrdiff_t Py_ssize_t;
typedef struct _object {
  Py_ssize_t ob_refcnt;
  struct _typeobject *ob_type;
} PyObject;

typedef void (*destructor)(PyObject *);
typedef void (*freefunc)(void *);

typedef struct _typeobject {
  PyObject ob_base;
  const char *tp_name;
  Py_ssize_t tp_basicsize;
  Py_ssize_t tp_itemsize;
  destructor tp_dealloc;
  Py_ssize_t tp_weaklistoffset;
  unsigned long tp_flags;
  freefunc tp_free;
  destructor tp_finalize;
} PyTypeObject;

typedef struct {
  int slot;
  void *pfunc;
} PyType_Slot;

typedef struct {
  const char *name;
  int basicsize;
  int itemsize;
  unsigned int flags;
  PyType_Slot *slots;
} PyType_Spec;

#define Py_tp_dealloc 52
#define Py_tp_finalize 80
#define PyObject_HEAD PyObject ob_base;
#define Py_TYPE(o) (((PyObject *)(o))->ob_type)

static inline void Py_INCREF(PyObject *op) { op->ob_refcnt++; }
static inline void Py_DECREF(PyObject *op) { op->ob_refcnt--; }

int PyList_Append(PyObject *list, PyObject *item);
int PyDict_SetItem(PyObject *d, PyObject *key, PyObject *value);
int PyDict_DelItem(PyObject *d, PyObject *key);
int PyObject_SetAttrString(PyObject *o, const char *name, PyObject *v);
int PySet_Discard(PyObject *set, PyObject *key);
void PyObject_ClearWeakRefs(PyObject *o);
void PyObject_GC_UnTrack(void *o);
PyObject *PyType_FromSpec(PyType_Spec *spec);

#endif
