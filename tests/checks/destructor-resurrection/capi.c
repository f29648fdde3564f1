/* weakref-destructor-resurrection on the CPython C API: a tp_dealloc that
 * stores self resurrects an object that is being freed; tp_finalize may. */
#include "resurrection_capi.h"

static PyObject *registry; /* a list */
static PyObject *last_freed;

typedef struct {
  PyObject_HEAD
  PyObject *weakreflist;
  PyObject *owner;
  PyObject *child;
} Node;

typedef struct {
  PyObject_HEAD
  PyObject *parent;
} Leaf;

/* ---- positives ---------------------------------------------------------- */

static void Node_dealloc(PyObject *op) {
  Node *self = (Node *)op;
  PyObject_ClearWeakRefs(op);
  PyList_Append(registry, op); // expected-warning{{'op' stored by 'PyList_Append' in the tp_dealloc function 'Node_dealloc' resurrects an object that is being freed; resurrect, if at all, from tp_finalize}}
  PyDict_SetItem(registry, (PyObject *)self, registry); // expected-warning{{'self' stored by 'PyDict_SetItem'}}
  last_freed = (PyObject *)self; // expected-warning{{'self' stored into global 'last_freed' in the tp_dealloc function 'Node_dealloc'}}
  ((Leaf *)self->child)->parent = op; // expected-warning{{'op' stored into member 'parent' of the object behind 'child'}}
  self->owner = 0;
  Py_TYPE(self)->tp_free(self);
}

static void remember(PyObject *obj) {
  PyObject_SetAttrString(registry, "last", obj); // expected-note{{'remember' does it here}}
}

static void Leaf_dealloc(Leaf *self) {
  remember((PyObject *)self); // expected-warning{{'self' stored by 'PyObject_SetAttrString' through 'remember' in the tp_dealloc function 'Leaf_dealloc'}}
  Py_TYPE(self)->tp_free(self);
}

static PyTypeObject NodeType = {
    .tp_name = "mod.Node",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = Node_dealloc,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
};

static PyTypeObject LeafType = {
    {0, 0}, "mod.Leaf", sizeof(Leaf), 0, (destructor)Leaf_dealloc,
};

/* ---- the heap-type form -------------------------------------------------- */

typedef struct {
  PyObject_HEAD
} Item;

static void Item_dealloc(PyObject *self) {
  PyList_Append(registry, self); // expected-warning{{'self' stored by 'PyList_Append' in the tp_dealloc function 'Item_dealloc'}}
  Py_TYPE(self)->tp_free(self);
}

/* tp_finalize may resurrect by design (PEP 442): silent. */
static void Item_finalize(PyObject *self) {
  PyList_Append(registry, self);
  last_freed = self;
}

static PyType_Slot Item_slots[] = {
    {Py_tp_dealloc, Item_dealloc},
    {Py_tp_finalize, Item_finalize},
    {0, 0},
};

/* ---- negatives ----------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject *weakreflist;
  PyObject *dict;
} Clean;

static void forget(PyObject *obj) {
  PyDict_DelItem(registry, obj);
  PySet_Discard(registry, obj);
}

static void Clean_dealloc(PyObject *op) {
  Clean *self = (Clean *)op;
  PyObject_GC_UnTrack(op);
  PyObject_ClearWeakRefs(op);
  forget(op);
  PyDict_DelItem(registry, op);
  self->dict = 0;
  if (last_freed == op)
    last_freed = 0;
  Py_TYPE(op)->tp_free(op);
}

/* A function that is not a tp_dealloc may store its argument. */
static void track(PyObject *obj) { PyList_Append(registry, obj); }

static PyTypeObject CleanType = {
    .tp_name = "mod.Clean",
    .tp_dealloc = Clean_dealloc,
    .tp_finalize = (destructor)track,
};

PyObject *make_types(void) {
  PyType_Spec spec = {"mod.Item", sizeof(Item), 0, 0, Item_slots};
  (void)NodeType; (void)LeafType; (void)CleanType;
  return PyType_FromSpec(&spec);
}
