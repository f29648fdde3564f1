// The parts of the CPython C API that the restated C extension bugs under
// tests/realworld/capi-*/ use beyond tests/checks/include/fakepy/Python.h.
// Names and signatures follow CPython's headers; nothing here is functional.
#ifndef WEAKCHECK_TESTS_REALWORLD_CAPI_REALWORLD_H
#define WEAKCHECK_TESTS_REALWORLD_CAPI_REALWORLD_H

#include "fakepy/Python.h"

#ifdef __cplusplus
extern "C" {
#endif

int PyWeakref_CheckProxy(PyObject *);
int PyType_Check(PyObject *);
int PyModule_Check(PyObject *);
int PyIter_Check(PyObject *);
int PyUnicode_Check(PyObject *);
int PySequence_Contains(PyObject *, PyObject *);
PyObject *PyObject_RichCompare(PyObject *, PyObject *, int);
int PyObject_IsTrue(PyObject *);
PyObject *PyIter_Next(PyObject *);
PyObject *PyNumber_Add(PyObject *, PyObject *);
int PySet_Discard(PyObject *, PyObject *);
void PySys_FormatStderr(const char *, ...);
void _PyModule_Clear(PyObject *);
PyObject *PyDict_GetItemWithError(PyObject *, PyObject *);
int PyDict_GetItemRef(PyObject *, PyObject *, PyObject **);
Py_ssize_t PyList_GET_SIZE(PyObject *);
PyObject *PyList_GET_ITEM(PyObject *, Py_ssize_t);
extern PyObject *PyExc_TypeError;

typedef struct _ts PyThreadState;
PyThreadState *PyEval_SaveThread(void);
void PyEval_RestoreThread(PyThreadState *);
#define Py_BEGIN_ALLOW_THREADS { PyThreadState *_save = PyEval_SaveThread();
#define Py_END_ALLOW_THREADS PyEval_RestoreThread(_save); }

#define Py_tp_traverse 71
#define Py_tp_clear 51
typedef int (*visitproc)(PyObject *, void *);
PyObject *PyType_FromSpec(PyType_Spec *);

#ifdef __cplusplus
}
#endif

#endif
