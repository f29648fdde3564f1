// Restates python/cpython Modules/_sqlite/blob.c, pysqlite_close_all_blobs:
// CPython 3.11-3.12 pass the borrowed blob from PyWeakref_GetObject to
// close_blob, which releases the GIL around sqlite3_blob_close but only
// after its last use of the blob (found by the corpus triage: not a use
// after the Python code ran); CPython 3.13 (gh-105927) holds a strong
// reference from PyWeakref_GetRef. Both are silent.
#include "capi_realworld.h"

typedef struct sqlite3_blob sqlite3_blob;
int sqlite3_blob_close(sqlite3_blob *);

typedef struct {
  PyObject_HEAD
  sqlite3_blob *blob;
} Blob;

typedef struct {
  PyObject_HEAD
  PyObject *blobs; // a list of weak references
} Connection;

static void close_blob(Blob *self) {
  if (self->blob) {
    sqlite3_blob *blob = self->blob;
    self->blob = NULL;
    Py_BEGIN_ALLOW_THREADS
    sqlite3_blob_close(blob);
    Py_END_ALLOW_THREADS
  }
}

void close_all_blobs_311(Connection *self) {
  for (int i = 0; i < PyList_GET_SIZE(self->blobs); i++) {
    PyObject *weakref = PyList_GET_ITEM(self->blobs, i);
    PyObject *blob = PyWeakref_GetObject(weakref);
    if (!Py_IsNone(blob))
      close_blob((Blob *)blob);
  }
}

void close_all_blobs(Connection *self) {
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(self->blobs); i++) {
    PyObject *weakref = PyList_GET_ITEM(self->blobs, i);
    PyObject *blob;
    if (!PyWeakref_GetRef(weakref, &blob))
      continue;
    close_blob((Blob *)blob);
    Py_DECREF(blob);
  }
}
