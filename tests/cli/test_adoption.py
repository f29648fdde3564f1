#!/usr/bin/env python3
"""Adopting weakcheck on an existing code base, end to end in temporary git
repositories (paths with spaces and non-ASCII names, run from
sub-directories):

- --diff reports only findings on changed lines: added lines, a moved
  function, a renamed file, staged versus committed changes, the default
  revision (merge base with the upstream branch), and inside the real
  pre-commit program only the staged lines;
- --baseline leaves out the findings of an earlier JSON or SARIF report
  even when inserted lines move them, and reports a new one, in every
  output format; identical lines get distinct fingerprints;
- the examples project: --write-baseline, then a change that adds one bug
  and moves others, reports exactly the new one in every format;
- bad --diff and --baseline input: a clear message, status 2, no document.

    test_adoption.py <weakcheck> <repository root> <sarif schema>
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

import jsonschema

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_sarif_github  # noqa: E402

WEAKCHECK, REPO, SARIF_SCHEMA = sys.argv[1:4]
del sys.argv[1:4]
FORMATS = ["text", "json", "sarif", "codeclimate"]
SCHEMA = json.loads(pathlib.Path(SARIF_SCHEMA).read_text())


def sarif_problems(doc):
    """The official 2.1.0 schema and GitHub's documented requirements."""
    return ([e.message for e in jsonschema.validators.validator_for(SCHEMA)(SCHEMA).iter_errors(doc)]
            + check_sarif_github.problems(doc))

HEADER = "#include <memory>\nstruct Conn {};\nvoid use(const std::weak_ptr<Conn> &);\n"


def dead(name):
    """One line with a weakref-dead-on-arrival finding."""
    return f"  std::weak_ptr<Conn> {name} = std::make_shared<Conn>(); use({name});\n"


def func(fname, *bodies):
    return f"void {fname}() {{\n" + "".join(bodies) + "}\n"


def git_env(tmp):
    env = dict(os.environ)
    for var in ["PRE_COMMIT", "GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE"]:
        env.pop(var, None)
    env.update(HOME=str(tmp), GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="weakcheck test", GIT_COMMITTER_NAME="weakcheck test",
               GIT_AUTHOR_EMAIL="test@example.invalid", GIT_COMMITTER_EMAIL="test@example.invalid")
    return env


class Repo:
    """A temporary git repository whose path has a space and a non-ASCII letter."""

    def __init__(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="weakcheck adoption "))
        self.root = self.tmp / "prøject dir"
        self.root.mkdir()
        self.env = git_env(self.tmp)
        self.git("init", "-q", "-b", "main")

    def close(self):
        shutil.rmtree(self.tmp)

    def git(self, *args):
        return subprocess.run(["git", *args], cwd=self.root, env=self.env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def write(self, rel, text):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message="change"):
        self.git("add", "-A")
        self.git("commit", "-qm", message)

    def weakcheck(self, *args, cwd=None, env=None):
        run_env = dict(self.env)
        run_env.update(env or {})
        return subprocess.run([WEAKCHECK, *args], cwd=cwd or self.root, env=run_env,
                              capture_output=True, text=True)


def codeclimate_problems(issues, root):
    """What GitLab's code quality report needs of each issue."""
    out = []
    if not isinstance(issues, list):
        return ["not a JSON array"]
    fingerprints = [i.get("fingerprint") for i in issues]
    if len(set(fingerprints)) != len(fingerprints):
        out.append("fingerprints are not unique")
    for n, issue in enumerate(issues):
        for key in ["description", "check_name", "fingerprint"]:
            if not isinstance(issue.get(key), str) or not issue[key]:
                out.append(f"issue {n}: no {key}")
        if issue.get("type") != "issue":
            out.append(f"issue {n}: type {issue.get('type')!r}")
        if issue.get("severity") not in {"info", "minor", "major", "critical", "blocker"}:
            out.append(f"issue {n}: severity {issue.get('severity')!r}")
        path = issue.get("location", {}).get("path", "")
        if not path or path.startswith("/") or not (pathlib.Path(root) / path).is_file():
            out.append(f"issue {n}: path {path!r} is not a file relative to the repository")
        lines = issue.get("location", {}).get("lines", {})
        if not isinstance(lines.get("begin"), int) or lines["begin"] < 1 or lines.get("end", 1) < lines["begin"]:
            out.append(f"issue {n}: lines {lines!r}")
    return out


