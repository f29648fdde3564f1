#!/usr/bin/env python3
"""Differential tester: the weakref runtime against CPython's weakref (issue 4).

A seeded generator makes random programs over a small operation vocabulary.
Each program is emitted twice: as a Python script using `weakref` (the
oracle) and as an operation list for the C++ interpreter
`weakref_diff_interp` (tests/differential/interp.cpp, built once). Both print
one trace line per observable event; the traces, normalised by
differences.py (the one place for deliberate differences), are compared line
by line. On the first divergence the program is shrunk by delta debugging
and the minimal reproducer is printed with both traces.

  wkdiff.py --driver build/tests/differential/weakref_diff_interp --seeds 1:200
  wkdiff.py --driver ... --programs 100000 --keep-going --jobs 2   # long mode
  wkdiff.py --driver ... --programs 50000 --start-seed 1050000     # resume
  wkdiff.py --driver ... --seed 1234 --show          # one seed: ops, script, traces

Long mode runs programs through fork servers (oracle_server.py and
`weakref_diff_interp --server`: a fork per program instead of an interpreter
start-up); every divergence found that way is re-checked one process per
program before it is reported. See README.md.

Exit status: 0 no divergence, 1 divergence, 2 usage/infrastructure error.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from differences import PRELUDE, equivalent, normalise  # noqa: E402

NS = 5    # owner slots S[]
NR = 4    # ref slots R[]
NF = 3    # finalize slots F[]
NP = 2    # proxy slots P[]
NV = 3    # object values (small, so equal-but-distinct objects happen)
NK = 3    # weak_value_dict keys

class _Pick:
    """Argument chooser that prefers occupied slots (a shallow model of the
    program's state), so that most operations do something instead of 'skip'."""

    def __init__(self, r):
        self.r = r
        self.full = {"S": set(), "R": set(), "F": set(), "P": set()}

    def __call__(self, kind, n, fill=False, clear=False):
        full = sorted(self.full[kind])
        empty = [i for i in range(n) if i not in self.full[kind]]
        if fill and empty and self.r.random() < 0.6:
            i = self.r.choice(empty)  # grow the state: more objects alive at once
        elif full and self.r.random() < 0.85:
            i = self.r.choice(full)
        else:
            i = self.r.randrange(n)
        if fill:
            self.full[kind].add(i)
        if clear:
            self.full[kind].discard(i)
        return i


def _copy(p):
    src = p("S", NS)
    dst = p("S", NS, fill=src in p.full["S"])
    return [src, dst]


# (name, weight, argument generator). Every op gets its index as first
# argument (its label: callbacks and finalizers print it). ref's last
# argument, when >= 0, is an owner slot its callback drops (cascading deaths).
OPS = [
    ("new", 10, lambda p: [p("S", NS, fill=True), p.r.randrange(NV)]),
    ("drop", 5, lambda p: [p("S", NS, clear=True)]),
    ("copy", 4, _copy),
    ("ref", 8, lambda p: [p("R", NR, fill=True), p("S", NS), int(p.r.random() < 0.6), int(p.r.random() < 0.15),
                          p("S", NS) if p.r.random() < 0.25 else -1]),
    ("dropref", 3, lambda p: [p("R", NR, clear=True)]),
    ("up", 4, lambda p: [p("R", NR)]),
    ("eq", 6, lambda p: [p("R", NR), p("R", NR)]),
    ("same", 2, lambda p: [p("R", NR), p("R", NR)]),
    ("hash", 3, lambda p: [p("R", NR)]),
    ("fin", 5, lambda p: [p("F", NF, fill=True), p("S", NS), int(p.r.random() < 0.15)]),
    ("fincall", 2, lambda p: [p("F", NF)]),
    ("detach", 2, lambda p: [p("F", NF)]),
    ("peek", 2, lambda p: [p("F", NF)]),
    ("alive", 2, lambda p: [p("F", NF)]),
    ("atexit", 2, lambda p: [p("F", NF), p.r.randrange(2)]),
    ("dropfin", 2, lambda p: [p("F", NF, clear=True)]),
    ("proxy", 2, lambda p: [p("P", NP, fill=True), p("S", NS)]),
    ("puse", 2, lambda p: [p("P", NP)]),
    ("wsadd", 4, lambda p: [p("S", NS)]),
    ("wsdisc", 2, lambda p: [p("S", NS)]),
    ("wshas", 2, lambda p: [p("S", NS)]),
    ("wslen", 2, lambda p: []),
    ("wsiter", 2, lambda p: []),
    ("wkset", 4, lambda p: [p("S", NS), p.r.randrange(10)]),
    ("wkget", 2, lambda p: [p("S", NS)]),
    ("wkdel", 2, lambda p: [p("S", NS)]),
    ("wklen", 2, lambda p: []),
    ("wkiter", 2, lambda p: []),
    ("wvset", 4, lambda p: [p.r.randrange(NK), p("S", NS)]),
    ("wvget", 2, lambda p: [p.r.randrange(NK)]),
    ("wvdel", 2, lambda p: [p.r.randrange(NK)]),
    ("wvlen", 2, lambda p: []),
    ("wviter", 2, lambda p: []),
    # In-order iteration that kills an owner after the first entry (dicts
    # iterate in insertion order in both; WeakSet is set-ordered in CPython).
    ("wviterk", 2, lambda p: [p("S", NS, clear=True)]),
    ("wkiterk", 2, lambda p: [p("S", NS, clear=True)]),
]
OPS_V1 = OPS

# Generator 2 (the default): also the rest of the dict API, whose results
# depend on order and liveness (popitem is LIFO in CPython).
OPS_V2 = OPS_V1 + [
    ("wvsetdefault", 2, lambda p: [p.r.randrange(NK), p("S", NS)]),
    ("wvpop", 2, lambda p: [p.r.randrange(NK)]),
    ("wvpopitem", 1, lambda p: []),
    ("wkpop", 2, lambda p: [p("S", NS)]),
]
# Generator 3 (issue 17): clear, remove/pop, update, setdefault/popitem of
# WeakKeyDictionary, set algebra against a second WeakSet WS2 and against
# lists, comparisons, copies and ==, | of the dicts, iteration while the set
# shrinks, and ref callbacks that add to WS2 while an object dies
# (re-entrant container use). Not generated: WeakSet &= / intersection_update
# (CPython's __iand__ stores callback-less refs, so its len() keeps counting
# elements that died: a CPython bug, see docs/runtime.md).
def _two(p):
    return [p("S", NS), p("S", NS)]
OPS_V3 = OPS_V2 + [
    ("wsclear", 1, lambda p: []),
    ("wkclear", 1, lambda p: []),
    ("wvclear", 1, lambda p: []),
    ("wsremove", 2, lambda p: [p("S", NS)]),
    ("wspop", 1, lambda p: []),
    ("ws2add", 4, lambda p: [p("S", NS)]),
    ("ws2disc", 1, lambda p: [p("S", NS)]),
    ("wsalg", 3, lambda p: [p.r.randrange(4)]),
    ("wscmp", 2, lambda p: []),
    ("wsinpl", 2, lambda p: [p.r.randrange(3)]),
    ("wsupd", 2, lambda p: [p.r.randrange(3)] + _two(p)),
    ("wsiterk", 2, lambda p: [p("S", NS, clear=True)]),
    ("wkupdate", 2, lambda p: [p("S", NS), p.r.randrange(10), p("S", NS), p.r.randrange(10)]),
    ("wvupdate", 2, lambda p: [p.r.randrange(NK), p("S", NS), p.r.randrange(NK), p("S", NS)]),
    ("wksetdefault", 2, lambda p: [p("S", NS), p.r.randrange(10)]),
    ("wkpopitem", 1, lambda p: []),
    ("wkcopy", 1, lambda p: []),
    ("wvcopy", 1, lambda p: []),
    ("wkor", 1, lambda p: [p("S", NS), p.r.randrange(10)]),
    ("wvor", 1, lambda p: [p.r.randrange(NK), p("S", NS)]),
    ("refws", 3, lambda p: [p("R", NR, fill=True), p("S", NS), p("S", NS)]),
]
GENERATORS = {1: OPS_V1, 2: OPS_V2, 3: OPS_V3}
GEN = 3  # --gen


def generate(seed, length=None, gen=None):
    """A deterministic program for `seed` (and generator version `gen`,
    default GEN): a list of (op, args) pairs."""
    ops = GENERATORS[gen or GEN]
    r = random.Random(seed)
    n = length if length is not None else r.randrange(5, 60)
    names = [o[0] for o in ops]
    weights = [o[1] for o in ops]
    gens = {o[0]: o[2] for o in ops}
    pick = _Pick(r)
    prog = []
    for i in range(n):
        name = r.choices(names, weights)[0]
        prog.append((name, [i] + gens[name](pick)))
    return prog


def emit_ops(prog):
    """The program as input to the C++ interpreter."""
    return "".join(f"{op} {' '.join(map(str, a))}\n" for op, a in prog)


def _py(op, a):
    L = a[0]
    if op == "new":
        return f"S[{a[1]}] = Obj({a[2]})"
    if op == "drop":
        return f"S[{a[1]}] = None"
    if op == "copy":
        return f"S[{a[2]}] = S[{a[1]}]"
    if op == "ref":
        cb = f", mkcb({L}, {bool(a[4])}, {a[5] if len(a) > 5 else -1})" if a[3] else ""
        kind = "own" if a[3] else "shared"
        return (f"if S[{a[2]}] is None: out('skip')\n"
                f"else: R[{a[1]}] = weakref.ref(S[{a[2]}]{cb}); RK[{a[1]}] = '{kind}'")
    if op == "dropref":
        return f"R[{a[1]}] = None"
    if op == "up":
        return f"if R[{a[1]}] is None: out('skip')\nelse: out(f'up {{v(R[{a[1]}]())}}')"
    if op in ("eq", "same"):
        expr = f"R[{a[1]}] == R[{a[2]}]" if op == "eq" else f"R[{a[1]}] is R[{a[2]}]"
        return f"if R[{a[1]}] is None or R[{a[2]}] is None: out('skip')\nelse: out(f'{op} {{{expr}}}')"
    if op == "hash":
        return (f"if R[{a[1]}] is None: out('skip')\nelse:\n"
                f"    k = RK[{a[1]}]\n"
                f"    try: out(f'hash {{k}} {{hash(R[{a[1]}])}}')\n"
                f"    except TypeError: out(f'hash {{k}} exc TypeError')")
    if op == "fin":
        fn = "finfn_raise" if a[3] else "finfn"
        return f"if S[{a[2]}] is None: out('skip')\nelse: F[{a[1]}] = weakref.finalize(S[{a[2]}], {fn}, {L})"
    if op == "fincall":
        return (f"if F[{a[1]}] is None: out('skip')\nelse:\n"
                f"    try: out(f'call {{F[{a[1]}]()}}')\n"
                f"    except ValueError: out('call exc ValueError')")
    if op == "detach":
        return f"if F[{a[1]}] is None: out('skip')\nelse: out(f'detach {{F[{a[1]}].detach() is not None}}')"
    if op == "peek":
        return (f"if F[{a[1]}] is None: out('skip')\n"
                f"elif F[{a[1]}].peek() is None: out('peek None')\n"
                f"else: out(f'peek {{F[{a[1]}].peek()[0].value}} {{F[{a[1]}].peek()[2][0]}}')")
    if op == "alive":
        return f"if F[{a[1]}] is None: out('skip')\nelse: out(f'alive {{F[{a[1]}].alive}}')"
    if op == "atexit":
        return f"if F[{a[1]}] is None: out('skip')\nelse: F[{a[1]}].atexit = {bool(a[2])}"
    if op == "dropfin":
        return f"F[{a[1]}] = None"
    if op == "proxy":
        return f"if S[{a[2]}] is None: out('skip')\nelse: P[{a[1]}] = weakref.proxy(S[{a[2]}])"
    if op == "puse":
        return (f"if P[{a[1]}] is None: out('skip')\nelse:\n"
                f"    try: out(f'proxy {{P[{a[1]}].value}}')\n"
                f"    except ReferenceError: out('proxy exc ReferenceError')")
    if op in ("wsadd", "wsdisc", "wshas", "wkget", "wkdel"):
        s = a[1]
        body = {
            "wsadd": f"WS.add(S[{s}])",
            "wsdisc": f"WS.discard(S[{s}])",
            "wshas": f"out(f'wshas {{S[{s}] in WS}}')",
            "wkget": f"out(f'wkget {{WKD.get(S[{s}])}}')",
            "wkdel": f"\n    try: del WKD[S[{s}]]\n    except KeyError: out('wkdel exc KeyError')",
        }[op]
        return f"if S[{s}] is None: out('skip')\nelse: {body}"
    if op == "wkset":
        return f"if S[{a[1]}] is None: out('skip')\nelse: WKD[S[{a[1]}]] = {a[2]}"
    if op == "wvset":
        return f"if S[{a[2]}] is None: out('skip')\nelse: WVD[{a[1]}] = S[{a[2]}]"
    if op == "wvget":
        return f"out(f'wvget {{v(WVD.get({a[1]}))}}')"
    if op == "wvsetdefault":
        return f"if S[{a[2]}] is None: out('skip')\nelse: out(f'wvsetdefault {{v(WVD.setdefault({a[1]}, S[{a[2]}]))}}')"
    if op == "wvpop":
        return f"out(f'wvpop {{v(WVD.pop({a[1]}, None))}}')"
    if op == "wvpopitem":
        return ("try: k, o = WVD.popitem()\nexcept KeyError: out('wvpopitem exc KeyError')\n"
                "else: out(f'wvpopitem {k}:{o.value}')\nk = o = None")
    if op == "wkpop":
        return f"if S[{a[1]}] is None: out('skip')\nelse: out(f'wkpop {{WKD.pop(S[{a[1]}], None)}}')"
    if op == "wvdel":
        return f"try: del WVD[{a[1]}]\nexcept KeyError: out('wvdel exc KeyError')"
    if op in ("wslen", "wklen", "wvlen"):
        c = {"wslen": "WS", "wklen": "WKD", "wvlen": "WVD"}[op]
        return f"out(f'{op} {{len({c})}}')"
    if op == "wsiter":
        return "out(' '.join(['wsiter'] + sorted(str(o.value) for o in WS)))"
    if op == "wkiter":
        return "out(' '.join(['wkiter'] + sorted(f'{k.value}:{x}' for k, x in WKD.items())))"
    if op == "wviter":
        return "out(' '.join(['wviter'] + sorted(f'{k}:{o.value}' for k, o in WVD.items())))"
    if op in ("wviterk", "wkiterk"):
        d, tag, key = ("WVD", "wvit", "{k}:{o.value}") if op == "wviterk" else ("WKD", "wkit", "{k.value}:{o}")
        return (f"first = True\nfor k, o in {d}.items():\n"
                f"    out(f'{tag} {key}')\n"
                f"    if first: S[{a[1]}] = None; first = False\n"
                f"k = o = None\nout(f'{d == 'WVD' and 'wvlen' or 'wklen'} {{len({d})}}')")
    if op in ("wsclear", "wkclear", "wvclear"):
        return {"wsclear": "WS", "wkclear": "WKD", "wvclear": "WVD"}[op] + ".clear()"
    if op == "wsremove":
        return (f"if S[{a[1]}] is None: out('skip')\nelse:\n"
                f"    try: WS.remove(S[{a[1]}])\n    except KeyError: out('wsremove exc KeyError')")
    if op == "wspop":
        # Which element pop() takes is arbitrary (CPython: set order; C++: the
        # oldest): the popped element is put back, so only "a live member
        # came out, or KeyError" is compared.
        return ("try: x = WS.pop()\nexcept KeyError: out('wspop exc KeyError')\n"
                "else: out(f'wspop {x in WS}'); WS.add(x)\nx = None")
    if op in ("ws2add", "ws2disc"):
        m = "add" if op == "ws2add" else "discard"
        return f"if S[{a[1]}] is None: out('skip')\nelse: WS2.{m}(S[{a[1]}])"
    if op == "wsalg":
        o = "|&-^"[a[1]]
        return f"out(' '.join(['wsalg {a[1]}'] + sorted(str(o.value) for o in (WS {o} WS2))))"
    if op == "wscmp":
        return "out(f'wscmp {WS <= WS2} {WS < WS2} {WS >= WS2} {WS > WS2} {WS == WS2} {WS.isdisjoint(WS2)}')"
    if op == "wsinpl":
        o = ["|=", "-=", "^="][a[1]]
        return f"WS {o} WS2"
    if op == "wsupd":
        m = ["update", "difference_update", "symmetric_difference_update"][a[1]]
        return f"WS.{m}([x for x in (S[{a[2]}], S[{a[3]}]) if x is not None])"
    if op == "wsiterk":
        return (f"first = True\nfor o in WS:\n"
                f"    if first: S[{a[1]}] = None; first = False\n"
                f"o = None\nout(f'wslen {{len(WS)}}')")
    if op == "wkupdate":
        return (f"WKD.update([(k, x) for k, x in ((S[{a[1]}], {a[2]}), (S[{a[3]}], {a[4]})) if k is not None])\n"
                f"k = x = None")
    if op == "wvupdate":
        return (f"WVD.update([(k, x) for k, x in (({a[1]}, S[{a[2]}]), ({a[3]}, S[{a[4]}])) if x is not None])\n"
                f"k = x = None")
    if op == "wksetdefault":
        return f"if S[{a[1]}] is None: out('skip')\nelse: out(f'wksetdefault {{WKD.setdefault(S[{a[1]}], {a[2]})}}')"
    if op == "wkpopitem":
        return ("try: k, x = WKD.popitem()\nexcept KeyError: out('wkpopitem exc KeyError')\n"
                "else: out(f'wkpopitem {k.value}:{x}')\nk = x = None")
    if op == "wkcopy":
        return "C2 = WKD.copy(); out(f'wkcopy {len(C2)} {C2 == WKD}'); C2 = None"
    if op == "wvcopy":
        return "C2 = WVD.copy(); out(f'wvcopy {len(C2)} {C2 == WVD}'); C2 = None"
    if op == "wkor":
        return (f"if S[{a[1]}] is None: out('skip')\nelse:\n"
                f"    C2 = WKD | {{S[{a[1]}]: {a[2]}}}\n"
                f"    out(' '.join(['wkor'] + sorted(f'{{k.value}}:{{x}}' for k, x in C2.items())))\n"
                f"    C2 = k = x = None")
    if op == "wvor":
        return (f"if S[{a[2]}] is None: out('skip')\nelse:\n"
                f"    C2 = WVD | {{{a[1]}: S[{a[2]}]}}\n"
                f"    out(' '.join(['wvor'] + sorted(f'{{k}}:{{o.value}}' for k, o in C2.items())))\n"
                f"    C2 = k = o = None")
    if op == "refws":
        return (f"if S[{a[2]}] is None: out('skip')\n"
                f"else: R[{a[1]}] = weakref.ref(S[{a[2]}], mkcbws({L}, {a[3]})); RK[{a[1]}] = 'own'")
    raise ValueError(op)


PY_HEADER = PRELUDE + r'''
class Obj:
    __slots__ = ('value', '__weakref__')
    def __init__(self, value): self.value = value
    def __del__(self): out(f'del {self.value}')
    def __eq__(self, other): return isinstance(other, Obj) and self.value == other.value
    def __hash__(self): return hash(self.value)

def v(o): return None if o is None else o.value

def mkcb(label, raise_, kill):
    def cb(r):
        out(f'cb {label} dead={r() is None}')
        if kill >= 0 and not SILENT[0]: S[kill] = None
        if raise_: raise ValueError(f'cb {label}')
    return cb

def mkcbws(label, t):
    # A callback that uses a weak container while its referent dies.
    def cb(r):
        out(f'cbws {label}')
        if not SILENT[0] and S[t] is not None: WS2.add(S[t])
    return cb

def finfn(label):
    out(f'fin {label}')
    return label

def finfn_raise(label):
    out(f'fin {label}')
    raise ValueError(f'fin {label}')

S = [None] * 8; R = [None] * 8; RK = [None] * 8; F = [None] * 8; P = [None] * 8
WS = weakref.WeakSet(); WKD = weakref.WeakKeyDictionary(); WVD = weakref.WeakValueDictionary()
WS2 = weakref.WeakSet(); C2 = None
'''


def emit_python(prog):
    """The program as a Python script using CPython's weakref."""
    lines = [PY_HEADER]
    for op, a in prog:
        lines.append(f"# {op} {' '.join(map(str, a))}")
        lines.append(_py(op, a))
    lines.append("out('end')\n")
    return "\n".join(lines)


class Runner:
    """One fresh process per program and side (the reference way to run)."""

    def __init__(self, driver, python, timeout=30):
        self.driver, self.python, self.timeout = driver, python, timeout

    def _run(self, cmd, stdin):
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=self.timeout)
        return _lines(p.returncode, p.stdout, p.stderr)

    def traces(self, prog):
        py = self._run([self.python, "-"], emit_python(prog))
        cc = self._run([self.driver], emit_ops(prog))
        return [normalise(l) for l in py], [normalise(l) for l in cc]

    def close(self):
        pass


