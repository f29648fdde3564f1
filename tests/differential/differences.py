"""The ONE place where deliberate differences between the weakref runtime and
CPython's weakref module are normalised (issue 4). docs/runtime.md lists the
same differences ("Deliberate differences from Python" and "Differential
testing"). Anything not handled here is a divergence, i.e. a runtime bug
until shown otherwise.

Two kinds of normalisation:

1. PRELUDE: Python code put at the top of every emitted oracle script, so
   CPython reports through the same channels the runtime has.
2. normalise(line): rewriting applied to BOTH traces line by line before
   comparison.

Differences avoided by construction (the generator never produces them), with
the reason:

* Cycles: the runtime has no cycle collector (a strong cycle leaks on
  purpose; the analyzer diagnoses it). Generated callbacks and finalizer
  functions capture only integer labels, never objects, so no program makes
  a cycle and CPython frees everything by reference counting, deterministically.
* Callback arity: checked at compile time in C++ (a runtime TypeError in
  Python); every generated callback has the right arity, so nothing to compare.
* Iteration: the runtime's iterators are never invalidated (I1, stronger than
  CPython's, which raises RuntimeError when the container itself is mutated
  during iteration); generated iterations never insert or erase. WeakSet
  order is not compared (CPython iterates a set in hash order, the runtime in
  insertion order): its contents are printed sorted. Weak dicts iterate in
  insertion order in both, so wviterk/wkiterk compare the order exactly,
  with an element killed after the first entry (deaths during iteration are
  the same in both: deferred removal, dead entries never yielded).
* Statement temporaries (a translation rule, not a difference): `S[i] = x` in
  CPython stores x first, then releases the old value, and keeps x on the
  evaluation stack until the statement ends. interp.cpp does the same
  explicitly (its `store`), so a callback that drops S[i] during the old
  value's death kills the new value after the statement in both.
* Weak containers seen from callbacks: the runtime removes a dying object
  from weak containers before any callback runs (CPython's len() may still
  count it there); generated callbacks do not look at containers.
* Proxy hashing (P3) is a compile-time error in C++; not generated.
"""

# Reporting channels. C++: every exception from a ref callback, from a
# finalizer run at death, or from a finalizer run at exit goes to the
# unraisable hook (weakref::set_unraisable_hook); the interpreter prints
# "unraisable". CPython sends the first two to sys.unraisablehook but the
# exit pass of weakref.finalize calls sys.excepthook instead: both hooks
# print the same line in the oracle.
PRELUDE = r'''
import sys, weakref, atexit
SILENT = [False]
def out(s):
    if not SILENT[0]:
        print(s)
sys.unraisablehook = lambda u: out('unraisable')
sys.excepthook = lambda *a: out('unraisable')
# Registered before weakref.finalize registers its exit pass, so it runs
# after it: module teardown (objects dying in an unspecified order at
# interpreter shutdown) is not part of the trace. The C++ interpreter does
# the same with std::atexit.
atexit.register(lambda: SILENT.__setitem__(0, True))
'''

# Exception kinds: the C++ interpreter prints the C++ exception type, the
# oracle the Python one. The mapping is the documented correspondence
# (docs/runtime.md, "Python <-> C++"). "missing" is the C++ result of
# erase() returning 0 or popitem() returning nullopt, where Python's
# `del d[k]` / `d.popitem()` raise KeyError (the runtime reports absence by
# its return value, not by throwing).
EXCEPTION_NAMES = {
    "weakref::type_error": "TypeError",
    "weakref::reference_error": "ReferenceError",
    "std::runtime_error": "ValueError",  # what the generated callables throw / raise
    "missing": "KeyError",
    "std::out_of_range": "KeyError",  # weak_set::remove of an absent element
}


def normalise(line: str) -> str:
    parts = line.split(" ")
    if len(parts) >= 3 and parts[-2] == "exc":
        parts[-1] = EXCEPTION_NAMES.get(parts[-1], parts[-1])
    return " ".join(parts)


# Pairs of (normalised) lines accepted as equal although they differ.
#
# hash of a callback-less ("shared") ref after the referent died (R5):
# CPython caches the hash in the basic-ref object, which weak-container
# lookups (WeakSet.__contains__/discard, WeakKeyDictionary.get/__getitem__/
# __delitem__/__contains__ all do `ref(key)`) also reuse and hash, and which
# is a new object (no cache) once every handle to it was dropped. The
# runtime keeps the shared record's cache in the object's weak block: a
# container lookup does not fill it, and it survives dropping every
# callback-less ref. So "hash shared N" (cached) against "hash shared exc
# TypeError" (not cached) is accepted in either direction; two numbers must
# still agree, and refs with their own record ("own", with a callback) are
# compared exactly. Found by seed 596 (wkget then drop then hash).
def equivalent(py_line: str, cc_line: str) -> bool:
    if py_line == cc_line:
        return True
    if py_line.startswith("hash shared ") and cc_line.startswith("hash shared "):
        return "hash shared exc TypeError" in (py_line, cc_line)
    return False
