// A minimal stand-in for CPython's <Python.h>, for the weakref-capi-* check
// tests: the declarations those checks look at, shaped as in CPython 3.11
// (static inline functions behind same-named macros) plus 3.12's
// Py_TPFLAGS_MANAGED_WEAKREF. Works in C and C++.
#ifndef WEAKCHECK_TESTS_FAKEPY_PYTHON_H
#define WEAKCHECK_TESTS_FAKEPY_PYTHON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long Py_ssize_t;
typedef struct _object PyObject;
typedef struct _typeobject PyTypeObject;
typedef void (*destructor)(PyObject *);
typedef void (*freefunc)(void *);

struct _object {
  Py_ssize_t ob_refcnt;
  PyTypeObject *ob_type;
};
typedef struct {
  PyObject ob_base;
  Py_ssize_t ob_size;
} PyVarObject;

#define PyObject_HEAD PyObject ob_base;
#define _PyObject_CAST(op) ((PyObject *)(op))
#define PyObject_HEAD_INIT(type) {1, type},
#define PyVarObject_HEAD_INIT(type, size) {PyObject_HEAD_INIT(type) size},

struct _typeobject {
  PyVarObject ob_base;
  const char *tp_name;
  Py_ssize_t tp_basicsize, tp_itemsize;
  destructor tp_dealloc;
  unsigned long tp_flags;
  const char *tp_doc;
  Py_ssize_t tp_weaklistoffset;
  struct PyMemberDef *tp_members;
  PyTypeObject *tp_base;
  freefunc tp_free;
};

#define Py_TPFLAGS_MANAGED_WEAKREF (1 << 3)
#define Py_TPFLAGS_MANAGED_DICT (1 << 4)
#define Py_TPFLAGS_BASETYPE (1UL << 10)
#define Py_TPFLAGS_HAVE_GC (1UL << 14)
#define Py_TPFLAGS_LONG_SUBCLASS (1UL << 24)
#define Py_TPFLAGS_DEFAULT 0

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
#define Py_tp_members 72
#define Py_tp_free 74

struct PyMemberDef {
  const char *name;
  int type;
  Py_ssize_t offset;
  int flags;
  const char *doc;
};
typedef struct PyMemberDef PyMemberDef;
#define T_PYSSIZET 19
#define READONLY 1

extern PyTypeObject PyBaseObject_Type;
extern PyObject _Py_NoneStruct;
#define Py_None (&_Py_NoneStruct)
#define Py_Is(x, y) ((x) == (y))
#define Py_IsNone(x) Py_Is((x), Py_None)

static inline PyTypeObject *Py_TYPE(PyObject *ob) { return ob->ob_type; }
#define Py_TYPE(ob) Py_TYPE(_PyObject_CAST(ob))
static inline int Py_IS_TYPE(PyObject *ob, PyTypeObject *type) {
  return Py_TYPE(ob) == type;
}
#define Py_IS_TYPE(ob, type) Py_IS_TYPE(_PyObject_CAST(ob), (type))
int PyType_IsSubtype(PyTypeObject *, PyTypeObject *);
static inline int PyObject_TypeCheck(PyObject *ob, PyTypeObject *type) {
  return Py_IS_TYPE(ob, type) || PyType_IsSubtype(Py_TYPE(ob), type);
}
#define PyObject_TypeCheck(ob, type) PyObject_TypeCheck(_PyObject_CAST(ob), (type))
static inline int PyType_HasFeature(PyTypeObject *type, unsigned long f) {
  return (type->tp_flags & f) != 0;
}
#define PyType_FastSubclass(type, flag) PyType_HasFeature((type), (flag))
#define PyLong_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_LONG_SUBCLASS)

void _Py_Dealloc(PyObject *);
static inline void Py_INCREF(PyObject *op) { op->ob_refcnt++; }
#define Py_INCREF(op) Py_INCREF(_PyObject_CAST(op))
static inline void Py_XINCREF(PyObject *op) { if (op) Py_INCREF(op); }
#define Py_XINCREF(op) Py_XINCREF(_PyObject_CAST(op))
static inline void Py_DECREF(PyObject *op) {
  if (--op->ob_refcnt == 0)
    _Py_Dealloc(op);
}
#define Py_DECREF(op) Py_DECREF(_PyObject_CAST(op))
static inline void Py_XDECREF(PyObject *op) { if (op) Py_DECREF(op); }
#define Py_XDECREF(op) Py_XDECREF(_PyObject_CAST(op))
#define Py_CLEAR(op)                                                           \
  do {                                                                         \
    PyObject *_py_tmp = _PyObject_CAST(op);                                    \
    if (_py_tmp != NULL) {                                                     \
      (op) = NULL;                                                             \
      Py_DECREF(_py_tmp);                                                      \
    }                                                                          \
  } while (0)