def reported(proc, fmt, root=None):
    """(file name, line) of each finding in a report, whatever its format."""
    if fmt == "text":
        return sorted((pathlib.Path(m.group(1)).name, int(m.group(2)))
                      for m in re.finditer(r"^(.*?):(\d+):\d+: (?:warning|error): .*\[weakref-",
                                           proc.stdout, re.M))
    doc = json.loads(proc.stdout)
    if fmt == "json":
        return sorted((pathlib.Path(d["location"]["file"]).name, d["location"]["line"])
                      for d in doc["diagnostics"])
    if fmt == "sarif":
        out = []
        for r in doc["runs"][0]["results"]:
            loc = r["locations"][0]["physicalLocation"]
            out.append((urllib.parse.unquote(pathlib.PurePosixPath(loc["artifactLocation"]["uri"]).name),
                        loc["region"]["startLine"]))
        return sorted(out)
    if root is not None:
        problems = codeclimate_problems(doc, root)
        if problems:
            raise AssertionError("code quality report: " + "; ".join(problems))
    return sorted((pathlib.PurePosixPath(i["location"]["path"]).name, i["location"]["lines"]["begin"])
                  for i in doc)


class Diff(unittest.TestCase):
    def setUp(self):
        self.repo = Repo()
        self.repo.write("src/a b.cpp", HEADER + func("old", dead("w1")) + func("other", "  int x = 0; (void)x;\n"))
        self.repo.commit("base")

    def tearDown(self):
        self.repo.close()

    def run_diff(self, *args, fmt="text", **kw):
        return self.repo.weakcheck("--format=" + fmt, *args, **kw)

    def test_only_added_lines_are_reported_from_a_sub_directory(self):
        self.repo.write("src/a b.cpp", HEADER + "// a comment\n" + func("old", dead("w1"), dead("w2"))
                        + func("other", "  int x = 0; (void)x;\n"))
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                proc = self.run_diff("--diff=HEAD", "a b.cpp", "--", fmt=fmt, cwd=self.repo.root / "src")
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertEqual(reported(proc, fmt, self.repo.root), [("a b.cpp", 7)])
                self.assertIn("1 finding in 1 file; 1 outside the changes since HEAD", proc.stderr)
                if fmt == "sarif":
                    self.assertEqual(sarif_problems(json.loads(proc.stdout)), [])
                    uri = json.loads(proc.stdout)["runs"][0]["results"][0]["locations"][0][
                        "physicalLocation"]["artifactLocation"]["uri"]
                    self.assertEqual(uri, "src/a%20b.cpp")
                if fmt == "json":
                    self.assertEqual(json.loads(proc.stdout)["summary"]["outsideDiff"], 1)
        # Without --diff both are there.
        self.assertEqual(len(reported(self.run_diff("a b.cpp", "--", cwd=self.repo.root / "src"), "text")), 2)

    def test_a_moved_function_is_changed_code_unless_the_baseline_knows_it(self):
        self.repo.weakcheck("--write-baseline=base.json", "src/a b.cpp", "--")
        self.repo.write("src/a b.cpp", HEADER + func("other", "  int x = 0; (void)x;\n") + func("old", dead("w1")))
        proc = self.run_diff("--diff=HEAD", "src/a b.cpp", "--")
        self.assertEqual(reported(proc, "text"), [("a b.cpp", 8)], proc.stderr)
        proc = self.run_diff("--diff=HEAD", "--baseline=base.json", "src/a b.cpp", "--")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("1 suppressed by the baseline", proc.stderr)

    def test_a_renamed_file_reports_only_its_changed_lines(self):
        self.repo.git("checkout", "-q", "-b", "topic")
        self.repo.git("mv", "src/a b.cpp", "src/renamed é.cpp")
        self.repo.commit("rename")
        proc = self.run_diff("--diff=main", "src/renamed é.cpp", "--")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("0 findings in 0 files", proc.stderr)
        text = (self.repo.root / "src/renamed é.cpp").read_text()
        self.repo.write("src/renamed é.cpp", text + func("added", dead("w3")))
        self.repo.commit("add")
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                proc = self.run_diff("--diff=main", "src/renamed é.cpp", "--", fmt=fmt)
                self.assertEqual(reported(proc, fmt, self.repo.root), [("renamed é.cpp", 11)], proc.stderr)

    def test_default_revision_is_the_merge_base_with_upstream(self):
        self.repo.git("checkout", "-q", "-b", "topic")
        self.repo.git("branch", "-q", "--set-upstream-to=main")
        self.repo.write("src/new.cpp", HEADER + func("f", dead("n")))
        self.repo.commit("new file on topic")
        # main moves on after the fork: its changes are not this branch's.
        self.repo.git("checkout", "-q", "main")
        self.repo.write("src/main only.cpp", HEADER + func("g", dead("m")))
        self.repo.commit("main moves")
        self.repo.git("checkout", "-q", "topic")
        proc = self.run_diff("--diff", "-j1", "src/new.cpp", "src/a b.cpp", "--")
        self.assertEqual(reported(proc, "text"), [("new.cpp", 5)], proc.stderr)
        self.assertIn("merge base with the upstream branch", proc.stderr)
        # No upstream: a clear error.
        self.repo.git("branch", "-q", "--unset-upstream")
        proc = self.run_diff("--diff", "src/new.cpp", "--")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no upstream branch", proc.stderr)
        self.assertIn("--diff=<rev>", proc.stderr)

    def test_staged_changes_in_a_hook_and_committed_ones_after(self):
        self.repo.write("src/a b.cpp", HEADER + func("old", dead("w1"), dead("w2"))
                        + func("other", "  int x = 0; (void)x;\n"))
        self.repo.git("add", "src/a b.cpp")
        self.repo.write("src/untracked.cpp", HEADER + func("u", dead("u")))
        hook = {"PRE_COMMIT": "1"}
        proc = self.run_diff("--diff", "src/a b.cpp", "src/untracked.cpp", "--", env=hook)
        self.assertEqual(reported(proc, "text"), [("a b.cpp", 6)], proc.stderr)
        self.assertIn("outside the staged changes", proc.stderr)
        # Outside a hook the untracked file counts as new, and so do staged lines.
        proc = self.run_diff("--diff=HEAD", "src/a b.cpp", "src/untracked.cpp", "--")
        self.assertEqual(reported(proc, "text"), [("a b.cpp", 6), ("untracked.cpp", 5)], proc.stderr)
        os.remove(self.repo.root / "src/untracked.cpp")
        self.repo.git("commit", "-qm", "w2")
        proc = self.run_diff("--diff", "src/a b.cpp", "--", env=hook)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(reported(proc, "text"), [])
        proc = self.run_diff("--diff=HEAD~1", "src/a b.cpp", "--")
        self.assertEqual(reported(proc, "text"), [("a b.cpp", 6)], proc.stderr)

    def test_git_hook_with_unstaged_edits_in_the_staged_file(self):
        # git's own pre-commit hook (GIT_INDEX_FILE) does not stash: the
        # staged line moves in the working tree and an unstaged one is added.
        self.repo.write("src/a b.cpp", HEADER + func("old", dead("w1"), dead("w2"))
                        + func("other", "  int x = 0; (void)x;\n"))
        self.repo.git("add", "src/a b.cpp")
        self.repo.write("src/a b.cpp", HEADER + "// unstaged\n// lines\n"
                        + func("old", dead("w1"), dead("w2"), dead("w3"))
                        + func("other", "  int x = 0; (void)x;\n"))
        hook = {"GIT_INDEX_FILE": str(self.repo.root / ".git" / "index")}
        proc = self.run_diff("--diff", "--format=json", "a b.cpp", "--", env=hook,
                             cwd=self.repo.root / "src")
        lines = [d["location"]["line"] for d in json.loads(proc.stdout)["diagnostics"]]
        self.assertEqual(lines, [8], proc.stderr)
        self.assertIn("2 outside the staged changes", proc.stderr)

    def test_a_note_on_a_changed_line_counts(self):
        # The owner (the note's line) changes; the weak reference's line does not.
        self.repo.write("src/n.cpp", HEADER + "void f() {\n  std::weak_ptr<Conn> w =\n"
                        "      std::make_shared<Conn>();\n  use(w);\n}\n")
        self.repo.commit("n")
        self.repo.write("src/n.cpp", HEADER + "void f() {\n  std::weak_ptr<Conn> w =\n"
                        "      std::make_shared<Conn>( );\n  use(w);\n}\n")
        proc = self.run_diff("--diff=HEAD", "--format=json", "src/n.cpp", "--")
        [d] = json.loads(proc.stdout)["diagnostics"]
        self.assertEqual(d["location"]["line"], 5)
        self.assertEqual(d["notes"][0]["location"]["line"], 6)

    def test_bad_diff_input(self):
        proc = self.run_diff("--diff=no-such-rev", "--format=json", "src/a b.cpp", "--")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("'no-such-rev' is not a revision", proc.stderr)
        self.assertEqual(proc.stdout, "")
        outside = pathlib.Path(tempfile.mkdtemp(prefix="weakcheck no git "))
        try:
            shutil.copy(self.repo.root / "src/a b.cpp", outside / "a.cpp")
            proc = subprocess.run([WEAKCHECK, "--diff=HEAD", "--format=sarif", "a.cpp", "--"],
                                  cwd=outside, env=self.repo.env, capture_output=True, text=True)
        finally:
            shutil.rmtree(outside)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--diff needs a git work tree", proc.stderr)
        self.assertEqual(proc.stdout, "")


