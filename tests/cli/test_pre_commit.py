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
        (self.project / ".pre-commit-config.yaml").write_text(
            "repos:\n"
            f"  - repo: {self.hooks_repo}\n"
            f"    rev: {rev}\n"
            "    hooks:\n"
            "      - id: weakcheck\n")
        for name in ["findings.cpp", "clean.cpp"]:
            shutil.copy(pathlib.Path(DATA) / name, self.project / name)
        git("add", ".", cwd=self.project)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def pre_commit(self, *files):
        return subprocess.run(["pre-commit", "run", "--files", *files], cwd=self.project,
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

    def test_non_c_files_are_skipped(self):
        (self.project / "notes.txt").write_text("std::weak_ptr<T> w = std::make_shared<T>();\n")
        git("add", "notes.txt", cwd=self.project)
        proc = self.pre_commit("notes.txt")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("no files to check", proc.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
