/* FreeListNames replaces the default names: here only `pool`. */
// weakcheck-config: {CheckOptions: {weakref-destructor-resurrection.FreeListNames: 'POOL'}}
#include "resurrection_capi.h"

static PyObject *pool;
static PyObject *free_list;

static void pooled_dealloc(PyObject *op) { pool = op; }
static void listed_dealloc(PyObject *op) {
  free_list = op; // expected-warning{{'op' stored into global 'free_list' in the tp_dealloc function 'listed_dealloc'}}
}

static PyTypeObject PooledType = {.tp_name = "pooled", .tp_dealloc = pooled_dealloc};
static PyTypeObject ListedType = {.tp_name = "listed", .tp_dealloc = listed_dealloc};
void *all_types[] = {&PooledType, &ListedType};
