/* A correct idiom from gmpy2/gmpy2 src/gmpy2_mpz.c (GMPy_MPZ_Dealloc; see
 * also gmpy2 issue #662 on making the cache work on PyPy): the dealloc of
 * mpz parks the dead object in a global array cache, to be handed out again
 * by the constructor with a fresh reference; nothing refers to it in
 * between. The cache's name has no underscore before "cache". */
#include "resurrection_capi.h"

void PyObject_Free(void *);
typedef struct { int _mp_alloc; } mpz_t[1];
void mpz_clear(mpz_t);

typedef struct {
  PyObject_HEAD
  mpz_t z;
} MPZ_Object;

#define CACHE_SIZE 100
#define MAX_CACHE_MPZ_LIMBS 64

static struct {
  int in_gmpympzcache;
  MPZ_Object **gmpympzcache;
} global;

static void GMPy_MPZ_Dealloc(MPZ_Object *self) {
  if (global.in_gmpympzcache < CACHE_SIZE &&
      self->z->_mp_alloc <= MAX_CACHE_MPZ_LIMBS) {
    global.gmpympzcache[(global.in_gmpympzcache)++] = self;
  } else {
    mpz_clear(self->z);
    PyObject_Free(self);
  }
}

PyTypeObject MPZ_Type = {.tp_name = "gmpy2.mpz",
                         .tp_dealloc = (destructor)GMPy_MPZ_Dealloc};
