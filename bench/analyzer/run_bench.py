#!/usr/bin/env python3
"""Times weakcheck against `clang++ -fsyntax-only` (the cost of parsing) and
clang-tidy 19 with `bugprone-*` on the same translation units and flags, and
profiles the checks.

    bench/analyzer/run_bench.py [--weakcheck build/tool/weakcheck]
        [--project-build build] [--database DIR ...] [--no-project]
        [--runs 5] [--tidy-runs 1] [--tidy-limit N] [--jobs 2] [--scaling-runs 3] [--limit N]
        [--hyperfine]
        [--markdown out.md]

Inputs: the bundled examples (configured into examples/build), this
project's own translation units from <project-build>/compile_commands.json
(tool/, checks/, tests/), and every --database given: 20+ files by default.

Sections (each printed, and with --markdown written as the tables of
docs/performance.md's Analyzer section):

1. Per file: parse, weakcheck and clang-tidy, each run --runs times (clang-tidy
   --tidy-runs times: it is 3-5x slower than the others); medians of wall
   time, CPU time (user+sys of the process, from wait4) and peak RSS; the
   ratios weakcheck/parse and weakcheck/clang-tidy. On a shared machine the
   CPU ratio is the steadier one: it does not count time spent waiting for a
   core. With --hyperfine (Debian's hyperfine, installed by scripts/setup)
   the wall-time medians come from hyperfine instead (with one warm-up run);
   CPU and RSS still come from wait4.
2. Parallel scaling: the whole set analysed by one weakcheck process with -j1
   and with -j<jobs>, wall and CPU time, and the best -j<jobs> could do
   (the longest file, or an even split of the -j1 work).
3. Pre-filter: one -j1 run with --enable-check-profile with the pre-filter and
   one with --prefilter=false: checks matched per file, files matched not at
   all, total time in the checks, whole-run CPU time.
4. Per-check profile: each check's time summed over the set (from the run
   with the pre-filter), top checks first.

The load average (os.getloadavg) is recorded before and after each section:
other work on the machine shows up in the wall times. Speed is measured
here, never asserted in a unit test.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
LLVM_BIN = pathlib.Path("/usr/lib/llvm-19/bin")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


def run_measured(cmd, cwd, capture_stderr=False):
    """Runs cmd; returns (wall s, CPU s, peak RSS KiB, exit status, stderr)."""
    err = tempfile.TemporaryFile() if capture_stderr else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = ""
    if capture_stderr:
        err.seek(0)
        text = err.read().decode(errors="replace")
        err.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, text


def hyperfine_median(cmd, cwd, runs):
    """Median wall time of cmd from hyperfine (one warm-up run)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "--style", "none", "--warmup", "1", "--runs", str(runs),
                        "-i", "--export-json", out.name, shlex.join(cmd)],
                       cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(open(out.name))["results"][0]["median"]


class Sample:
    def __init__(self, wall, cpu, rss):
        self.wall, self.cpu, self.rss = wall, cpu, rss


def measure(cmd, cwd, runs, use_hyperfine):
    samples = [run_measured(cmd, cwd) for _ in range(runs)]
    wall = statistics.median(s[0] for s in samples)
    if use_hyperfine:
        wall = hyperfine_median(cmd, cwd, runs)
    return Sample(wall, statistics.median(s[1] for s in samples),
                  statistics.median(s[2] for s in samples))


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
        if a == entry["file"] or pathlib.Path(entry["dir"], a).resolve() == pathlib.Path(entry["file"]):
            out.append(entry["file"])
            continue
        out.append(a)
    return out + ["-fsyntax-only"]


COLUMN = re.compile(r"\s*([0-9.]+) \(\s*[0-9.]+%\)")


