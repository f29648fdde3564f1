#!/usr/bin/env python3
"""The real pre-commit (Debian's package) runs weakcheck through this
repository's .pre-commit-hooks.yaml: a staged file with a finding fails the
hook, a clean one passes.

    test_pre_commit.py <weakcheck binary> <this repository> <cli data dir>
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

WEAKCHECK, REPO, DATA = sys.argv[1:4]
del sys.argv[1:4]


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


class PreCommit(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="weakcheck-pre-commit-"))
        self.env = dict(os.environ)
        self.env["PATH"] = str(pathlib.Path(WEAKCHECK).parent) + os.pathsep + self.env["PATH"]
        self.env["PRE_COMMIT_HOME"] = str(self.tmp / "cache")
        self.env["HOME"] = str(self.tmp)
        for var in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"]:
            self.env[var] = "weakcheck test"
        for var in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"]:
            self.env[var] = "test@example.invalid"
        # The hooks file as committed in this repository, at a commit of its own,
        # so the test also works on a working tree with uncommitted changes.
        self.hooks_repo = self.tmp / "hooks-repo"
        self.hooks_repo.mkdir()
        git("init", "-q", cwd=self.hooks_repo)
        shutil.copy(pathlib.Path(REPO) / ".pre-commit-hooks.yaml", self.hooks_repo)
        git("add", ".", cwd=self.hooks_repo)
        subprocess.run(["git", "commit", "-qm", "hooks"], cwd=self.hooks_repo, env=self.env,
                       check=True)
        rev = git("rev-parse", "HEAD", cwd=self.hooks_repo)
        self.project = self.tmp / "project"
        self.project.mkdir()
        git("init", "-q", cwd=self.project)
        self.rev = rev
        self.write_config()
        for name in ["findings.cpp", "clean.cpp"]:
            shutil.copy(pathlib.Path(DATA) / name, self.project / name)
        git("add", ".", cwd=self.project)

    def write_config(self, args=None):
        (self.project / ".pre-commit-config.yaml").write_text(
            "repos:\n"
            f"  - repo: {self.hooks_repo}\n"
            f"    rev: {self.rev}\n"
            "    hooks:\n"
            "      - id: weakcheck\n" + (f"        args: {args}\n" if args else ""))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def pre_commit(self, *files):
        flags = [f for f in files if f.startswith("--")]
        files = [f for f in files if not f.startswith("--")]
        return subprocess.run(["pre-commit", "run", *flags, "--files", *files], cwd=self.project,
                              env=self.env, capture_output=True, text=True)

    def test_finding_fails_the_hook(self):
        proc = self.pre_commit("findings.cpp")
        self.assertNotEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("weakref-dead-on-arrival", proc.stdout)
        self.assertIn("Failed", proc.stdout)

    def test_clean_file_passes(self):
        proc = self.pre_commit("clean.cpp")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("Passed", proc.stdout)

    def test_header_that_is_not_self_contained_is_checked_through_its_source(self):
        # widget.h uses std::weak_ptr and Widget without including anything:
        # only widget.cpp, which includes it, makes it compile.
        (self.project / "widget ü.h").write_text(
            "struct Holder {\n  std::weak_ptr<Widget> w = std::make_shared<Widget>();\n};\n")
        (self.project / "widget.cpp").write_text(
            "#include <memory>\nstruct Widget {};\n#include \"widget ü.h\"\n"
            "Holder h;\n")
        (self.project / "clean ü.h").write_text("#include <memory>\n"
                                                "inline std::shared_ptr<int> one() "
                                                "{ return std::make_shared<int>(1); }\n")
        git("add", ".", cwd=self.project)
        # The header alone: skipped with a note, not a failure (--quiet would
        # hide the note).
        self.write_config(args="[]")
        proc = self.pre_commit("--verbose", "widget ü.h", "clean ü.h")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("skipping header", proc.stdout)
        self.assertIn("widget ü.h", proc.stdout)
        self.assertNotIn("failed to compile", proc.stdout)
        self.assertNotIn("Error while processing", proc.stdout)
        # With its source and a header filter, the finding in it is reported.
        self.write_config(args="[--quiet, --header-filter=.*]")
        proc = self.pre_commit("widget ü.h", "widget.cpp")
        self.assertNotEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("widget ü.h:2:", proc.stdout)
        self.assertIn("[weakref-dead-on-arrival]", proc.stdout)

    def test_no_database_notice_survives_quiet(self):
        proc = self.pre_commit("--verbose", "clean.cpp")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("no compilation database found", proc.stdout)

    def test_hook_runs_serially(self):
        hooks = (pathlib.Path(REPO) / ".pre-commit-hooks.yaml").read_text()
        self.assertIn("require_serial: true", hooks)

    def test_non_c_files_are_skipped(self):
        (self.project / "notes.txt").write_text("std::weak_ptr<T> w = std::make_shared<T>();\n")
        git("add", "notes.txt", cwd=self.project)
        proc = self.pre_commit("notes.txt")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("no files to check", proc.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
