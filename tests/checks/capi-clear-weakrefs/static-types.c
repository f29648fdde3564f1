// weakref-capi-clear-weakrefs on static types (PyTypeObject), in C, with the
// fake headers: positives first, then the correct idioms that must stay
// silent.
#include "fakepy/Python.h"

typedef struct {
  PyObject_HEAD
  PyObject *weakreflist;
  PyObject *data;
} Node;

// Positive: never clears.
static void node_dealloc(Node *self) {
  Py_XDECREF(self->data);
  Py_TYPE(self)->tp_free((PyObject *)self); // expected-warning{{'node_dealloc' releases an object whose type supports weak references without calling PyObject_ClearWeakRefs; call PyObject_ClearWeakRefs(self) before}}
}

static PyTypeObject NodeType = { // expected-note{{'NodeType' supports weak references through a weak-reference list offset and uses 'node_dealloc' as its tp_dealloc}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Node",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = (destructor)node_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Positive: clears too late, after the memory is gone.
static void late_dealloc(PyObject *self) {
  PyObject_Del(self); // expected-warning{{'late_dealloc' releases an object}}
  PyObject_ClearWeakRefs(self);
}

// Positional initialiser.
static PyTypeObject LateType = { // expected-note{{'LateType' supports weak references}}
    PyVarObject_HEAD_INIT(NULL, 0) "m.Late", sizeof(Node), 0,
    late_dealloc, 0, 0, offsetof(Node, weakreflist)};

// Positive: clears on one path only, and not for a weak-list test.
static int ready;
static void partial_dealloc(Node *self) {
  if (ready)
    PyObject_ClearWeakRefs((PyObject *)self);
  PyObject_GC_Del(self); // expected-warning{{'partial_dealloc' releases an object}}
}

static PyTypeObject PartialType = { // expected-note{{'PartialType'}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Partial",
    .tp_dealloc = (destructor)partial_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Positive: 3.12's managed weak references.
static void managed_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  tp->tp_free(self); // expected-warning{{'managed_dealloc' releases}}
}

static PyTypeObject ManagedType = { // expected-note{{'ManagedType' supports weak references through Py_TPFLAGS_MANAGED_WEAKREF}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Managed",
    .tp_dealloc = managed_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_MANAGED_WEAKREF,
};

// Positive: a helper that frees is a release too.
static void free_node(Node *n) { PyObject_Free(n); }
static void helper_free_dealloc(Node *self) {
  Py_CLEAR(self->data);
  free_node(self); // expected-warning{{'helper_free_dealloc' releases}}
}
static PyTypeObject HelperFreeType = { // expected-note{{'HelperFreeType'}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)helper_free_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Negative: the canonical guarded call.
static void guarded_dealloc(Node *self) {
  PyObject_GC_UnTrack(self);
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
  Py_CLEAR(self->data);
  Py_TYPE(self)->tp_free((PyObject *)self);
}
static PyTypeObject GuardedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)guarded_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Negative: other spellings of the guard.
static void guarded2_dealloc(Node *self) {
  if (self->weakreflist)
    PyObject_ClearWeakRefs((PyObject *)self);
  if (!self->weakreflist) {
  } else {
    PyObject_ClearWeakRefs((PyObject *)self);
  }
  PyObject_Del(self);
}
static PyTypeObject Guarded2Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)guarded2_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Negative: unconditional call, then an early return without releasing
// (resurrection).
static int resurrect(PyObject *);
static void unconditional_dealloc(PyObject *self) {
  PyObject_ClearWeakRefs(self);
  if (resurrect(self))
    return;
  PyObject_Free(self);
}
static PyTypeObject UnconditionalType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = unconditional_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Negative: the call is in a one-level helper.
static void node_clear_weakrefs(Node *self) {
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs((PyObject *)self);
}
static void helper_dealloc(Node *self) {
  node_clear_weakrefs(self);
  Py_TYPE(self)->tp_free((PyObject *)self);
}
static PyTypeObject HelperType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)helper_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Negative: a type without weak-reference support.
static void plain_dealloc(Node *self) { Py_TYPE(self)->tp_free(self); }
static PyTypeObject PlainType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)plain_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
};
static PyTypeObject ZeroOffsetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = (destructor)plain_dealloc,
    .tp_weaklistoffset = 0,
};

// Negative: teardown handed to a base type other than object, which may
// clear the list itself.
static PyTypeObject BaseType;
static void derived_dealloc(PyObject *self) {
  BaseType.tp_dealloc(self);
}
static PyTypeObject DerivedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = derived_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
    .tp_base = &BaseType,
};

// Negative: a tp_dealloc defined in another translation unit.
void external_dealloc(PyObject *);
static PyTypeObject ExternalType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = external_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// Negative: generic code that tests the type's offset instead of the field.
static void generic_dealloc(PyObject *self) {
  if (Py_TYPE(self)->tp_weaklistoffset != 0)
    PyObject_ClearWeakRefs(self);
  Py_TYPE(self)->tp_free(self);
}
static PyTypeObject GenericType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = generic_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

// One dealloc shared by two types: reported once, with the first type's note.
static void shared_dealloc(PyObject *self) {
  PyObject_Free(self); // expected-warning{{'shared_dealloc' releases}}
}
static PyTypeObject SharedAType = { // expected-note{{'SharedAType' supports weak references}}
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = shared_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};
static PyTypeObject SharedBType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_dealloc = shared_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};
