/* weakref-destructor-resurrection: a tp_dealloc that parks the dead
 * object's memory on a free list or in a one-slot cache for reuse does not
 * resurrect it (CPython's float, list, dict, tuple, slice, async-generator
 * and asyncio FutureIter deallocs); storing it anywhere else does. */
#include "resurrection_capi.h"

void PyObject_Free(void *);
void PyObject_GC_Del(void *);

#define MAXFREELIST 80

typedef struct {
  PyObject_HEAD
  double ob_fval;
} FloatObject;

struct float_state {
  int numfree;
  FloatObject *free_list;
};
static struct float_state float_state;

/* A linked free list threaded through the type pointer. */
static void float_dealloc(PyObject *op) {
  struct float_state *state = &float_state;
  if (state->numfree >= MAXFREELIST) {
    PyObject_Free(op);
    return;
  }
  state->numfree++;
  op->ob_type = (PyTypeObject *)state->free_list;
  state->free_list = (FloatObject *)op;
}

/* An array free list, in a helper. */
struct list_state {
  PyObject *free_list[MAXFREELIST];
  int numfree;
};
static struct list_state list_state;
static void maybe_freelist_push(PyObject *op) {
  if (list_state.numfree < MAXFREELIST)
    list_state.free_list[list_state.numfree++] = op;
  else
    Py_TYPE(op)->tp_free(op);
}
static void list_dealloc(PyObject *op) { maybe_freelist_push(op); }

/* Names with a prefix, a global, and a one-slot cache. */
static PyObject *fi_freelist;
static PyObject *asend_freelist[MAXFREELIST];
static int asend_numfree;
struct interp { PyObject *slice_cache; };
static struct interp interp;

static void future_iter_dealloc(PyObject *it) {
  fi_freelist = it;
}
static void asend_dealloc(PyObject *o) {
  asend_freelist[asend_numfree++] = o;
}
static void slice_dealloc(PyObject *r) {
  if (interp.slice_cache == NULL)
    interp.slice_cache = r;
  else
    PyObject_GC_Del(r);
}

/* Positive: a registry is not a free list, even next to one. */
static PyObject *last_dead;
static void registry_dealloc(PyObject *op) {
  if (float_state.numfree < MAXFREELIST) {
    float_state.free_list = (FloatObject *)op;
    return;
  }
  last_dead = op; // expected-warning{{'op' stored into global 'last_dead' in the tp_dealloc function 'registry_dealloc' resurrects an object that is being freed}}
}

static PyTypeObject FloatType = {.tp_name = "float", .tp_dealloc = float_dealloc};
static PyTypeObject ListType = {.tp_name = "list", .tp_dealloc = list_dealloc};
static PyTypeObject FutureIterType = {.tp_name = "FutureIter",
                                      .tp_dealloc = future_iter_dealloc};
static PyTypeObject AsendType = {.tp_name = "asend", .tp_dealloc = asend_dealloc};
static PyTypeObject SliceType = {.tp_name = "slice", .tp_dealloc = slice_dealloc};
static PyTypeObject RegistryType = {.tp_name = "registry",
                                    .tp_dealloc = registry_dealloc};

void *all_types[] = {&FloatType, &ListType, &FutureIterType, &AsendType,
                     &SliceType, &RegistryType};
