/* The shared CPython stand-in (fakepy/Python.h) plus the method-object part
   of CPython 3.11's <Python.h> that weakref-callback-arity reads: PyMethodDef,
   the METH_* flags, PyCFunction_New / PyCFunction_NewEx as macros over
   PyCMethod_New, and PyWeakref_NewProxy. Works in C and C++. */
#ifndef WEAKCHECK_TESTS_ARITY_METHODOBJECT_H
#define WEAKCHECK_TESTS_ARITY_METHODOBJECT_H

#include <fakepy/Python.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef PyObject *(*PyCFunction)(PyObject *, PyObject *);
struct PyMethodDef {
  const char *ml_name;
  PyCFunction ml_meth;
  int ml_flags;
  const char *ml_doc;
};
typedef struct PyMethodDef PyMethodDef;

#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_NOARGS 0x0004
#define METH_O 0x0008
#define METH_CLASS 0x0010
#define METH_STATIC 0x0020
#define METH_COEXIST 0x0040
#define METH_FASTCALL 0x0080
#define METH_METHOD 0x0200

PyObject *PyCMethod_New(PyMethodDef *, PyObject *, PyObject *, PyTypeObject *);
#define PyCFunction_New(ML, SELF) PyCFunction_NewEx((ML), (SELF), NULL)
#define PyCFunction_NewEx(ML, SELF, MOD) PyCMethod_New((ML), (SELF), (MOD), NULL)

PyObject *PyWeakref_NewProxy(PyObject *ob, PyObject *callback);

#ifdef __cplusplus
}
#endif

#endif
