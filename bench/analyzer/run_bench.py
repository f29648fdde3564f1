#!/usr/bin/env python3
"""Times weakcheck against `clang++ -fsyntax-only` (the cost of parsing) and
clang-tidy 19 with `bugprone-*` on the same translation units and flags.

    bench/analyzer/run_bench.py [--weakcheck build/tool/weakcheck]
        [--database DIR ...] [--runs 5] [--limit N] [--markdown out.md]

Inputs: the bundled examples (configured into examples/build), this
project's own translation units from build/compile_commands.json (tool/,
checks/, tests/), and every --database given. For each file, each tool runs
--runs times; the medians of wall time and peak RSS are reported, with the
ratios weakcheck/parse and weakcheck/clang-tidy, per file and in total. Then
the whole set is analysed by one weakcheck run with -j1 and with -jN (all
cores) to show parallel scaling. Speed is measured here, never asserted in a
unit test.
"""
import argparse
import json
import os
import pathlib
import shlex
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
LLVM_BIN = pathlib.Path("/usr/lib/llvm-19/bin")


def run_measured(cmd, cwd):
    """Runs cmd; returns (wall seconds, peak RSS in KiB, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def load_database(path):
    path = pathlib.Path(path)
    if path.is_dir():
        path = path / "compile_commands.json"
    entries = json.loads(path.read_text())
    out = []
    for e in entries:
        args = e.get("arguments") or shlex.split(e["command"])
        file = pathlib.Path(e["directory"], e["file"]).resolve()
        out.append({"dir": e["directory"], "file": str(file), "args": args,
                    "db": str(path.parent)})
    return out


def parse_command(entry):
    """The entry's own command as clang++ -fsyntax-only: compiler replaced,
    outputs and dependency-file options dropped."""
    args, out, skip = entry["args"][1:], [str(LLVM_BIN / "clang++")], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or a.startswith("-o"):
            continue
        out.append(a)
    return out + ["-fsyntax-only"]


def median_of(cmd, cwd, runs):
    samples = [run_measured(cmd, cwd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weakcheck", default=str(ROOT / "build" / "tool" / "weakcheck"))
    ap.add_argument("--database", action="append", default=[], help="extra build dirs / compile_commands.json")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0, help="at most N files (0: all)")
    ap.add_argument("--no-project", action="store_true", help="skip this project's own sources")
    ap.add_argument("--markdown", help="also write the tables to this file")
    opts = ap.parse_args()

    examples_build = ROOT / "examples" / "build"
    if not (examples_build / "compile_commands.json").exists():
        subprocess.run(["cmake", "-S", str(ROOT / "examples"), "-B", str(examples_build)],
                       check=True, stdout=subprocess.DEVNULL)
    entries = load_database(examples_build)
    if not opts.no_project:
        project_db = ROOT / "build" / "compile_commands.json"
        if project_db.exists():
            for e in load_database(project_db):
                rel = os.path.relpath(e["file"], ROOT)
                if rel.split(os.sep)[0] in ("tool", "checks", "tests") and not rel.startswith(".."):
                    entries.append(e)
    for db in opts.database:
        entries.extend(load_database(db))
    seen, unique = set(), []
    for e in entries:
        if e["file"] not in seen:
            seen.add(e["file"])
            unique.append(e)
    entries = unique[: opts.limit] if opts.limit else unique

    rows = []
    totals = {"parse": 0.0, "weakcheck": 0.0, "tidy": 0.0}
    rss_ratios = []
    for e in entries:
        parse_t, parse_rss = median_of(parse_command(e), e["dir"], opts.runs)
        wc_t, wc_rss = median_of([opts.weakcheck, "--quiet", "-p", e["db"], e["file"]], e["dir"], opts.runs)
        tidy_t, _ = median_of([str(LLVM_BIN / "clang-tidy"), "--quiet", "-checks=-*,bugprone-*",
                               "-p", e["db"], e["file"]], e["dir"], opts.runs)
        totals["parse"] += parse_t
        totals["weakcheck"] += wc_t
        totals["tidy"] += tidy_t
        rss_ratios.append(wc_rss / parse_rss)
        rows.append((os.path.relpath(e["file"], ROOT), parse_t, wc_t, tidy_t, wc_t / parse_t,
                     wc_t / tidy_t, parse_rss, wc_rss))
        print(f"{rows[-1][0]}: parse {parse_t:.3f}s weakcheck {wc_t:.3f}s clang-tidy {tidy_t:.3f}s",
              file=sys.stderr)

    lines = ["| file | parse (s) | weakcheck (s) | clang-tidy bugprone-* (s) | weakcheck/parse | weakcheck/clang-tidy | parse RSS (MiB) | weakcheck RSS (MiB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.3f} | {r[5]:.3f} | {r[6]/1024:.0f} | {r[7]/1024:.0f} |")
    lines.append(f"| **total ({len(rows)} files)** | {totals['parse']:.2f} | {totals['weakcheck']:.2f} | "
                 f"{totals['tidy']:.2f} | **{totals['weakcheck']/totals['parse']:.3f}** | "
                 f"**{totals['weakcheck']/totals['tidy']:.3f}** | | |")
    lines.append("")
    lines.append(f"Peak RSS weakcheck/parse: median {statistics.median(rss_ratios):.3f}, "
                 f"max {max(rss_ratios):.3f}.")

    # Parallel scaling: one run over the whole set, serial and on all cores.
    listing = [e["file"] for e in entries]
    by_db = {}
    for e in entries:
        by_db.setdefault(e["db"], []).append(e["file"])
    cores = os.cpu_count() or 1
    serial, parallel = 0.0, 0.0
    for db, files in by_db.items():
        serial += median_of([opts.weakcheck, "--quiet", "-j1", "-p", db, *files], ROOT, opts.runs)[0]
        parallel += median_of([opts.weakcheck, "--quiet", f"-j{cores}", "-p", db, *files], ROOT, opts.runs)[0]
    lines.append("")
    lines.append(f"Whole set ({len(listing)} files): -j1 {serial:.2f}s, -j{cores} {parallel:.2f}s, "
                 f"speed-up {serial/parallel:.2f}x on {cores} cores.")
    text = "\n".join(lines)
    print(text)
    if opts.markdown:
        pathlib.Path(opts.markdown).write_text(text + "\n")


if __name__ == "__main__":
    main()
