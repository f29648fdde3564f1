/* Correct idioms from python/cpython 3.11 that this check reported before
 * this release (9 findings over Objects/ and Modules/): a tp_dealloc that
 * parks the dead object's memory on a free list or in a one-slot cache
 * for reuse does not resurrect it; no reference to the object survives.
 * Restated from Objects/floatobject.c (float_dealloc: a linked list
 * through ob_type), Objects/listobject.c (list_dealloc: an array),
 * Objects/tupleobject.c (tupledealloc through maybe_freelist_push),
 * Objects/sliceobject.c (slice_dealloc: interp->slice_cache),
 * Objects/exceptions.c (MemoryError_dealloc: memerrors_freelist) and
 * Modules/_asynciomodule.c (FutureIter_dealloc: a global fi_freelist). */
#include "resurrection_capi.h"

void PyObject_Free(void *);
void PyObject_GC_Del(void *);

#define MAXFREELIST 80

typedef struct { PyObject_HEAD double ob_fval; } PyFloatObject;
typedef struct { PyObject_HEAD Py_ssize_t ob_size; PyObject **ob_item; } PyListObject;
typedef struct { PyObject_HEAD Py_ssize_t ob_size; PyObject *ob_item[1]; } PyTupleObject;
typedef struct { PyObject_HEAD PyObject *dict; } PyBaseExceptionObject;

struct _Py_float_state { int numfree; PyFloatObject *free_list; };
struct _Py_list_state { PyListObject *free_list[MAXFREELIST]; int numfree; };
struct _Py_tuple_state { PyTupleObject *free_list[20]; int numfree[20]; };
struct _Py_exc_state { PyBaseExceptionObject *memerrors_freelist; int memerrors_numfree; };
typedef struct {
  struct _Py_float_state float_state;
  struct _Py_list_state list;
  struct _Py_tuple_state tuple;
  struct _Py_exc_state exc_state;
  PyObject *slice_cache;
} PyInterpreterState;
PyInterpreterState *_PyInterpreterState_GET(void);

static void float_dealloc(PyObject *op) {
  struct _Py_float_state *state = &_PyInterpreterState_GET()->float_state;
  if (state->numfree >= MAXFREELIST) {
    PyObject_Free(op);
    return;
  }
  state->numfree++;
  op->ob_type = (PyTypeObject *)state->free_list;
  state->free_list = (PyFloatObject *)op;
}

static void list_dealloc(PyListObject *op) {
  struct _Py_list_state *state = &_PyInterpreterState_GET()->list;
  if (state->numfree < MAXFREELIST)
    state->free_list[state->numfree++] = op;
  else
    Py_TYPE(op)->tp_free((PyObject *)op);
}

static int maybe_freelist_push(PyTupleObject *op) {
  PyInterpreterState *interp = _PyInterpreterState_GET();
  Py_ssize_t index = op->ob_size - 1;
  if (index < 20 && interp->tuple.numfree[index] < 2000) {
    op->ob_item[0] = (PyObject *)interp->tuple.free_list[index];
    interp->tuple.free_list[index] = op;
    interp->tuple.numfree[index]++;
    return 1;
  }
  return 0;
}
static void tupledealloc(PyTupleObject *op) {
  if (!maybe_freelist_push(op))
    Py_TYPE(op)->tp_free((PyObject *)op);
}

static void slice_dealloc(PyObject *r) {
  PyInterpreterState *interp = _PyInterpreterState_GET();
  if (interp->slice_cache == NULL)
    interp->slice_cache = r;
  else
    PyObject_GC_Del(r);
}

static void MemoryError_dealloc(PyBaseExceptionObject *self) {
  struct _Py_exc_state *state = &_PyInterpreterState_GET()->exc_state;
  if (state->memerrors_numfree >= 16) {
    Py_TYPE(self)->tp_free((PyObject *)self);
  } else {
    self->dict = (PyObject *)state->memerrors_freelist;
    state->memerrors_freelist = self;
    state->memerrors_numfree++;
  }
}

typedef struct { PyObject_HEAD PyObject *future; } futureiterobject;
static futureiterobject *fi_freelist;
static Py_ssize_t fi_freelist_len;
static void FutureIter_dealloc(futureiterobject *it) {
  if (fi_freelist_len < 255) {
    fi_freelist_len++;
    it->future = (PyObject *)fi_freelist;
    fi_freelist = it;
  } else {
    PyObject_GC_Del(it);
  }
}

PyTypeObject PyFloat_Type = {.tp_name = "float", .tp_dealloc = float_dealloc};
PyTypeObject PyList_Type = {.tp_name = "list", .tp_dealloc = (destructor)list_dealloc};
PyTypeObject PyTuple_Type = {.tp_name = "tuple", .tp_dealloc = (destructor)tupledealloc};
PyTypeObject PySlice_Type = {.tp_name = "slice", .tp_dealloc = slice_dealloc};
PyTypeObject MemoryError_Type = {.tp_name = "MemoryError",
                                 .tp_dealloc = (destructor)MemoryError_dealloc};
PyTypeObject FutureIterType = {.tp_name = "FutureIter",
                               .tp_dealloc = (destructor)FutureIter_dealloc};
