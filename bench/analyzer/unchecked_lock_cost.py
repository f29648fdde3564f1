#!/usr/bin/env python3
"""Measures what weakref-unchecked-lock (the dataflow check) costs on a large
translation unit in which every function calls lock().

    python3 bench/analyzer/unchecked_lock_cost.py [--weakcheck build/tool/weakcheck]
        [--functions 2000] [--runs 5]

Generates one C++ file with N functions that lock weak pointers in the
shapes the check models (checked, unchecked, loops, early returns, raw
get() pointers), then reports the medians of wall time for
`clang++-19 -fsyntax-only`, weakcheck with only weakref-unchecked-lock, and
weakcheck with all checks, and the ratios to parsing. The worst case for the
check: real code calls lock() in a small fraction of its functions, and only
those are analysed.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]

SHAPES = [
    """void f{i}(const std::weak_ptr<W> &w) {{
  if (auto p = w.lock())
    p->f({i});
}}""",
    """int f{i}(const std::vector<std::weak_ptr<W>> &ws) {{
  int n = 0;
  for (const auto &w : ws) {{
    auto p = w.lock();
    if (!p)
      continue;
    n += p->v;
    if (n > {i} && p->ready())
      break;
  }}
  return n;
}}""",
    """void f{i}(const std::weak_ptr<W> &w, bool flag) {{
  auto p = w.lock();
  if (flag && p == nullptr)
    return;
  W *raw = p.get();
  if (raw)
    raw->f({i});
  p->f({i});
}}""",
    """int f{i}(std::weak_ptr<W> w, int k) {{
  int total = 0;
  while (auto p = w.lock()) {{
    switch (k % 3) {{
    case 0: total += p->v; break;
    case 1: total -= p->v; break;
    default: w.reset();
    }}
    if (++k > {i}) break;
  }}
  return total;
}}""",
]


def generate(n):
    out = ["#include <memory>", "#include <vector>", "",
           "struct W { void f(int); bool ready() const; int v = 0; };", ""]
    for i in range(n):
        out.append(SHAPES[i % len(SHAPES)].format(i=i))
        out.append("")
    return "\n".join(out)


def median_time(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if r.returncode not in (0, 1):
            sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr.decode()))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weakcheck", default=str(ROOT / "build/tool/weakcheck"))
    ap.add_argument("--functions", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        src = pathlib.Path(d) / "many_locks.cpp"
        src.write_text(generate(args.functions))
        lines = src.read_text().count("\n")
        flags = ["--", "-std=c++17"]
        parse = median_time(["clang++-19", "-std=c++17", "-fsyntax-only", str(src)], args.runs)
        only = median_time([args.weakcheck, "--quiet", "--checks=-*,weakref-unchecked-lock",
                            str(src)] + flags, args.runs)
        allc = median_time([args.weakcheck, "--quiet", str(src)] + flags, args.runs)
        found = subprocess.run([args.weakcheck, "--checks=-*,weakref-unchecked-lock",
                                "--format=json", str(src)] + flags,
                               capture_output=True, text=True).stdout.count('"check"')
    print("file: %d functions, %d lines; medians of %d runs; load %s"
          % (args.functions, lines, args.runs, " ".join("%.2f" % x for x in os.getloadavg())))
    print("| tool | wall (s) | / parse |")
    print("|---|---:|---:|")
    for name, t in [("clang++-19 -fsyntax-only", parse),
                    ("weakcheck, weakref-unchecked-lock only", only),
                    ("weakcheck, all checks", allc)]:
        print("| %s | %.3f | %.3f |" % (name, t, t / parse))
    print("findings of weakref-unchecked-lock: %d (the generator's unchecked"
          " p->f() after 'flag && p == nullptr' is one per 4 functions)" % found)


if __name__ == "__main__":
    main()