def parse_profiles(text):
    """clang-tidy's --enable-check-profile tables (one per translation unit)
    and weakcheck's pre-filter lines: ({check: [cpu, wall]}, {check: units},
    [(file, matched, enabled)])."""
    times, units, prefilter = {}, {}, []
    columns = []
    for line in text.splitlines():
        if "--- Name ---" in line:
            columns = re.findall(r"-+(User Time|System Time|User\+System|Wall Time)-+", line)
            continue
        m = re.match(r"weakcheck: pre-filter: (.*): matched (\d+) of (\d+) checks", line)
        if m:
            prefilter.append((m.group(1), int(m.group(2)), int(m.group(3))))
            continue
        if not columns:
            continue
        values, rest = [], line
        while True:
            c = COLUMN.match(rest)
            if not c:
                break
            values.append(float(c.group(1)))
            rest = rest[c.end():]
        name = rest.strip()
        if len(values) != len(columns) or not name.startswith("weakref-"):
            continue
        row = dict(zip(columns, values))
        cpu = row.get("User+System", row.get("User Time", 0.0) + row.get("System Time", 0.0))
        t = times.setdefault(name, [0.0, 0.0])
        t[0] += cpu
        t[1] += row.get("Wall Time", 0.0)
        units[name] = units.get(name, 0) + 1
    return times, units, prefilter


