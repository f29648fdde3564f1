#!/usr/bin/env python3
"""Run the weakref runtime benchmarks beside CPython's weakref, in one go.

Usage: bench/runtime/compare.py [--bench PATH] [--min-time SECONDS]

Runs build-*/bench/runtime/weakref_bench (Google Benchmark, JSON output),
times the same operations with `python3 -m timeit`, and prints for every
operation: weakref time, std equivalent, ratio, the target of runtime.md, the
CPython time and the speed-up. Exit status 0; targets are reported, not
enforced (timings on shared machines are noisy).
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

# weakref benchmark -> (std equivalent benchmark or None, target ratio or None,
#                       CPython setup, CPython statement)
SETUP = "import weakref\nclass C: pass\n"
OPS = [
    ("BM_ref_create", "BM_std_weak_ptr_create", 1.5,
     SETUP + "o = C(); r0 = weakref.ref(o)", "weakref.ref(o)"),
    ("BM_ref_create_with_callback", "BM_std_weak_ptr_create", None,
     SETUP + "o = C(); cb = lambda r: None", "weakref.ref(o, cb)"),
    ("BM_ref_lock_alive", "BM_std_weak_ptr_lock_alive", 1.1,
     SETUP + "o = C(); r = weakref.ref(o)", "r()"),
    ("BM_ref_lock_alive_threads", "BM_std_weak_ptr_lock_alive_threads", 1.1,
     SETUP + "o = C(); r = weakref.ref(o)", "r()"),
    ("BM_ref_lock_dead", "BM_std_weak_ptr_lock_dead", None,
     SETUP + "o = C(); r = weakref.ref(o); del o", "r()"),
    ("BM_ref_callback_at_death", "BM_std_deleter_callback_at_death", None,
     SETUP + "n = [0]\ndef cb(r): n[0] += 1", "o = C(); r = weakref.ref(o, cb); del o"),
    ("BM_finalize_create_fire", None, None,
     SETUP + "n = [0]\ndef f(k): n[0] += k", "o = C(); weakref.finalize(o, f, 1); del o"),
    ("BM_weak_key_dict_lookup", "BM_std_unordered_map_lookup", 1.5,
     SETUP + "ks = [C() for _ in range(1000)]\nd = weakref.WeakKeyDictionary((k, i) for i, k in enumerate(ks))\nk = ks[500]",
     "d.get(k)"),
    ("BM_weak_key_dict_insert_erase", "BM_std_unordered_map_insert_erase", None,
     SETUP + "d = weakref.WeakKeyDictionary(); k = C()", "d[k] = 1; del d[k]"),
    ("BM_weak_key_dict_key_death", "BM_std_unordered_map_key_death", None,
     SETUP + "d = weakref.WeakKeyDictionary()", "k = C(); d[k] = 1; del k"),
    ("BM_weak_set_insert_contains_death", None, None,
     SETUP + "s = weakref.WeakSet()", "k = C(); s.add(k); k in s; del k"),
    ("BM_weak_value_dict_get", "BM_std_unordered_map_value_lookup", None,
     SETUP + "vs = [C() for _ in range(1000)]\nd = weakref.WeakValueDictionary(enumerate(vs))", "d.get(500)"),
    ("BM_weak_value_dict_insert_death", None, None,
     SETUP + "d = weakref.WeakValueDictionary()", "v = C(); d[1] = v; del v"),
    # every container operation, steady state (issue 17)
    ("BM_weak_set_add_present", None, None, SETUP + "ks = [C() for _ in range(1000)]\ns = weakref.WeakSet(ks); k = ks[500]", "s.add(k)"),
    ("BM_weak_set_contains", None, None, SETUP + "ks = [C() for _ in range(1000)]\ns = weakref.WeakSet(ks); k = ks[500]", "k in s"),
    ("BM_weak_set_discard_add", None, None, SETUP + "ks = [C() for _ in range(1000)]\ns = weakref.WeakSet(ks); k = ks[500]", "s.discard(k); s.add(k)"),
    ("BM_weak_set_iterate_1000", None, None, SETUP + "ks = [C() for _ in range(1000)]\ns = weakref.WeakSet(ks)", "for x in s: pass"),
    ("BM_weak_set_fill_clear_100", None, None, SETUP + "ks = [C() for _ in range(100)]\ns = weakref.WeakSet()",
     "s.update(ks); s.clear()"),
    ("BM_weak_set_len", None, None, SETUP + "ks = [C() for _ in range(1000)]\ns = weakref.WeakSet(ks)", "len(s)"),
    ("BM_weak_key_dict_assign_present", None, None,
     SETUP + "ks = [C() for _ in range(1000)]\nd = weakref.WeakKeyDictionary((k, 1) for k in ks); k = ks[500]", "d[k] = 2"),
    ("BM_weak_key_dict_contains", None, None,
     SETUP + "ks = [C() for _ in range(1000)]\nd = weakref.WeakKeyDictionary((k, 1) for k in ks); k = ks[500]", "k in d"),
    ("BM_weak_key_dict_iterate_1000", None, None,
     SETUP + "ks = [C() for _ in range(1000)]\nd = weakref.WeakKeyDictionary((k, 1) for k in ks)", "for k, v in d.items(): pass"),
    ("BM_weak_key_dict_fill_clear_100", None, None,
     SETUP + "ks = [C() for _ in range(100)]\nitems = [(k, 1) for k in ks]\nd = weakref.WeakKeyDictionary()",
     "d.update(items); d.clear()"),
    ("BM_weak_value_dict_assign_present", None, None,
     SETUP + "vs = [C() for _ in range(1000)]\nd = weakref.WeakValueDictionary(enumerate(vs)); v = vs[500]",
     "d[500] = v"),
    ("BM_weak_value_dict_contains", None, None,
     SETUP + "vs = [C() for _ in range(1000)]\nd = weakref.WeakValueDictionary(enumerate(vs))", "500 in d"),
    ("BM_weak_value_dict_iterate_1000", None, None,
     SETUP + "vs = [C() for _ in range(1000)]\nd = weakref.WeakValueDictionary(enumerate(vs))",
     "for k, v in d.items(): pass"),
    ("BM_weak_value_dict_fill_clear_100", None, None,
     SETUP + "vs = [C() for _ in range(100)]\nitems = list(enumerate(vs))\nd = weakref.WeakValueDictionary()",
     "d.update(items); d.clear()"),
]
EXTRA_STD = ["BM_std_unordered_map_mutex_lookup"]

UNITS = {"nsec": 1.0, "usec": 1e3, "msec": 1e6, "sec": 1e9}


def find_bench():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    cands = sorted(glob.glob(os.path.join(root, "build*", "bench", "runtime", "weakref_bench")),
                   key=os.path.getmtime, reverse=True)
    return cands[0] if cands else None


def run_bench(path, min_time):
    out = subprocess.run([path, "--benchmark_format=json", f"--benchmark_min_time={min_time}"],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    ctx = data.get("context", {})
    # "BM_x/real_time/threads:2" -> "BM_x" (threaded runs report per-thread time)
    res = {b["name"].split("/")[0]: b["real_time"] * UNITS.get({"ns": "nsec", "us": "usec", "ms": "msec"}.get(b.get("time_unit", "ns"), "nsec"), 1.0)
           for b in data["benchmarks"]}
    return res, ctx


def run_timeit(setup, stmt):
    out = subprocess.run([sys.executable, "-m", "timeit", "-s", setup, stmt],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"best of \d+: ([\d.]+) (nsec|usec|msec|sec) per loop", out)
    if not m:
        raise RuntimeError("cannot parse timeit output: " + out)
    return float(m.group(1)) * UNITS[m.group(2)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=None, help="path of weakref_bench (default: newest build*/bench/runtime/weakref_bench)")
    ap.add_argument("--min-time", default="0.3", help="Google Benchmark min time per benchmark, seconds")
    args = ap.parse_args()
    bench = args.bench or find_bench()
    if not bench or not os.path.exists(bench):
        sys.exit("weakref_bench not found: configure with -DWEAKCHECK_BUILD_BENCHMARKS=ON -DCMAKE_BUILD_TYPE=Release and build")
    cxx, ctx = run_bench(bench, args.min_time)
    print(f"# {bench}")
    print(f"# {ctx.get('num_cpus', '?')} CPUs @ {ctx.get('mhz_per_cpu', '?')} MHz, "
          f"library build: {ctx.get('library_build_type', '?')}; {sys.executable} {sys.version.split()[0]}")
    hdr = f"{'operation':36} {'weakref ns':>10} {'std ns':>8} {'ratio':>6} {'target':>7} {'CPython ns':>10} {'speed-up':>8}  verdict"
    print(hdr)
    print("-" * len(hdr))
    misses = 0
    for name, std, target, setup, stmt in OPS:
        ours = cxx[name]
        std_ns = cxx.get(std) if std else None
        ratio = ours / std_ns if std_ns else None
        py = run_timeit(setup, stmt)
        speedup = py / ours
        verdict = []
        if target is not None:
            verdict.append("ok" if ratio <= target else "MISS ratio")
        if not name.startswith("BM_ref_lock_alive"):  # runtime.md: lock()'s bar is weak_ptr's, not 10x
            verdict.append("ok" if speedup >= 10 else "MISS <10x CPython")
        misses += sum(v.startswith("MISS") for v in verdict)
        print(f"{name[3:]:36} {ours:10.1f} {std_ns if std_ns else float('nan'):8.1f} "
              f"{ratio if ratio else float('nan'):6.2f} {('<=%.1fx' % target) if target else '':>7} "
              f"{py:10.1f} {speedup:7.1f}x  {', '.join(verdict)}")
    for name in EXTRA_STD:
        if name in cxx:
            print(f"{'(' + name[3:] + ')':36} {'':10} {cxx[name]:8.1f}   thread-safe std baseline; "
                  f"weak_key_dict lookup / it = {cxx['BM_weak_key_dict_lookup'] / cxx[name]:.2f}")
    print(f"# {misses} target(s) missed")


if __name__ == "__main__":
    main()
