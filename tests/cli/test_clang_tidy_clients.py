#!/usr/bin/env python3
"""weakcheck driven by the real programs that drive clang-tidy: CMake's
CMAKE_CXX_CLANG_TIDY (Ninja and Make), Debian's run-clang-tidy-19 and
clang-tidy-diff-19.py with -clang-tidy-binary weakcheck. Every option those
clients pass reaches weakcheck; paths have spaces and non-ASCII characters.

    test_clang_tidy_clients.py <weakcheck> <examples dir> <cli data dir>
        <clang-apply-replacements>
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

WEAKCHECK, EXAMPLES, DATA, APPLY = (os.path.abspath(a) for a in sys.argv[1:5])
del sys.argv[1:5]
RUN_CLANG_TIDY = "/usr/bin/run-clang-tidy-19"
CLANG_TIDY_DIFF = "/usr/bin/clang-tidy-diff-19.py"


def run(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)


def out(proc):
    return f"exit {proc.returncode}\n--- stdout:\n{proc.stdout}\n--- stderr:\n{proc.stderr}"


class Project:
    """A directory "proj ü" with findings.cpp, clean.cpp, "sub dir/fixable.cpp"
    and a compile_commands.json in "build" that lists them; "fixme.cpp"
    is not in it (weakcheck borrows a similar file's command)."""

    def __init__(self, root):
        self.dir = pathlib.Path(root) / "proj ü"
        (self.dir / "sub dir").mkdir(parents=True)
        (self.dir / "build").mkdir()
        shutil.copy(pathlib.Path(DATA) / "findings.cpp", self.dir / "findings.cpp")
        shutil.copy(pathlib.Path(DATA) / "clean.cpp", self.dir / "clean.cpp")
        shutil.copy(pathlib.Path(DATA) / "fixable.cpp", self.dir / "sub dir" / "fixable.cpp")
        # clang-tidy-diff's diff parser stops a file name at a space.
        shutil.copy(pathlib.Path(DATA) / "fixable.cpp", self.dir / "fixme.cpp")
        entries = []
        for name in ["findings.cpp", "clean.cpp", "sub dir/fixable.cpp"]:
            entries.append({"directory": str(self.dir / "build"),
                            "arguments": ["c++", "-std=c++20", "-c", str(self.dir / name),
                                          "-o", "x.o"],
                            "file": str(self.dir / name)})
        (self.dir / "build" / "compile_commands.json").write_text(json.dumps(entries))


class CMakeClangTidy(unittest.TestCase):
    """CMake calls weakcheck --extra-arg-before=--driver-mode=g++ <src> --
    <the full compile command, -c -o x.o -MD -MF ...> for every source."""

    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="weakcheck-cmake-"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def configure_and_build(self, source, generator, tidy):
        build = self.tmp / f"build {generator} ü"
        conf = run(["cmake", "-S", str(source), "-B", str(build), "-G", generator,
                    f"-DCMAKE_CXX_CLANG_TIDY={tidy}"], cwd=self.tmp)
        self.assertEqual(conf.returncode, 0, out(conf))
        keep_going = ["--", "-k", "0"] if generator == "Ninja" else ["--", "-k"]
        return run(["cmake", "--build", str(build), "-j2", *keep_going], cwd=self.tmp), build

    def test_examples_build_with_warnings_in_the_log(self):
        proc, build = self.configure_and_build(EXAMPLES, "Ninja", WEAKCHECK)
        self.assertEqual(proc.returncode, 0, out(proc))
        log = proc.stdout + proc.stderr
        for check in ["weakref-dead-on-arrival", "weakref-self-capture-cycle",
                      "weakref-unchecked-lock"]:
            self.assertIn(f"warning: ", log)
            self.assertIn(f"[{check}]", log)
        self.assertNotIn("cannot specify -o", log)
        self.assertTrue((build / "chat").exists(), out(proc))

    def small_project(self):
        src = self.tmp / "small ü"
        src.mkdir()
        shutil.copy(pathlib.Path(DATA) / "findings.cpp", src / "findings.cpp")
        shutil.copy(pathlib.Path(DATA) / "clean.cpp", src / "clean file.cpp")
        (src / "CMakeLists.txt").write_text(
            "cmake_minimum_required(VERSION 3.20)\nproject(small LANGUAGES CXX)\n"
            "set(CMAKE_CXX_STANDARD 17)\n"
            "add_library(with_finding STATIC findings.cpp)\n"
            "add_library(without_finding STATIC \"clean file.cpp\")\n")
        return src

    def test_warnings_as_errors_fail_the_build_ninja_and_make(self):
        src = self.small_project()
        for generator in ["Ninja", "Unix Makefiles"]:
            with self.subTest(generator=generator):
                proc, build = self.configure_and_build(
                    src, generator, f"{WEAKCHECK};--warnings-as-errors=weakref-*")
                self.assertNotEqual(proc.returncode, 0, out(proc))
                log = proc.stdout + proc.stderr
                self.assertIn("error: weak reference 'w' is dead on arrival", log)
                # Only the file with the finding failed.
                self.assertTrue((build / "libwithout_finding.a").exists(), out(proc))
                self.assertFalse((build / "libwith_finding.a").exists(), out(proc))
        # Without --warnings-as-errors the same project builds, Make too.
        proc, build = self.configure_and_build(src, "Unix Makefiles", WEAKCHECK)
        self.assertEqual(proc.returncode, 0, out(proc))
        self.assertIn("[weakref-dead-on-arrival]", proc.stdout + proc.stderr)


class RunClangTidy(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="weakcheck-run-clang-tidy-")
        self.p = Project(self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_clang_tidy(self, *args):
        return run([RUN_CLANG_TIDY, "-clang-tidy-binary", WEAKCHECK, "-p", "build", "-j", "2",
                    *args], cwd=self.p.dir)

    def test_findings_are_reported_and_exit_as_clang_tidy(self):
        proc = self.run_clang_tidy("-quiet")
        self.assertEqual(proc.returncode, 0, out(proc))
        self.assertIn("[weakref-dead-on-arrival]", proc.stdout)
        self.assertIn("[weakref-self-capture-cycle]", proc.stdout)
        self.assertNotIn("Unable to run clang-tidy", proc.stderr)

    def test_every_option_it_passes(self):
        (self.p.dir / "cfg.yaml").write_text("Checks: '-*,bugprone-*,weakref-*'\n")
        proc = self.run_clang_tidy(
            "-checks=-*,bugprone-*,weakref-*", "-header-filter=.*",
            "-exclude-header-filter=vendor/", "-extra-arg=-DWEAKCHECK_EXTRA=1",
            "-extra-arg-before=-Wno-unused", "-use-color", "-config-file",
            str(self.p.dir / "cfg.yaml"), "-warnings-as-errors=weakref-dead-on-arrival",
            "-allow-no-checks", "-line-filter=[{\"name\":\"findings.cpp\"},"
            "{\"name\":\"fixable.cpp\",\"lines\":[[1,2]]}]",
            "-export-fixes", str(self.p.dir / "all fixes.yaml"), "findings", "fixable")
        # A finding turned into an error fails the run, as with clang-tidy.
        self.assertEqual(proc.returncode, 1, out(proc))
        self.assertIn("\x1b[", proc.stdout)  # -use-color
        self.assertIn("dead on arrival", proc.stdout)
        # The line filter drops fixable.cpp's finding (line 6).
        self.assertNotIn("[weakref-self-capture-cycle]", proc.stdout)
        self.assertTrue((self.p.dir / "all fixes.yaml").exists(), out(proc))

    def test_fix_through_clang_apply_replacements(self):
        proc = self.run_clang_tidy("-checks=-*,weakref-self-capture-cycle", "-fix",
                                   "-clang-apply-replacements-binary", APPLY, "fixable")
        self.assertEqual(proc.returncode, 0, out(proc))
        fixed = (self.p.dir / "sub dir" / "fixable.cpp").read_text()
        self.assertIn("[self = weak_from_this()]", fixed)
        self.assertEqual((self.p.dir / "findings.cpp").read_text(),
                         (pathlib.Path(DATA) / "findings.cpp").read_text())

    def test_config_and_no_checks(self):
        proc = self.run_clang_tidy("-config={Checks: '-*,weakref-dead-on-arrival'}", "clean")
        self.assertEqual(proc.returncode, 0, out(proc))
        # A configuration that enables nothing: an error, unless -allow-no-checks.
        proc = self.run_clang_tidy("-checks=-*", "clean")
        self.assertNotEqual(proc.returncode, 0, out(proc))
        proc = self.run_clang_tidy("-checks=-*", "-allow-no-checks", "clean")
        self.assertEqual(proc.returncode, 0, out(proc))


class ClangTidyDiff(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="weakcheck-clang-tidy-diff-")
        self.p = Project(self.tmp)
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t",
                   GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_EMAIL="t@example.invalid")
        for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "base"]):
            subprocess.run(cmd, cwd=self.p.dir, check=True, env=env, capture_output=True)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def diff_tidy(self, *args):
        diff = run(["git", "diff", "-U0", "HEAD"], cwd=self.p.dir).stdout
        return subprocess.run([sys.executable, CLANG_TIDY_DIFF, "-p1", "-clang-tidy-binary",
                               WEAKCHECK, "-path", "build", *args],
                              cwd=self.p.dir, input=diff, capture_output=True, text=True)

    def test_only_changed_lines_are_reported(self):
        # findings.cpp has a finding on line 4 (unchanged); a new one is added.
        with open(self.p.dir / "findings.cpp", "a") as f:
            f.write("void added() {\n  std::weak_ptr<Connection> fresh = "
                    "std::make_shared<Connection>();\n  (void)fresh;\n}\n")
        fixes = pathlib.Path(self.tmp) / "diff fixes.yaml"
        proc = self.diff_tidy("-quiet", "-j", "2", "-checks=-*,bugprone-*,weakref-*",
                              "-use-color", "-extra-arg=-DWEAKCHECK_EXTRA",
                              "-extra-arg-before=-Wno-unused", "-export-fixes", str(fixes))
        self.assertEqual(proc.returncode, 0, out(proc))
        self.assertIn("'fresh' is dead on arrival", proc.stdout)
        self.assertNotIn("'w' is dead on arrival", proc.stdout)
        self.assertTrue(fixes.exists(), out(proc))

    def test_fix(self):
        path = self.p.dir / "fixme.cpp"
        path.write_text(path.read_text().replace("on_read_ = [", "on_read_ = /* touched */ ["))
        proc = self.diff_tidy("-fix", "-checks=-*,weakref-self-capture-cycle")
        self.assertEqual(proc.returncode, 0, out(proc))
        self.assertIn("[self = weak_from_this()]", path.read_text())


if __name__ == "__main__":
    unittest.main(verbosity=2)
