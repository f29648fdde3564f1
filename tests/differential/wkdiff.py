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
  wkdiff.py --driver ... --programs 100000           # long mode
  wkdiff.py --driver ... --seed 1234 --show          # one seed: ops, script, traces

Exit status: 0 no divergence, 1 divergence, 2 usage/infrastructure error.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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


def generate(seed, length=None):
    """A deterministic program for `seed`: a list of (op, args) pairs."""
    r = random.Random(seed)
    n = length if length is not None else r.randrange(5, 60)
    names = [o[0] for o in OPS]
    weights = [o[1] for o in OPS]
    gens = {o[0]: o[2] for o in OPS}
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

def finfn(label):
    out(f'fin {label}')
    return label

def finfn_raise(label):
    out(f'fin {label}')
    raise ValueError(f'fin {label}')

S = [None] * 8; R = [None] * 8; RK = [None] * 8; F = [None] * 8; P = [None] * 8
WS = weakref.WeakSet(); WKD = weakref.WeakKeyDictionary(); WVD = weakref.WeakValueDictionary()
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
    def __init__(self, driver, python, timeout=30):
        self.driver, self.python, self.timeout = driver, python, timeout

    def _run(self, cmd, stdin):
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=self.timeout)
        if p.returncode != 0:
            return [f"<exit {p.returncode}>"] + p.stdout.splitlines() + ["<stderr> " + l for l in p.stderr.splitlines()]
        return p.stdout.splitlines()

    def traces(self, prog):
        py = self._run([self.python, "-"], emit_python(prog))
        cc = self._run([self.driver], emit_ops(prog))
        return [normalise(l) for l in py], [normalise(l) for l in cc]


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
    print(f"  reproduce: {sys.argv[0]} --driver {runner.driver} --seed {seed} --show")


def parse_seeds(spec):
    if ":" in spec:
        lo, hi = spec.split(":")
        return range(int(lo), int(hi))
    return [int(s) for s in spec.split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True, help="path of weakref_diff_interp")
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--seeds", default="1:200", help="LO:HI (half-open) or a,b,c")
    g.add_argument("--programs", type=int, help="long mode: run N programs from --start-seed")
    g.add_argument("--seed", type=int, help="one seed")
    ap.add_argument("--start-seed", type=int, default=1000000)
    ap.add_argument("--show", action="store_true", help="print program, script and both traces")
    ap.add_argument("--keep-going", action="store_true", help="report every diverging seed")
    ap.add_argument("--time-budget", type=float, default=None, help="long mode: stop after this many seconds")
    args = ap.parse_args()
    if not os.access(args.driver, os.X_OK):
        print(f"driver not executable: {args.driver}", file=sys.stderr)
        return 2
    runner = Runner(args.driver, args.python)
    ver = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"],
                         capture_output=True, text=True).stdout.strip()
    if args.seed is not None:
        seeds = [args.seed]
    elif args.programs is not None:
        seeds = range(args.start_seed, args.start_seed + args.programs)
    else:
        seeds = parse_seeds(args.seeds)
    t0 = time.time()
    ran = diverged = 0
    for seed in seeds:
        if args.time_budget is not None and time.time() - t0 > args.time_budget:
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
    print(f"wkdiff: {ran} programs, {diverged} diverging, oracle CPython {ver} ({args.python}), "
          f"{time.time() - t0:.1f}s")
    return 1 if diverged else 0


if __name__ == "__main__":
    sys.exit(main())