class PreCommit(unittest.TestCase):
    """The real pre-commit program with the hook weakcheck-diff of
    .pre-commit-hooks.yaml: the staged lines' findings only (pre-commit
    stashes unstaged changes)."""

    def test_only_the_staged_lines_findings(self):
        repo = Repo()
        try:
            hooks = repo.tmp / "hooks"
            hooks.mkdir()
            shutil.copy(pathlib.Path(REPO) / ".pre-commit-hooks.yaml", hooks)
            subprocess.run(["git", "init", "-q"], cwd=hooks, env=repo.env, check=True)
            subprocess.run(["git", "add", "."], cwd=hooks, env=repo.env, check=True)
            subprocess.run(["git", "commit", "-qm", "hooks"], cwd=hooks, env=repo.env, check=True)
            rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, env=repo.env, check=True,
                                 capture_output=True, text=True).stdout.strip()
            repo.write(".pre-commit-config.yaml",
                       f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n"
                       "      - id: weakcheck-diff\n")
            repo.write("a b.cpp", HEADER + func("old", dead("old")))
            repo.commit("base")
            repo.write("a b.cpp", HEADER + func("old", dead("old"), dead("staged")))
            repo.git("add", "a b.cpp")
            repo.write("a b.cpp", HEADER + func("old", dead("old"), dead("staged"), dead("unstaged")))
            env = dict(repo.env)
            env["PATH"] = str(pathlib.Path(WEAKCHECK).parent) + os.pathsep + env["PATH"]
            env["PRE_COMMIT_HOME"] = str(repo.tmp / "cache")
            proc = subprocess.run(["pre-commit", "run"], cwd=repo.root, env=env,
                                  capture_output=True, text=True)
            self.assertNotEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertIn("'staged'", proc.stdout)
            self.assertNotIn("'old'", proc.stdout)
            self.assertNotIn("'unstaged'", proc.stdout)
            # The unstaged change is back in place.
            self.assertIn("unstaged", (repo.root / "a b.cpp").read_text())
        finally:
            repo.close()