def _lines(returncode, stdout, stderr):
    if returncode != 0:
        return [f"<exit {returncode}>"] + stdout.splitlines() + ["<stderr> " + l for l in stderr.splitlines()]
    return stdout.splitlines()


class _Server:
    """A fork server (oracle_server.py, or weakref_diff_interp --server): one
    long-lived process that runs each program in a fork()ed child of itself,
    so the per-program cost is a fork instead of an interpreter start-up."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, text):
        data = text.encode()
        self.p.stdin.write(b"%d\n" % len(data) + data)
        self.p.stdin.flush()
        hdr = self.p.stdout.readline().split()
        if len(hdr) != 3:
            raise RuntimeError(f"fork server {self.cmd[0]} died (exit {self.p.wait()})")
        status, n_out, n_err = map(int, hdr)
        o = self.p.stdout.read(n_out).decode()
        e = self.p.stdout.read(n_err).decode()
        return _lines(status, o, e)

    def close(self):
        self.p.stdin.close()
        self.p.wait()


class ServerRunner:
    """Same traces as Runner, from two fork servers (a fresh child process per
    program and side, forked from a pristine server: no state is shared
    between programs). Used by the long mode; a divergence it finds is
    re-checked with Runner before it is reported."""

    def __init__(self, driver, python):
        self.driver, self.python = driver, python
        self.py = _Server([python, os.path.join(HERE, "oracle_server.py")])
        self.cc = _Server([driver, "--server"])

    def traces(self, prog):
        py = self.py.run(emit_python(prog))
        cc = self.cc.run(emit_ops(prog))
        return [normalise(l) for l in py], [normalise(l) for l in cc]

    def close(self):
        self.py.close()
        self.cc.close()


def first_divergence(py, cc):
    for i in range(max(len(py), len(cc))):
        a = py[i] if i < len(py) else "<missing>"
        b = cc[i] if i < len(cc) else "<missing>"
        if not equivalent(a, b):
            return i, a, b
    return None


def ddmin(prog, diverges):
    """Delta debugging (Zeller's ddmin) on the operation list: a 1-minimal
    sub-list that still diverges. Ops keep their labels; ops on empty slots
    trace 'skip' on both sides, so every sub-list is a valid program."""
    n = 2
    while len(prog) >= 2:
        chunk = max(1, len(prog) // n)
        subsets = [prog[i:i + chunk] for i in range(0, len(prog), chunk)]
        reduced = False
        for i in range(len(subsets)):
            complement = [x for j, s in enumerate(subsets) if j != i for x in s]
            if diverges(subsets[i]):
                prog, n, reduced = subsets[i], 2, True
                break
            if diverges(complement):
                prog, n, reduced = complement, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(prog):
                break
            n = min(len(prog), n * 2)
    return prog


def report(runner, seed, prog):
    def diverges(p):
        return first_divergence(*runner.traces(p)) is not None
    small = ddmin(prog, diverges)
    py, cc = runner.traces(small)
    i, a, b = first_divergence(py, cc)
    print(f"DIVERGENCE seed {seed} ({len(prog)} ops, shrunk to {len(small)}):")
    print(f"  first difference at trace line {i + 1}: python={a!r} c++={b!r}")
    print("  minimal program (interpreter input):")
    for line in emit_ops(small).splitlines():
        print("    " + line)
    print("  python trace:  " + " | ".join(py))
    print("  c++ trace:     " + " | ".join(cc))
    gen = "" if GEN == max(GENERATORS) else f" --gen {GEN}"
    print(f"  reproduce: {sys.argv[0]} --driver {runner.driver} --seed {seed}{gen} --show")


def parse_seeds(spec):
    if ":" in spec:
        lo, hi = spec.split(":")
        return range(int(lo), int(hi))
    return [int(s) for s in spec.split(",")]


# Long mode with --jobs: each worker process owns one ServerRunner and runs
# chunks of consecutive seeds; the parent confirms and reports divergences.
_worker_runner = None


def _worker_init(driver, python):
    global _worker_runner
    _worker_runner = ServerRunner(driver, python)


def run_chunk(runner, seeds, deadline):
    """Run `seeds` in order until `deadline` (absolute time or None). Returns
    (seeds run, diverging seeds)."""
    done, bad = 0, []
    for seed in seeds:
        if deadline is not None and time.time() > deadline:
            break
        py, cc = runner.traces(generate(seed))
        done += 1
        if first_divergence(py, cc) is not None:
            bad.append(seed)
    return done, bad


def _worker_chunk(task):
    seeds, deadline = task
    return run_chunk(_worker_runner, seeds, deadline)


def check_server(runner, seeds):
    """The fork servers must give exactly the traces of one process per
    program, for generated programs and for the failure paths (an uncaught
    Python exception with a live finalizer, a bad interpreter op)."""
    srv = ServerRunner(runner.driver, runner.python)
    bad = 0
    try:
        for seed in seeds:
            a, b = runner.traces(generate(seed)), srv.traces(generate(seed))
            if a != b:
                bad += 1
                print(f"SERVER MISMATCH seed {seed}:\n  one process: {a}\n  server:      {b}")
        script = PY_HEADER + "S[0] = Obj(1)\nF[0] = weakref.finalize(S[0], finfn, 7)\nraise KeyError(3)\n"
        ops = "new 0 0 1\nbogus 1\n"
        for what, a, b in (("python exception", runner._run([runner.python, "-"], script), srv.py.run(script)),
                           ("bad op", runner._run([runner.driver], ops), srv.cc.run(ops))):
            if a != b:
                bad += 1
                print(f"SERVER MISMATCH ({what}):\n  one process: {a}\n  server:      {b}")
    finally:
        srv.close()
    print(f"wkdiff --check-server: {len(seeds)} seeds + 2 failure cases, {bad} mismatches")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True, help="path of weakref_diff_interp")
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--seeds", default="1:200", help="LO:HI (half-open) or a,b,c")
    g.add_argument("--programs", type=int, help="long mode: run N programs from --start-seed")
    g.add_argument("--seed", type=int, help="one seed")
    ap.add_argument("--start-seed", type=int, default=1000000,
                    help="long mode: first seed (default 1000000); resume an interrupted run from the "
                         "'all seeds below N done' of its last progress line")
    ap.add_argument("--show", action="store_true", help="print program, script and both traces")
    ap.add_argument("--keep-going", action="store_true", help="report every diverging seed")
    ap.add_argument("--time-budget", type=float, default=None, help="stop after this many seconds")
    ap.add_argument("--jobs", "-j", type=int, default=1,
                    help="worker processes, each with its own pair of fork servers (implies --server)")
    ap.add_argument("--server", dest="server", action="store_true", default=None,
                    help="run programs through fork servers (oracle_server.py, weakref_diff_interp --server): "
                         "a fork per program instead of an interpreter start-up, same traces; the default in "
                         "long mode; a divergence is always re-checked one process per program")
    ap.add_argument("--no-server", dest="server", action="store_false",
                    help="one fresh python3 and driver process per program (the default outside long mode)")
    ap.add_argument("--chunk", type=int, default=200, help="seeds per work unit with --jobs (default 200)")
    ap.add_argument("--gen", type=int, choices=sorted(GENERATORS), default=max(GENERATORS),
                    help="generator version (default: the newest; 1 = the generator of the first long runs, "
                         "without pop/popitem/setdefault)")
    ap.add_argument("--check-server", action="store_true",
                    help="self-test of the fork servers: run the seeds both ways and require identical traces")
    args = ap.parse_args()
    global GEN
    GEN = args.gen
    if not os.access(args.driver, os.X_OK):
        print(f"driver not executable: {args.driver}", file=sys.stderr)
        return 2
    runner = Runner(args.driver, args.python)
    if args.check_server:
        return check_server(runner, parse_seeds(args.seeds) if args.programs is None else
                            range(args.start_seed, args.start_seed + args.programs))
    ver = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"],
                         capture_output=True, text=True).stdout.strip()
    if args.seed is not None:
        seeds = [args.seed]
    elif args.programs is not None:
        seeds = range(args.start_seed, args.start_seed + args.programs)
    else:
        seeds = parse_seeds(args.seeds)
    use_server = args.server if args.server is not None else (args.programs is not None or args.jobs > 1)
    if args.show or args.seed is not None:
        use_server, args.jobs = False, 1
    t0 = time.time()
    deadline = None if args.time_budget is None else t0 + args.time_budget
    ran = diverged = 0
    covered = None  # every seed of seeds[:covered] was run

    def on_divergence(seed):
        """Confirm with one process per program (the reference), shrink, print."""
        nonlocal diverged
        prog = generate(seed)
        if first_divergence(*runner.traces(prog)) is None:
            print(f"HARNESS ERROR seed {seed}: the fork servers saw a divergence that one process per "
                  f"program does not reproduce (--no-server)")
        else:
            report(runner, seed, prog)
        diverged += 1
        sys.stdout.flush()

    if not use_server:
        for seed in seeds:
            if deadline is not None and time.time() > deadline:
                break
            prog = generate(seed)
            py, cc = runner.traces(prog)
            ran += 1
            if args.show:
                print(emit_ops(prog)); print(emit_python(prog))
                print("python:", py); print("c++:   ", cc)
            if first_divergence(py, cc) is not None:
                diverged += 1
                report(runner, seed, prog)
                if not args.keep_going:
                    break
        covered = ran
    else:
        seeds = list(seeds)
        chunks = [seeds[i:i + args.chunk] for i in range(0, len(seeds), args.chunk)]
        covered, gap = 0, False
        pool = srv = None
        try:
            if args.jobs > 1:
                import multiprocessing
                pool = multiprocessing.get_context("fork").Pool(args.jobs, _worker_init,
                                                               (args.driver, args.python))
                results = pool.imap(_worker_chunk, [(c, deadline) for c in chunks])
            else:
                srv = ServerRunner(args.driver, args.python)
                results = (run_chunk(srv, c, deadline) for c in chunks)
            for chunk, (done, bad) in zip(chunks, results):
                ran += done
                if not gap:
                    covered += done
                    gap = done < len(chunk)
                for seed in bad:
                    on_divergence(seed)
                nxt = seeds[covered] if covered < len(seeds) else seeds[-1] + 1
                print(f"wkdiff: progress: {ran} programs, all seeds below {nxt} done, {diverged} diverging, "
                      f"{time.time() - t0:.0f}s", file=sys.stderr, flush=True)
                if bad and not args.keep_going:
                    break
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
            if srv is not None:
                srv.close()
    seeds = list(seeds) if not isinstance(seeds, list) else seeds
    span = f", seeds {seeds[0]}..{seeds[covered - 1]}" if covered else ""
    how = f"fork servers, {args.jobs} job(s)" if use_server else "one process per program"
    print(f"wkdiff: {ran} programs{span}, generator {GEN}, {diverged} diverging, oracle CPython {ver} "
          f"({args.python}), {how}, {time.time() - t0:.1f}s")
    return 1 if diverged else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:  # a server or process failed
        print(f"wkdiff: infrastructure error: {e}", file=sys.stderr)
        sys.exit(2)
