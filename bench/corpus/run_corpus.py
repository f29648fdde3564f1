#!/usr/bin/env python3
"""Runs weakcheck over real projects and prints what it finds.

Session-time only (not CI: it needs the projects' sources, which are not in
this repository, and Debian packages for their dependencies).

    bench/corpus/run_corpus.py [--projects a,b,...] [--weakcheck build/tool/weakcheck]
        [--work /work/corpus] [--jobs 2] [--no-baseline] [--no-prepare]
        [--profile-sample N] [--markdown out.md] [--findings out.tsv]

For each project of PROJECTS (below), in /work/corpus/<name>:
1. prepare: the sources are taken from a bare git snapshot under
   /work/.mirror/<owner>+<name> (`git archive <ref> | tar x`; bring the
   snapshot first with the session's `fetch github:<owner>/<name>`) or, for
   CPython, from Debian's source package (`apt-get source`); missing Debian
   packages are installed with apt-get; a compile_commands.json is made
   (CMake with CMAKE_EXPORT_COMPILE_COMMANDS, or written by hand from globs
   for example trees and C sources), filtered and written to
   /work/corpus/<name>/_wc/compile_commands.json.
2. weakcheck -p <that> --format=json -j<jobs> --header-filter=<project root>
   under `nice -n 10`: wall and CPU time (wait4), the JSON report kept in
   /work/corpus/_results/<name>.json.
3. unless --no-baseline: clang-19 / clang++-19 -fsyntax-only over the same
   entries (the entry's own arguments, outputs and dependency files dropped),
   <jobs> at a time, wall and CPU time.
4. with --profile-sample N: N translation units of the project, one at a
   time, with --enable-check-profile and -j1, and the same units'
   -fsyntax-only CPU time: each check's share of the unit's parse time.

Printed at the end: per project the TUs, failed TUs (with the first error),
crashes, findings per check and the time ratio; then every finding (check,
file:line, message) for triage, also written with --findings as TSV.
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
MIRROR = pathlib.Path("/work/.mirror")
LLVM_BIN = pathlib.Path("/usr/lib/llvm-19/bin")
PY_INC = "/usr/include/python3.11"

# The analyzer bench's parser of --enable-check-profile tables, shared.
_spec = importlib.util.spec_from_file_location("run_bench", ROOT / "bench/analyzer/run_bench.py")
run_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_bench)

BOOST_LIBS = ["libboost1.74-dev", "libboost-system1.74-dev", "libboost-thread1.74-dev",
              "libboost-filesystem1.74-dev", "libboost-random1.74-dev", "libboost-chrono1.74-dev",
              "libboost-atomic1.74-dev", "libboost-date-time1.74-dev", "libboost-regex1.74-dev",
              "libboost-program-options1.74-dev", "libboost-test1.74-dev",
              "libboost-context1.74-dev", "libboost-coroutine1.74-dev"]

# name: where the sources come from, how the database is made, what is kept.
#   repo/ref      snapshot under /work/.mirror and the tree-ish to extract
#   debsrc        Debian source package instead (apt-get source; needs deb-src)
#   apt           Debian packages the configuration needs
#   cmake         [source subdir, cmake -D arguments...]  -> CMake database
#   globs         {"c"|"c++": [globs]} relative to the tree -> hand-made database
#   flags         {"c"|"c++": [arguments]} of the hand-made database
#   exclude       regex on the path relative to the tree: entries dropped
#   limit         keep at most this many entries (evenly spaced, in path order)
#   style         what kind of code it is (for docs/precision.md)
PROJECTS = {
    "asio": dict(
        repo="chriskohlhoff/asio", ref="HEAD", style="standalone Asio: the examples",
        apt=["libssl-dev"],
        globs={"c++": ["src/examples/cpp11/**/*.cpp", "src/examples/cpp14/**/*.cpp",
                       "src/examples/cpp17/**/*.cpp", "src/examples/cpp20/**/*.cpp"]},
        flags={"c++": ["-std=c++20", "-DASIO_STANDALONE", "-Iinclude", "-pthread"]},
        exclude=r"/windows/|/porthopper/|/spawn/|/invocation/|/local/connect_pair",
        limit=110),
    "beast": dict(
        repo="boostorg/beast", ref="boost-1.74.0",
        style="Boost.Beast (Boost.Asio) HTTP/WebSocket servers and clients, the version of Debian's Boost",
        apt=BOOST_LIBS + ["libssl-dev"],
        globs={"c++": ["example/**/*.cpp"]},
        flags={"c++": ["-std=c++17", "-Iinclude", "-Iexample", "-I.", "-pthread",
                       "-DBOOST_ASIO_NO_DEPRECATED", "-Wno-error=enum-constexpr-conversion"]},
        exclude=r"/asio-coroutine/|/stackless/"),
    "websocketpp": dict(
        repo="zaphoyd/websocketpp", ref="HEAD",
        style="WebSocket++ on Boost.Asio: examples and tests",
        apt=BOOST_LIBS + ["libssl-dev", "zlib1g-dev"],
        globs={"c++": ["examples/**/*.cpp", "test/**/*.cpp"]},
        flags={"c++": ["-std=c++11", "-I.", "-pthread", "-DBOOST_TEST_DYN_LINK",
                       "-D_WEBSOCKETPP_CPP11_STL_",
                       # Boost 1.74's MPL trips clang 19's enum-range error (a warning
                       # made an error by default)
                       "-Wno-error=enum-constexpr-conversion"]},
        # tests upstream no longer builds (stale includes and template arguments)
        exclude=r"test/http/parser_perf|test/message_buffer/pool|test/transport/hybi_util",
        limit=50),
    "muduo": dict(
        repo="chenshuo/muduo", ref="HEAD",
        style="event-loop network library (TcpConnection/EventLoop, weak_ptr ties), with examples",
        apt=BOOST_LIBS + ["zlib1g-dev", "libhiredis-dev", "libc-ares-dev", "libgd-dev", "libthrift-dev"],
        cmake=[".", "-DCMAKE_BUILD_TYPE=Release", "-DMUDUO_BUILD_EXAMPLES=ON"],
        # protobuf examples include headers generated at build time
        exclude=r"/protobuf/|/protorpc/|_build/|examples/ace/logging/",
        limit=110),
    "trantor": dict(
        repo="an-tao/trantor", ref="HEAD",
        style="event-loop network library of drogon (TcpConnection, timers, weak_ptr guards)",
        apt=["libssl-dev", "libgtest-dev"],
        cmake=[".", "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=ON"]),
    "spdlog": dict(
        repo="gabime/spdlog", ref="HEAD", style="logging library (async logger, thread pool, registry)",
        apt=["libsystemd-dev"], catch2=True,
        globs={"c++": ["src/*.cpp", "tests/*.cpp", "example/*.cpp", "bench/*.cpp"]},
        flags={"c++": ["-std=c++17", "-Iinclude", "-DSPDLOG_COMPILED_LIB", "-pthread",
                       "-I../catch2/src", "-I../catch2/_build/generated-includes"]},
        exclude=r"^bench/"),
    "cpprestsdk": dict(
        repo="microsoft/cpprestsdk", ref="HEAD",
        style="REST SDK: http client/listener on Boost.Asio, websocket client on websocketpp, pplx tasks",
        apt=BOOST_LIBS + ["libssl-dev", "zlib1g-dev", "libwebsocketpp-dev"],
        cmake=["Release", "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTS=ON", "-DBUILD_SAMPLES=ON",
               "-DWERROR=OFF", "-DCPPREST_EXCLUDE_BROTLI=ON"],
        exclude=r"_build/|/winrt/|/win32/|/windows/",
        limit=110),
    "cpython": dict(
        debsrc="python3.11", style="CPython 3.11.2: Objects/ and Modules/ (the C API's own implementation)",
        apt=["libssl-dev", "zlib1g-dev", "libffi-dev", "libbz2-dev", "liblzma-dev",
             "libsqlite3-dev", "libexpat1-dev"],
        configure=["./configure", "--without-ensurepip"],
        globs={"c": ["Objects/*.c", "Modules/*.c", "Modules/_io/*.c", "Modules/_sqlite/*.c",
                     "Modules/_ctypes/*.c", "Modules/_multiprocessing/*.c"]},
        flags={"c": ["-std=c11", "-I.", "-IInclude", "-IInclude/internal", "-DPy_BUILD_CORE"]},
        modflags={"Modules/": ["-DPy_BUILD_CORE_BUILTIN", "-IModules/_io"]},
        # other platforms, libraries Debian's -dev packages above do not provide, generated
        # headers, the public-API-only _testcapi
        exclude=(r"Modules/(_winapi|overlapped|winreparse|_scproxy|_tkinter|tkappinit|_curses|"
                 r"_cursesmodule|_curses_panel|readline|_gdbm|_dbm|nis|_uuid|ossaudiodev|"
                 r"_testclinic|getpath_noop|_aix|_msi|_ctypes/(darwin|malloc_closure)|_ctypes/_ctypes_test|"
                 r"_testmultiphase|_testsinglephase|_testimportmultiple|getpath|_testcapi)(module)?\.c$")),
    "c-extensions": dict(
        repos=[("GrahamDumpleton/wrapt", "HEAD", "wrapt"),
               ("zopefoundation/zope.interface", "HEAD", "zope.interface"),
               ("simplejson/simplejson", "HEAD", "simplejson"),
               ("python-greenlet/greenlet", "HEAD", "greenlet")],
        style="C extensions: wrapt (weak function proxies), zope.interface, simplejson, greenlet",
        apt=["python3-dev"],
        globs={"c": ["wrapt/src/wrapt/*.c", "zope.interface/src/zope/interface/*.c",
                     "simplejson/simplejson/*.c", "greenlet/src/greenlet/tests/*.c"],
               "c++": ["greenlet/src/greenlet/greenlet.cpp", "greenlet/src/greenlet/tests/*.cpp"]},
        flags={"c": ["-std=c11", "-I" + PY_INC], "c++": ["-std=c++11", "-I" + PY_INC,
                                                        "-Igreenlet/src/greenlet"]}),
    "pybind11": dict(
        repo="pybind/pybind11", ref="HEAD", style="pybind11's own test suite (keep_alive, weakref, holders)",
        apt=["python3-dev"],
        cmake=[".", "-DCMAKE_BUILD_TYPE=Release", "-DPYBIND11_TEST=ON", "-DPYBIND11_FINDPYTHON=ON",
               "-DDOWNLOAD_CATCH=OFF", "-DPYBIND11_WERROR=OFF",
               "-DPython_EXECUTABLE=/usr/bin/python3"],
        exclude=r"_build/|test_embed|test_cmake_build|/pure_cpp/",
        limit=45),
}

# The projects' own .clang-tidy files configure other checks (and some hold keys
# clang-tidy 19 no longer knows, which weakcheck refuses): weakcheck's defaults only.
CONFIG = "--config={Checks: 'weakref-*'}"

# Helpers the projects need but that are not projects of their own.
AUX = {"catch2": ("catchorg/Catch2", "v3.7.1")}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, cwd=None, **kw):
    log("+ " + (cmd if isinstance(cmd, str) else shlex.join(map(str, cmd))))
    return subprocess.run(cmd, cwd=cwd, check=True, shell=isinstance(cmd, str), **kw)


def git_dir(repo):
    base = MIRROR / repo.replace("/", "+") / "repo"
    for d in (base, base / ".git"):
        if (d / "HEAD").exists():
            return d
    sys.exit(f"run_corpus: no snapshot of {repo} under {MIRROR}: bring it first with the "
             f"session's fetch tool (fetch github:{repo})")


def extract(repo, ref, dest):
    """dest holds the tree of repo at ref; returns the commit."""
    gd = git_dir(repo)
    commit = subprocess.run(["git", "--git-dir", str(gd), "rev-parse", ref + "^{commit}"],
                            check=True, capture_output=True, text=True).stdout.strip()
    stamp = dest / ".corpus-commit"
    if stamp.exists() and stamp.read_text().strip() == commit:
        return commit
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    missing = write_tree(gd, commit, dest)
    if missing:
        log(f"{repo}: {len(missing)} files absent from the snapshot (4 MiB and more): "
            + ", ".join(missing[:5]))
    stamp.write_text(commit + "\n")
    return commit


def write_tree(gd, commit, dest):
    """Like `git archive commit | tar x`, but a blob the snapshot lacks (the
    store keeps no file of 4 MiB or more) is skipped instead of failing the
    whole tree. Returns the paths skipped."""
    listing = subprocess.run(["git", "--git-dir", str(gd), "ls-tree", "-r", "-z", commit],
                             check=True, capture_output=True).stdout.split(b"\0")
    items = []
    for item in filter(None, listing):
        meta, path = item.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            items.append((mode, sha, path.decode(errors="surrogateescape")))
    cat = subprocess.Popen(["git", "--git-dir", str(gd), "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = []
    for mode, sha, path in items:
        cat.stdin.write(sha + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3:
            missing.append(path)
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            os.symlink(data, target)
        else:
            target.write_bytes(data)
            if mode == b"100755":
                target.chmod(0o755)
    cat.stdin.close()
    cat.wait()
    return missing


def extract_debsrc(package, dest):
    """dest holds Debian's upstream tarball of package; returns its name."""
    stamp = dest / ".corpus-commit"
    if stamp.exists():
        return stamp.read_text().strip()
    src = dest.parent / "_debsrc"
    src.mkdir(parents=True, exist_ok=True)
    if not list(src.glob(f"{package}_*.orig.tar.*")):
        sh(["apt-get", "source", "--download-only", package], cwd=src)
    tarball = sorted(src.glob(f"{package}_*.orig.tar.*"))[-1]
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    sh(["tar", "-x", "--strip-components=1", "-f", str(tarball), "-C", str(dest)])
    stamp.write_text(tarball.name + "\n")
    return tarball.name