static inline PyObject *_Py_NewRef(PyObject *obj) { Py_INCREF(obj); return obj; }
static inline PyObject *_Py_XNewRef(PyObject *obj) { Py_XINCREF(obj); return obj; }
#define Py_NewRef(obj) _Py_NewRef(_PyObject_CAST(obj))
#define Py_XNewRef(obj) _Py_XNewRef(_PyObject_CAST(obj))
#define Py_RETURN_NONE return Py_NewRef(Py_None)

void PyObject_Free(void *);
#define PyObject_Del PyObject_Free
#define PyObject_DEL PyObject_Free
void PyObject_GC_Del(void *);
void PyObject_GC_UnTrack(void *);
void *PyType_GetSlot(PyTypeObject *, int);
void PyObject_ClearWeakRefs(PyObject *);

PyObject *PyWeakref_NewRef(PyObject *ob, PyObject *callback);
PyObject *PyWeakref_GetObject(PyObject *ref);
typedef struct _PyWeakReference {
  PyObject_HEAD
  PyObject *wr_object;
} PyWeakReference;
#ifdef FAKEPY_310_MACROS
// CPython 3.10 and earlier: an expression macro, no function call.
#define PyWeakref_GET_OBJECT(ref)                                              \
  ((((PyWeakReference *)(ref))->wr_object)->ob_refcnt > 0                      \
       ? ((PyWeakReference *)(ref))->wr_object                                 \
       : Py_None)
#else
static inline PyObject *PyWeakref_GET_OBJECT(PyObject *ref_obj) {
  PyObject *obj = ((PyWeakReference *)ref_obj)->wr_object;
  return obj->ob_refcnt > 0 ? obj : Py_None;
}
#define PyWeakref_GET_OBJECT(ref) PyWeakref_GET_OBJECT(_PyObject_CAST(ref))
#endif

PyObject *PyObject_CallMethod(PyObject *obj, const char *name, const char *format, ...);
PyObject *PyObject_CallNoArgs(PyObject *callable);
PyObject *PyObject_GetAttrString(PyObject *, const char *);
PyObject *PyObject_Repr(PyObject *);
int PyObject_SetAttrString(PyObject *, const char *, PyObject *);
PyObject *PyLong_FromLong(long);
long PyLong_AsLong(PyObject *);
int PyList_Append(PyObject *, PyObject *);
void PyErr_SetString(PyObject *, const char *);
PyObject *PyErr_Format(PyObject *, const char *, ...);
PyObject *PyUnicode_FromFormat(const char *, ...);
PyObject *PyErr_Occurred(void);
extern PyObject *PyExc_ReferenceError;
extern PyObject *PyExc_TypeError;
PyObject *PyObject_GetAttr(PyObject *, PyObject *);
PyObject *PyObject_Str(PyObject *);
int PyObject_RichCompareBool(PyObject *, PyObject *, int);
#define Py_EQ 2
PyObject *PyModule_GetDict(PyObject *);
void *PyModule_GetState(PyObject *);
typedef struct {
  PyObject_HEAD
  Py_ssize_t ob_size;
  PyObject *ob_item[1];
} PyTupleObject;
#define PyTuple_GET_ITEM(op, i) (((PyTupleObject *)(op))->ob_item[i])
static inline Py_ssize_t PyTuple_GET_SIZE(PyObject *op) {
  return ((PyTupleObject *)op)->ob_size;
}
#define PyTuple_GET_SIZE(op) PyTuple_GET_SIZE(_PyObject_CAST(op))
// CPython 3.13: a strong reference (or NULL when dead), 1 / 0 / -1.
int PyWeakref_GetRef(PyObject *ref, PyObject **pobj);

#ifdef __cplusplus
}
#endif

#endif