def rel(path):
    try:
        return os.path.relpath(path, ROOT) if not os.path.relpath(path, ROOT).startswith("..") else path
    except ValueError:
        return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weakcheck", default=str(ROOT / "build" / "tool" / "weakcheck"))
    ap.add_argument("--project-build", default=str(ROOT / "build"),
                    help="build dir whose compile_commands.json lists this project's sources")
    ap.add_argument("--database", action="append", default=[], help="extra build dirs / compile_commands.json")
    ap.add_argument("--no-project", action="store_true", help="skip this project's own sources")
    ap.add_argument("--no-examples", action="store_true", help="skip the bundled examples")
    ap.add_argument("--runs", type=int, default=5, help="runs per file of parse and weakcheck (median)")
    ap.add_argument("--tidy-runs", type=int, default=1, help="runs per file of clang-tidy (0: skip it)")
    ap.add_argument("--tidy-limit", type=int, default=0,
                    help="run clang-tidy on the first N files only (0: all)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="-j of the parallel run (default: 2, or 1 on one core)")
    ap.add_argument("--scaling-runs", type=int, default=3,
                    help="runs of the whole set with -j1 and -j<jobs> (median)")
    ap.add_argument("--limit", type=int, default=0, help="at most N files (0: all)")
    ap.add_argument("--top", type=int, default=13, help="checks in the profile table")
    ap.add_argument("--hyperfine", action="store_true", help="wall-time medians from hyperfine")
    ap.add_argument("--markdown", help="also write the tables to this file")
    opts = ap.parse_args()
    opts.weakcheck = os.path.abspath(opts.weakcheck)
    if opts.hyperfine and not shutil.which("hyperfine"):
        sys.exit("run_bench.py: --hyperfine: hyperfine is not installed (scripts/setup installs it)")
    if not os.access(opts.weakcheck, os.X_OK):
        sys.exit(f"run_bench.py: no weakcheck at {opts.weakcheck} (pass --weakcheck)")

    entries = []
    if not opts.no_examples:
        examples_build = ROOT / "examples" / "build"
        if not (examples_build / "compile_commands.json").exists():
            subprocess.run(["cmake", "-S", str(ROOT / "examples"), "-B", str(examples_build),
                            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], check=True, stdout=subprocess.DEVNULL)
        entries += load_database(examples_build)
    if not opts.no_project:
        project_db = pathlib.Path(opts.project_build) / "compile_commands.json"
        if project_db.exists():
            for e in load_database(project_db):
                r = os.path.relpath(e["file"], ROOT)
                if r.split(os.sep)[0] in ("tool", "checks", "tests") and not r.startswith(".."):
                    entries.append(e)
        else:
            log(f"run_bench.py: no {project_db}; this project's sources are skipped")
    for db in opts.database:
        entries.extend(load_database(db))
    seen, unique = set(), []
    for e in entries:
        if e["file"] not in seen and os.path.exists(e["file"]):
            seen.add(e["file"])
            unique.append(e)
    entries = unique[: opts.limit] if opts.limit else unique
    if not entries:
        sys.exit("run_bench.py: no files to measure")

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = []
    out = lines.append
    timer = ("hyperfine medians (1 warm-up) of wall time" if opts.hyperfine
             else "medians of wall time")
    tidy_scope = (f" on the first {opts.tidy_limit} files" if opts.tidy_limit else "")
    out(f"Measured {started} at commit {commit}{' (working tree modified)' if dirty else ''}, "
        f"{len(entries)} files, {opts.runs} runs per file of parse and weakcheck, "
        f"{opts.tidy_runs} of clang-tidy{tidy_scope}; {timer}, CPU time (user+sys) and peak RSS "
        f"from wait4; {os.cpu_count()} cores.")
    out("")
    out("```sh")
    out("python3 bench/analyzer/" + " ".join(shlex.quote(a) for a in
                                             [pathlib.Path(sys.argv[0]).name] + sys.argv[1:]))
    out("```")
    out("")

    # ---- 1. per file -------------------------------------------------------
    load_before = loadavg()
    log(f"per-file timings of {len(entries)} files (load {load_before})")
    rows = []
    for e in entries:
        parse = measure(parse_command(e), e["dir"], opts.runs, opts.hyperfine)
        wc = measure([opts.weakcheck, "--quiet", "-p", e["db"], e["file"]], e["dir"], opts.runs,
                     opts.hyperfine)
        tidy = None
        if opts.tidy_runs and (not opts.tidy_limit or len(rows) < opts.tidy_limit):
            tidy = measure([str(LLVM_BIN / "clang-tidy"), "--quiet", "-checks=-*,bugprone-*",
                            "-p", e["db"], e["file"]], e["dir"], opts.tidy_runs, opts.hyperfine)
        rows.append((rel(e["file"]), parse, wc, tidy))
        log(f"  {rows[-1][0]}: parse {parse.wall:.3f}s/{parse.cpu:.3f}s cpu, weakcheck "
            f"{wc.wall:.3f}s/{wc.cpu:.3f}s cpu" + (f", clang-tidy {tidy.wall:.3f}s" if tidy else ""))
    load_after = loadavg()

    out(f"#### Per file (load average before {load_before}, after {load_after})")
    out("")
    out("| file | parse wall (s) | weakcheck wall (s) | wall ratio | parse CPU (s) | weakcheck CPU (s) "
        "| CPU ratio | clang-tidy bugprone-* (s) | weakcheck/clang-tidy | parse RSS (MiB) "
        "| weakcheck RSS (MiB) | RSS ratio |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tot = {"pw": 0.0, "ww": 0.0, "pc": 0.0, "wc": 0.0, "t": 0.0, "tw": 0.0}
    for name, p, w, t in rows:
        tcol = f"{t.wall:.3f} | {w.wall / t.wall:.3f}" if t else "– | –"
        out(f"| {name} | {p.wall:.3f} | {w.wall:.3f} | {w.wall / p.wall:.3f} | {p.cpu:.3f} | "
            f"{w.cpu:.3f} | {w.cpu / p.cpu:.3f} | {tcol} | {p.rss / 1024:.0f} | {w.rss / 1024:.0f} | "
            f"{w.rss / p.rss:.3f} |")
        tot["pw"] += p.wall
        tot["ww"] += w.wall
        tot["pc"] += p.cpu
        tot["wc"] += w.cpu
        if t:
            tot["t"] += t.wall
            tot["tw"] += w.wall
            tot["tn"] = tot.get("tn", 0) + 1
    tidy_total = "– | –"
    if tot["t"]:
        subset = f" ({tot['tn']} files)" if tot["tn"] != len(rows) else ""
        tidy_total = f"{tot['t']:.2f}{subset} | **{tot['tw'] / tot['t']:.3f}**"
    out(f"| **total ({len(rows)} files)** | {tot['pw']:.2f} | {tot['ww']:.2f} | "
        f"**{tot['ww'] / tot['pw']:.3f}** | {tot['pc']:.2f} | {tot['wc']:.2f} | "
        f"**{tot['wc'] / tot['pc']:.3f}** | {tidy_total} | | | |")
    out("")
    wall_ratios = [w.wall / p.wall for _, p, w, _ in rows]
    cpu_ratios = [w.cpu / p.cpu for _, p, w, _ in rows]
    rss_ratios = [w.rss / p.rss for _, p, w, _ in rows]
    worst_cpu = max(rows, key=lambda r: r[2].cpu / r[1].cpu)
    out(f"- weakcheck/parse, total: wall **{tot['ww'] / tot['pw']:.3f}**, CPU "
        f"**{tot['wc'] / tot['pc']:.3f}** (target ≤ 1.05: "
        f"{'met' if max(tot['ww'] / tot['pw'], tot['wc'] / tot['pc']) <= 1.05 else 'missed'}); "
        f"per file: wall median {statistics.median(wall_ratios):.3f}, max {max(wall_ratios):.3f}; "
        f"CPU median {statistics.median(cpu_ratios):.3f}, max {max(cpu_ratios):.3f} "
        f"({worst_cpu[0]}).")
    out(f"- Peak RSS weakcheck/parse: median {statistics.median(rss_ratios):.3f}, max "
        f"{max(rss_ratios):.3f} (target ≤ 1.10: {'met' if max(rss_ratios) <= 1.10 else 'missed'}).")
    out("")

    # ---- 2. parallel scaling --------------------------------------------------
    by_db = {}
    for e in entries:
        by_db.setdefault(e["db"], []).append(e["file"])
    load_before = loadavg()
    log(f"parallel scaling -j1 / -j{opts.jobs} (load {load_before})")

    def whole_set(jobs, extra=(), capture=False):
        wall = cpu = 0.0
        text = ""
        for db, files in by_db.items():
            w, c, _, _, err = run_measured([opts.weakcheck, "--quiet", f"-j{jobs}", *extra, "-p", db,
                                            *files], ROOT, capture_stderr=capture)
            wall += w
            cpu += c
            text += err
        return wall, cpu, text

    scaling = []
    for _ in range(max(1, opts.scaling_runs)):
        s1 = whole_set(1)
        sn = whole_set(opts.jobs)
        scaling.append((s1[0], s1[1], sn[0], sn[1]))
    j1w, j1c, jnw, jnc = (statistics.median(x[i] for x in scaling) for i in range(4))
    load_after = loadavg()
    # What the schedule alone allows: weakcheck hands out files in list
    # order to the first free worker; replay that with each file's -j1 CPU
    # time from section 1 (scaled to this run's total).
    costs = [r[2].cpu for r in rows]
    scale = j1c / sum(costs) if sum(costs) else 1.0
    workers = [0.0] * opts.jobs
    for c in costs:
        i = workers.index(min(workers))
        workers[i] += c * scale
    replay = max(workers)
    longest = max(costs) * scale
    out(f"#### Parallel scaling (one weakcheck process over all {len(entries)} files; "
        f"median of {len(scaling)}; load average before {load_before}, after {load_after})")
    out("")
    out(f"| run | wall (s) | CPU (s) | speed-up |")
    out(f"|---|---:|---:|---:|")
    out(f"| -j1 | {j1w:.2f} | {j1c:.2f} | 1.00 |")
    out(f"| -j{opts.jobs} | {jnw:.2f} | {jnc:.2f} | **{j1w / jnw:.2f}** |")
    out(f"| -j{opts.jobs} on {opts.jobs} idle cores, this file order (replayed from the per-file "
        f"CPU times; longest file {longest:.2f} s) | {replay:.2f} | | {j1c / replay:.2f} |")
    out("")
    out(f"- CPU time -j{opts.jobs}/-j1: {jnc / j1c:.3f} (≈ 1: running in parallel adds no work, "
        f"no spinning on locks).")
    out(f"- Cores actually used during the -j{opts.jobs} run (CPU/wall): {jnc / jnw:.2f} of "
        f"{opts.jobs}; during -j1: {j1c / j1w:.2f} of 1. Below that, the process was waiting for "
        f"a core (other load) or for its last file (schedule).")
    out("")

    # ---- 3. pre-filter, 4. profile ---------------------------------------
    load_before = loadavg()
    log(f"pre-filter and check profile, -j1 (load {load_before})")
    on_w, on_c, on_text = whole_set(1, ["--enable-check-profile"], capture=True)
    off_w, off_c, off_text = whole_set(1, ["--enable-check-profile", "--prefilter=false"], capture=True)
    load_after = loadavg()
    on_times, on_units, on_pf = parse_profiles(on_text)
    off_times, off_units, off_pf = parse_profiles(off_text)
    on_total = sum(t[0] for t in on_times.values())
    off_total = sum(t[0] for t in off_times.values())
    out(f"#### Pre-filter (-j1 over all files with --enable-check-profile; load average before "
        f"{load_before}, after {load_after})")
    out("")
    out("| | checks matched (sum over files) | files not traversed at all | time in checks, CPU (s) "
        "| whole run wall (s) | whole run CPU (s) |")
    out("|---|---:|---:|---:|---:|---:|")
    for label, pf, total, w, c in (("pre-filter on (default)", on_pf, on_total, on_w, on_c),
                                   ("--prefilter=false", off_pf, off_total, off_w, off_c)):
        matched = sum(p[1] for p in pf)
        enabled = sum(p[2] for p in pf)
        none = sum(1 for p in pf if p[1] == 0)
        out(f"| {label} | {matched} of {enabled} | {none} of {len(pf)} | {total:.3f} | {w:.2f} | "
            f"{c:.2f} |")
    out("")
    skipped = {}
    for f, m, n in on_pf:
        skipped[n - m] = skipped.get(n - m, 0) + 1
    out("- Checks skipped per file: " +
        ", ".join(f"{k} in {v} file{'s' if v != 1 else ''}" for k, v in sorted(skipped.items())) + ".")
    out("")

    ranked = sorted(off_times.items(), key=lambda kv: -kv[1][0])
    out(f"#### Per-check profile (sum over the {len(entries)} files, -j1, without the pre-filter "
        f"so every check is timed on every file; the pre-filter column is the same check's time "
        f"with it)")
    out("")
    out("| # | check | CPU (s) | wall (s) | share of check time | files matched | "
        "CPU with pre-filter (s) | files matched with pre-filter |")
    out("|---:|---|---:|---:|---:|---:|---:|---:|")
    for i, (name, (cpu, wall)) in enumerate(ranked[: opts.top], 1):
        share = cpu / off_total if off_total else 0.0
        oc = on_times.get(name, [0.0, 0.0])[0]
        out(f"| {i} | {name} | {cpu:.3f} | {wall:.3f} | {share:.1%} | {off_units.get(name, 0)} | "
            f"{oc:.3f} | {on_units.get(name, 0)} |")
    out("")
    out(f"- All checks together: {off_total:.3f} s CPU without the pre-filter, {on_total:.3f} s with "
        f"it, against {tot['pc']:.2f} s of parsing the same files.")

    text = "\n".join(lines)
    print(text)
    if opts.markdown:
        pathlib.Path(opts.markdown).write_text(text + "\n")


if __name__ == "__main__":
    main()