def ensure_apt(packages):
    missing = [p for p in packages if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout
        != "install ok installed"]
    if missing:
        sh(["apt-get", "install", "-y", "--no-install-recommends"] + missing,
           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def language(path):
    return "c" if path.endswith(".c") else "c++"


def handmade_entries(tree, spec):
    entries = []
    for lang, patterns in spec["globs"].items():
        for pattern in patterns:
            for f in sorted(glob.glob(str(tree / pattern), recursive=True)):
                rel = os.path.relpath(f, tree)
                extra = [a for prefix, flags in spec.get("modflags", {}).items()
                         if rel.startswith(prefix) for a in flags]
                driver = "clang-19" if lang == "c" else "clang++-19"
                entries.append({"directory": str(tree), "file": f,
                                "arguments": [driver] + spec["flags"][lang] + extra + ["-c", f]})
    return entries


def cmake_entries(tree, spec):
    build = tree / "_build"
    db = build / "compile_commands.json"
    if not db.exists():
        sub, *args = spec["cmake"]
        sh(["nice", "-n", "10", "cmake", "-S", str(tree / sub), "-B", str(build), "-G", "Ninja",
            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DCMAKE_C_COMPILER=clang-19",
            "-DCMAKE_CXX_COMPILER=clang++-19"] + args, stdout=subprocess.DEVNULL)
    out = []
    for e in json.loads(db.read_text()):
        args = e.get("arguments") or shlex.split(e["command"])
        out.append({"directory": e["directory"],
                    "file": str(pathlib.Path(e["directory"], e["file"]).resolve()),
                    "arguments": args})
    return out


def keep_evenly(entries, limit):
    if not limit or len(entries) <= limit:
        return entries
    step = len(entries) / limit
    return [entries[int(i * step)] for i in range(limit)]


def prepare(name, spec, work):
    tree = work / name
    if "repos" in spec:
        commits = [f"{sub}@{extract(repo, ref, tree / sub)[:12]}" for repo, ref, sub in spec["repos"]]
        origin = ", ".join(commits)
    elif "debsrc" in spec:
        origin = extract_debsrc(spec["debsrc"], tree)
    else:
        origin = f"{spec['repo']}@{extract(spec['repo'], spec['ref'], tree)}"
    if spec.get("catch2"):
        repo, ref = AUX["catch2"]
        c2 = work / "catch2"
        extract(repo, ref, c2)
        if not (c2 / "_build/generated-includes").exists():
            sh(["nice", "-n", "10", "cmake", "-S", str(c2), "-B", str(c2 / "_build"), "-G", "Ninja"],
               stdout=subprocess.DEVNULL)
    ensure_apt(spec.get("apt", []))
    if spec.get("configure") and not (tree / "pyconfig.h").exists():
        sh(["nice", "-n", "10"] + spec["configure"], cwd=tree, stdout=subprocess.DEVNULL)
    entries = cmake_entries(tree, spec) if "cmake" in spec else handmade_entries(tree, spec)
    exclude = re.compile(spec["exclude"]) if spec.get("exclude") else None
    kept = []
    for e in entries:
        rel = os.path.relpath(e["file"], tree)
        if rel.startswith("..") or (exclude and exclude.search(rel)):
            continue
        # Warnings are not the subject: a project's -Werror must not fail a TU.
        e["arguments"] = [a for a in e["arguments"] if not a.startswith("-Werror")]
        kept.append(e)
    # One entry per file: a file several targets build is analysed once by weakcheck,
    # and the baseline must not parse it twice either.
    unique = {}
    for e in sorted(kept, key=lambda e: e["file"]):
        unique.setdefault(e["file"], e)
    kept = keep_evenly(list(unique.values()), spec.get("limit"))
    wc = tree / "_wc"
    wc.mkdir(exist_ok=True)
    (wc / "compile_commands.json").write_text(json.dumps(kept, indent=1))
    return origin, kept


def syntax_only(entry):
    """The entry's command as clang -fsyntax-only (clang-19 for C, clang++-19 for C++)."""
    out = [str(LLVM_BIN / ("clang" if language(entry["file"]) == "c" else "clang++"))]
    skip = False
    for a in entry["arguments"][1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or a.startswith("-o"):
            continue
        out.append(a)
    return out + ["-fsyntax-only", "-w"]


def run_timed(cmd, cwd=None, stderr=subprocess.DEVNULL):
    """(wall s, CPU s of the process and its children, exit status, stderr text)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def baseline(entries, jobs):
    """clang -fsyntax-only over entries, jobs at a time: (wall, CPU, {file: CPU}, failures)."""
    per_file, failures = {}, []

    def one(e):
        wall, cpu, rc = run_timed(["nice", "-n", "10"] + syntax_only(e), cwd=e["directory"])
        return e["file"], cpu, rc

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for f, cpu, rc in pool.map(one, entries):
            per_file[f] = cpu
            if rc != 0:
                failures.append(f)
    return time.perf_counter() - start, sum(per_file.values()), per_file, failures


def run_weakcheck(weakcheck, name, tree, jobs, results):
    out = results / f"{name}.json"
    err = results / f"{name}.stderr"
    if out.exists():
        out.unlink()
    cmd = ["nice", "-n", "10", str(weakcheck), "-p", str(tree / "_wc"), "--format=json",
           f"--output={out}", f"-j{jobs}", f"--header-filter=^{re.escape(str(tree))}/",
           CONFIG]
    log("+ " + shlex.join(cmd))
    with open(err, "w") as e:
        wall, cpu, rc = run_timed(cmd, stderr=e)
    report = json.loads(out.read_text()) if out.exists() else None
    return wall, cpu, rc, report


def find_crashers(weakcheck, tree, entries, results, name):
    """After a crashed run: each TU alone, to name the ones that crash."""
    crashers = []
    for e in entries:
        cmd = ["nice", "-n", "10", str(weakcheck), "-p", str(tree / "_wc"), "--format=json",
               "--quiet", "-j1", CONFIG, e["file"]]
        _, _, rc = run_timed(cmd)
        if rc < 0 or rc > 2:
            crashers.append((e["file"], rc))
    (results / f"{name}.crashers.json").write_text(json.dumps(crashers))
    return crashers


def profile(weakcheck, tree, entries, sample):
    """Per TU of a sample: parse CPU, and each check's CPU as a share of it."""
    rows = []
    for e in keep_evenly(entries, sample):
        _, parse_cpu, _ = run_timed(["nice", "-n", "10"] + syntax_only(e), cwd=e["directory"])
        with tempfile.TemporaryFile("w+") as err:
            _, weakcheck_cpu, _ = run_timed(["nice", "-n", "10", str(weakcheck), "-p", str(tree / "_wc"),
                                             "--enable-check-profile", "--quiet", "-j1", CONFIG, e["file"]],
                                            stderr=err)
            err.seek(0)
            text = err.read()
        times, _, _ = run_bench.parse_profiles(text)
        if not times:
            continue
        check, (cpu, _) = max(times.items(), key=lambda kv: kv[1][0])
        rows.append({"file": e["file"], "parse": parse_cpu, "weakcheck": weakcheck_cpu,
                     "checks": sum(t[0] for t in times.values()), "top": check, "top_cpu": cpu,
                     "incomplete": [l for l in text.splitlines() if l.startswith("weakcheck: incomplete")]})
    return rows


def report_findings(name, report, work):
    """(project, check, path:line relative to work, column, message) of each finding."""
    out = []
    for d in report["diagnostics"]:
        loc = d.get("location") or {}
        path = os.path.relpath(loc.get("file") or "?", work)
        out.append((name, d["check"], f"{path}:{loc.get('line')}", str(loc.get("column")), d["message"]))
    return out


def load_verdicts(path):
    """{(check, path:line): (verdict, class, reason)} from a TSV file; # starts a comment."""
    verdicts = {}
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if not line.strip() or line.startswith("#"):
                continue
            check, where, verdict, klass, reason = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            verdicts[(check, where)] = (verdict, klass, reason)
    return verdicts


def verdict_table(summary, findings, verdicts):
    """Markdown: per check and project, findings and their verdicts; FP per 50 TUs."""
    counts = {}
    for project, check, where, _, _ in findings:
        v = verdicts.get((check, where), ("untriaged",))[0]
        c = counts.setdefault((check, project), {"TP": 0, "FP": 0, "DEB": 0, "untriaged": 0})
        c[v if v in c else "untriaged"] += 1
    tus = sum(r.get("analysed", 0) for r in summary)
    lines = ["| check | project | findings | TP | FP | debatable | untriaged |", "|---|---|---|---|---|---|---|"]
    total = {"TP": 0, "FP": 0, "DEB": 0, "untriaged": 0}
    for (check, project), c in sorted(counts.items()):
        lines.append(f"| {check} | {project} | {sum(c.values())} | {c['TP']} | {c['FP']} | {c['DEB']} | "
                     f"{c['untriaged']} |")
        for k in total:
            total[k] += c[k]
    lines.append(f"| all | {len(summary)} projects, {tus} TUs analysed | {sum(total.values())} | {total['TP']} | "
                 f"{total['FP']} | {total['DEB']} | {total['untriaged']} |")
    per50 = 50 * total["FP"] / tus if tus else 0
    lines += ["", f"False positives per 50 TUs analysed: {total['FP']} x 50 / {tus} = {per50:.2f}"]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", default=",".join(PROJECTS))
    ap.add_argument("--weakcheck", default=str(ROOT / "build/tool/weakcheck"))
    ap.add_argument("--work", default="/work/corpus")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-baseline", action="store_true", help="skip clang -fsyntax-only")
    ap.add_argument("--no-prepare", action="store_true",
                    help="use the _wc/compile_commands.json already made")
    ap.add_argument("--prepare-only", action="store_true")
    ap.add_argument("--profile-sample", type=int, default=0,
                    help="TUs per project run one by one with --enable-check-profile")
    ap.add_argument("--profile-only", action="store_true",
                    help="only the per-check profile of --profile-sample TUs (kept in <work>/_results)")
    ap.add_argument("--findings", help="write every finding as TSV here")
    ap.add_argument("--markdown", help="write the summary table as Markdown here")
    ap.add_argument("--verdicts", default=str(ROOT / "bench/corpus/verdicts.tsv"),
                    help="triage of earlier findings (check, location, verdict, class, reason)")
    ap.add_argument("--from-results", action="store_true",
                    help="run nothing: tabulate the reports kept in <work>/_results")
    a = ap.parse_args()

    work = pathlib.Path(a.work)
    results = work / "_results"
    results.mkdir(parents=True, exist_ok=True)
    weakcheck = pathlib.Path(a.weakcheck).resolve()
    version = subprocess.run([str(weakcheck), "--version"], capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    summary, findings, profiles = [], [], []
    for name in a.projects.split(","):
        spec = PROJECTS[name]
        tree = work / name
        if a.from_results:
            if (results / f"{name}.profile.json").exists():
                profiles.extend(json.loads((results / f"{name}.profile.json").read_text()))
            if not (results / f"{name}.summary.json").exists() or not (results / f"{name}.json").exists():
                continue
            row = json.loads((results / f"{name}.summary.json").read_text())
            report = json.loads((results / f"{name}.json").read_text())
            findings.extend(report_findings(name, report, work))
            summary.append(row)
            continue
        if a.no_prepare:
            entries = json.loads((tree / "_wc/compile_commands.json").read_text())
            origin = (tree / ".corpus-commit").read_text().strip() if (tree / ".corpus-commit").exists() else "?"
        else:
            origin, entries = prepare(name, spec, work)
        log(f"== {name}: {len(entries)} TUs ({origin}); load {run_bench.loadavg()}")
        if a.prepare_only:
            continue
        if a.profile_only:
            rows = profile(weakcheck, tree, entries, a.profile_sample or 2)
            for r in rows:
                r["project"] = name
            (results / f"{name}.profile.json").write_text(json.dumps(rows, indent=1))
            profiles.extend(rows)
            continue
        load_before = run_bench.loadavg()
        wall, cpu, rc, report = run_weakcheck(weakcheck, name, tree, a.jobs, results)
        crashed = rc < 0 or rc > 2
        crashers = find_crashers(weakcheck, tree, entries, results, name) if crashed else []
        row = {"project": name, "origin": origin, "tus": len(entries), "rc": rc, "wall": wall,
               "cpu": cpu, "load": load_before, "crashed": crashed, "crashers": crashers}
        if report is None and not crashed:
            row["tool_error"] = (results / f"{name}.stderr").read_text()[-2000:]
            log(f"{name}: weakcheck could not run (exit {rc}): {row['tool_error']}")
        if report:
            failed = [f for f in report["files"] if f["status"] == "failed"]
            row.update(analysed=report["summary"]["filesAnalyzed"], failed=len(failed),
                       failed_files=[(f["file"], (f["errors"] or [{}])[0].get("message", ""))
                                     for f in failed],
                       by_check=report["summary"]["byCheck"],
                       # functions a check analysed only in part (JSON files[].incomplete)
                       incomplete=[dict(i, tu=f["file"]) for f in report["files"]
                                   for i in f.get("incomplete", [])])
            findings.extend(report_findings(name, report, work))
        if not a.no_baseline:
            bwall, bcpu, per_file, bfail = baseline(entries, a.jobs)
            row.update(base_wall=bwall, base_cpu=bcpu, base_failed=len(bfail), base_failed_files=bfail)
        if a.profile_sample:
            rows = profile(weakcheck, tree, entries, a.profile_sample)
            for r in rows:
                r["project"] = name
            (results / f"{name}.profile.json").write_text(json.dumps(rows, indent=1))
            profiles.extend(rows)
        summary.append(row)
        (results / f"{name}.summary.json").write_text(json.dumps(row, indent=1))

    lines = [f"weakcheck {version} (tree {head}), -j{a.jobs}, load at start of each project in the table",
             "", "| project | TUs | analysed | failed | crashes | findings | by check | weakcheck wall / CPU (s) "
             "| -fsyntax-only wall / CPU (s) | ratio CPU | load |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in summary:
        by = ", ".join(f"{k.removeprefix('weakref-')} {v}" for k, v in sorted(r.get("by_check", {}).items()))
        base = f"{r['base_wall']:.1f} / {r['base_cpu']:.1f}" if "base_cpu" in r else "-"
        ratio = f"{r['cpu'] / r['base_cpu']:.3f}" if r.get("base_cpu") else "-"
        crashes = "run crashed: " + ", ".join(f"{os.path.basename(f)} ({rc})" for f, rc in r["crashers"]) \
            if r["crashed"] else "0"
        lines.append(f"| {r['project']} | {r['tus']} | {r.get('analysed', '?')} | {r.get('failed', '?')} | "
                     f"{crashes} | {sum(r.get('by_check', {}).values())} | {by or '-'} | "
                     f"{r['wall']:.1f} / {r['cpu']:.1f} | {base} | {ratio} | {r['load']} |")
    tot_tus = sum(r["tus"] for r in summary)
    tot_cpu = sum(r["cpu"] for r in summary if r.get("base_cpu"))
    tot_base = sum(r["base_cpu"] for r in summary if r.get("base_cpu"))
    lines.append(f"| total | {tot_tus} | {sum(r.get('analysed', 0) for r in summary)} | "
                 f"{sum(r.get('failed', 0) for r in summary)} | {sum(len(r['crashers']) for r in summary)} | "
                 f"{len(findings)} | | {sum(r['wall'] for r in summary):.1f} / {sum(r['cpu'] for r in summary):.1f} | "
                 f"{sum(r.get('base_wall', 0) for r in summary):.1f} / {tot_base:.1f} | "
                 f"{(tot_cpu / tot_base) if tot_base else 0:.3f} | |")
    if profiles:
        lines += ["", "Per-check profile (one TU at a time, -j1): the most expensive check's CPU as a share "
                  "of the TU's -fsyntax-only CPU", "",
                  "| project | TU | parse CPU (s) | weakcheck CPU (s) | all checks (s) | top check | its share |",
                  "|---|---|---|---|---|---|---|"]
        for r in sorted(profiles, key=lambda r: -r["top_cpu"] / max(r["parse"], 1e-9)):
            lines.append(f"| {r['project']} | {os.path.relpath(r['file'], work)} | {r['parse']:.2f} | "
                         f"{r.get('weakcheck', 0):.2f} | {r['checks']:.3f} | {r['top']} | "
                         f"{100 * r['top_cpu'] / max(r['parse'], 1e-9):.2f}% |")
        parse = sum(r["parse"] for r in profiles)
        lines += ["", f"Sample total: parse {parse:.2f} s, weakcheck {sum(r.get('weakcheck', 0) for r in profiles):.2f} s "
                  f"(ratio {sum(r.get('weakcheck', 0) for r in profiles) / max(parse, 1e-9):.3f}), all checks "
                  f"{sum(r['checks'] for r in profiles):.3f} s "
                  f"({100 * sum(r['checks'] for r in profiles) / max(parse, 1e-9):.2f}% of parse)"]
    verdicts = load_verdicts(a.verdicts)
    lines += ["", "Findings by verdict (verdicts from " + os.path.relpath(a.verdicts, ROOT) + ")", ""]
    lines += verdict_table(summary, findings, verdicts)
    text = "\n".join(lines)
    print(text)
    for r in summary:
        for f, msg in r.get("failed_files", []):
            print(f"failed: {r['project']}: {f}: {msg}")
        for f in r.get("base_failed_files", []):
            print(f"-fsyntax-only failed too: {r['project']}: {f}")
        for i in r.get("incomplete", []):
            print(f"incomplete: {r['project']}: {i.get('check')}: {i.get('function')} at "
                  f"{i.get('file')}:{i.get('line')}: {i.get('reason')}")
        if r.get("tool_error"):
            print(f"weakcheck could not run on {r['project']}: {r['tool_error']}")
    print("\nfindings (project, check, location, column, message, verdict, class, reason):")
    rows = ["\t".join(f + verdicts.get((f[1], f[2]), ("untriaged", "", ""))) for f in findings]
    for r in rows:
        print(r)
    if a.findings:
        pathlib.Path(a.findings).write_text("".join(r + "\n" for r in rows))
    if a.markdown:
        pathlib.Path(a.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