class Baseline(unittest.TestCase):
    def setUp(self):
        self.repo = Repo()
        # Two identical lines: two findings, two fingerprints.
        self.repo.write("lib/b.cpp", HEADER + func("f", dead("w"), dead("w2")) + func("g", dead("w")))
        self.repo.commit()

    def tearDown(self):
        self.repo.close()

    def test_identical_lines_get_distinct_fingerprints(self):
        proc = self.repo.weakcheck("--format=json", "lib/b.cpp", "--")
        fps = [d["fingerprint"] for d in json.loads(proc.stdout)["diagnostics"]]
        self.assertEqual(len(fps), 3)
        self.assertEqual(len(set(fps)), 3)
        self.assertEqual(fps[0].split(":")[0], fps[2].split(":")[0])
        self.assertEqual((fps[0].split(":")[1], fps[2].split(":")[1]), ("1", "2"))

    def test_moved_findings_stay_suppressed_and_a_new_one_is_reported(self):
        for base_fmt in ["json", "sarif"]:
            with self.subTest(baseline=base_fmt):
                base = self.repo.tmp / ("base." + base_fmt)
                proc = self.repo.weakcheck("--format=" + base_fmt, "--output=" + str(base),
                                           "lib/b.cpp", "--")
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.check_new_only(base)

    def test_write_baseline_then_run_from_a_sub_directory(self):
        base = self.repo.tmp / "written baseline.json"
        proc = self.repo.weakcheck("--format=sarif", "--write-baseline=" + str(base), "lib/b.cpp", "--")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(json.loads(proc.stdout)["runs"][0]["results"]), 3)
        self.assertEqual(len(json.loads(base.read_text())["diagnostics"]), 3)
        self.check_new_only(base, cwd=self.repo.root / "lib", file="b.cpp")

    def check_new_only(self, base, cwd=None, file="lib/b.cpp"):
        # Lines inserted above move every finding; one more identical line is new.
        self.repo.write("lib/b.cpp", HEADER + "// moved\n\n\n"
                        + func("g", dead("w")) + func("f", dead("w"), dead("w2")) + func("h", dead("w")))
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                proc = self.repo.weakcheck("--format=" + fmt, "--baseline=" + str(base), file, "--", cwd=cwd)
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertIn("1 finding in 1 file; 3 suppressed by the baseline", proc.stderr)
                # The new one is the third identical line, whichever it is.
                self.assertEqual(len(reported(proc, fmt, self.repo.root)), 1, proc.stdout)
                if fmt == "json":
                    self.assertEqual(json.loads(proc.stdout)["summary"]["suppressedByBaseline"], 3)
                if fmt == "sarif":
                    self.assertEqual(sarif_problems(json.loads(proc.stdout)), [])
        # Restore.
        self.repo.git("checkout", "--", "lib/b.cpp")

    def test_exported_fixes_are_those_of_the_reported_findings(self):
        only = "--checks=-*,weakref-expired-then-lock"
        obs = "#include <memory>\nstruct Obs { void notify(); };\n"
        lock = ("void NAME(const std::weak_ptr<Obs> &w) {\n"
                "  if (!w.expired()) {\n    auto p = w.lock();\n    p->notify();\n  }\n}\n")
        self.repo.write("lib/fix.cpp", obs + lock.replace("NAME", "one"))
        self.repo.commit()
        base = self.repo.tmp / "fix-base.json"
        self.repo.weakcheck(only, "--write-baseline=" + str(base), "lib/fix.cpp", "--")
        self.repo.write("lib/fix.cpp", obs + lock.replace("NAME", "one") + lock.replace("NAME", "two"))
        for option in ["--baseline=" + str(base), "--diff=HEAD"]:
            with self.subTest(option=option):
                fixes = self.repo.tmp / "fixes.yaml"
                proc = self.repo.weakcheck(only, option, "--export-fixes=" + str(fixes), "lib/fix.cpp", "--")
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertEqual(len(reported(proc, "text")), 1, proc.stdout)
                yaml_text = fixes.read_text()
                self.assertEqual(yaml_text.count("DiagnosticName:"), 1, yaml_text)
        # Without filtering, both.
        proc = self.repo.weakcheck(only, "--export-fixes=" + str(fixes), "lib/fix.cpp", "--")
        self.assertEqual(fixes.read_text().count("DiagnosticName:"), 2)

    def test_bad_baselines(self):
        cases = {
            "not json": ("{", "is not a JSON or SARIF report"),
            "other json": ('{"a": 1}', "no \"diagnostics\" or \"runs\""),
            "old json": (json.dumps({"version": 1, "diagnostics": [{"check": "weakref-x"}]}),
                         "have no weakcheckFindingHash/v2 fingerprint"),
            "other version": (json.dumps({"version": 1, "fingerprintVersion": 1, "diagnostics": []}),
                              "another version"),
            "old sarif": (json.dumps({"version": "2.1.0", "runs": [{"results": [
                {"partialFingerprints": {"weakcheckFindingHash/v1": "x"}}]}]}),
                "have no weakcheckFindingHash/v2 fingerprint"),
        }
        for name, (text, message) in cases.items():
            with self.subTest(case=name):
                path = self.repo.write("base.json", text)
                proc = self.repo.weakcheck("--format=json", "--baseline=" + str(path), "lib/b.cpp", "--")
                self.assertEqual(proc.returncode, 2)
                self.assertIn(message, proc.stderr)
                self.assertEqual(proc.stdout, "")
        proc = self.repo.weakcheck("--baseline=/no/such/file.json", "lib/b.cpp", "--")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("cannot read baseline '/no/such/file.json'", proc.stderr)
        proc = self.repo.weakcheck("--write-baseline=/no/such/dir/b.json", "lib/b.cpp", "--")
        self.assertEqual(proc.returncode, 2)
        proc = self.repo.weakcheck("--output=x.json", "--write-baseline=x.json", "lib/b.cpp", "--")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--write-baseline names the same file", proc.stderr)
        self.assertFalse((self.repo.root / "x.json").exists())


