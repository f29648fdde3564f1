// Restates python/cpython Modules/_sqlite/blob.c, pysqlite_close_all_blobs
// (CPython 3.11-3.12), changed under gh-105927 (CPython 3.13 uses
// PyWeakref_GetRef there): closing a connection walked its list of weak
// references to blobs and passed each borrowed blob to close_blob, which
// releases the GIL around sqlite3_blob_close; another thread can drop the
// blob's last reference meanwhile.
// This file: the code before the change.
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
    Py_BEGIN_ALLOW_THREADS // expected-note{{'close_blob' can run Python code through this call}}
    sqlite3_blob_close(blob);
    Py_END_ALLOW_THREADS
  }
}

void close_all_blobs(Connection *self) {
  for (int i = 0; i < PyList_GET_SIZE(self->blobs); i++) {
    PyObject *weakref = PyList_GET_ITEM(self->blobs, i);
    PyObject *blob = PyWeakref_GetObject(weakref); // expected-note{{'blob' fetched here as a borrowed reference}}
    if (!Py_IsNone(blob))
      close_blob((Blob *)blob); // expected-warning{{borrowed reference 'blob' from 'PyWeakref_GetObject' is passed to 'close_blob', which can run Python code}}
  }
}