class Examples(unittest.TestCase):
    """Done-when of issue 18 on the examples project."""

    def test_baseline_then_one_new_bug_and_moved_ones(self):
        repo = Repo()
        try:
            shutil.copytree(pathlib.Path(REPO) / "examples" / "src", repo.root / "src")
            repo.commit("examples")
            src = repo.root / "src"
            files = sorted(p.name for p in src.glob("*.cpp"))
            flags = ["--", "-std=c++20", "-I" + str(src),
                     "-I" + str(pathlib.Path(REPO) / "runtime" / "include")]
            proc = repo.weakcheck("--write-baseline=../base.json", "--quiet", *files, *flags, cwd=src)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            before = len(json.loads((repo.root / "base.json").read_text())["diagnostics"])
            self.assertGreaterEqual(before, 5)
            # Move publish_to_first (an unchecked-lock bug) below wire_up, push
            # cache.cpp's bug down, and add one new dead-on-arrival bug.
            observer = (src / "observer.cpp").read_text()
            start = observer.index("void Subject::publish_to_first")
            end = observer.index("void wire_up")
            moved = observer[start:end]
            observer = observer[:start] + observer[end:] + "\n" + moved
            observer += ("\nvoid wire_up_again(Subject &subject) {\n"
                         "  std::weak_ptr<Listener> spare = std::make_shared<Logger>();\n"
                         "  subject.subscribe(spare);\n}\n")
            (src / "observer.cpp").write_text(observer)
            new_line = observer.splitlines().index(
                "  std::weak_ptr<Listener> spare = std::make_shared<Logger>();") + 1
            cache = (src / "cache.cpp").read_text()
            (src / "cache.cpp").write_text("// Décor: lines that move everything below.\n\n\n" + cache)
            for fmt in FORMATS:
                with self.subTest(fmt=fmt):
                    proc = repo.weakcheck("--format=" + fmt, "--baseline=../base.json", *files, *flags,
                                          cwd=src)
                    self.assertEqual(proc.returncode, 1, proc.stderr)
                    self.assertEqual(reported(proc, fmt, repo.root), [("observer.cpp", new_line)], proc.stdout)
                    self.assertIn(f"suppressed by the baseline", proc.stderr)
                    self.assertIn(f"; {before} suppressed", proc.stderr)
                    if fmt == "sarif":
                        self.assertEqual(sarif_problems(json.loads(proc.stdout)), [])
        finally:
            repo.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
