#!/usr/bin/env python3
"""scripts/new-check writes every file a check needs and registers it in
sorted order; it refuses bad names and existing checks. Runs on a copy of
the repository's relevant files."""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "new-check"


class NewCheckTest(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="new-check-"))
        for part in ["checks", "docs/checks", "tests/checks"]:
            shutil.copytree(ROOT / part, self.tmp / part)
        shutil.copy(ROOT / "README.md", self.tmp / "README.md")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_script(self, *args):
        return subprocess.run([sys.executable, str(SCRIPT), *args, "--root", str(self.tmp)],
                              capture_output=True, text=True)

    def test_writes_all_files_and_sorted_registrations(self):
        for name in ["zz-last-check", "aa-first-check", "middle-check"]:
            proc = self.run_script(name, "Finds things that are " + name)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        for cls, name in [("AaFirstCheckCheck", "aa-first-check"),
                          ("MiddleCheckCheck", "middle-check")]:
            header = (self.tmp / "checks" / (cls + ".h")).read_text()
            self.assertIn("/// Finds things that are " + name + ".", header)
            self.assertIn("class %s : public ClangTidyCheck" % cls, header)
            source = (self.tmp / "checks" / (cls + ".cpp")).read_text()
            self.assertIn("void %s::storeOptions" % cls, source)
            test = (self.tmp / "tests" / "checks" / name / "basic.cpp").read_text()
            self.assertIn("expected-warning", test)
            doc = (self.tmp / "docs" / "checks" / (name + ".md")).read_text()
            self.assertTrue(doc.startswith("# weakref-" + name))
            self.assertIn("## Options", doc)
            self.assertIn("## Limits", doc)

        module = (self.tmp / "checks" / "WeakrefTidyModule.cpp").read_text()
        registered = re.findall(r'registerCheck<\w+>\("([^"]+)"\)', module)
        self.assertEqual(registered, sorted(registered))
        self.assertIn("weakref-middle-check", registered)
        includes = re.findall(r'#include "(\w+Check)\.h"', module)
        self.assertEqual(includes, sorted(includes))
        self.assertIn("MiddleCheckCheck", includes)

        cmake = (self.tmp / "checks" / "CMakeLists.txt").read_text()
        block = cmake.split("add_library(weakcheck_checks OBJECT")[1].split(")")[0]
        sources = block.split()
        self.assertEqual(sources, sorted(sources))
        self.assertIn("MiddleCheckCheck.cpp", sources)

        readme = (self.tmp / "README.md").read_text()
        rows = readme.split("<!-- BEGIN CHECKS -->")[1].split("<!-- END CHECKS -->")[0]
        names = re.findall(r"\[`(weakref-[a-z-]+)`\]", rows)
        self.assertEqual(names, sorted(names))
        self.assertIn("weakref-zz-last-check", names)

    def test_refuses_existing_check(self):
        proc = self.run_script("dead-on-arrival", "Again.")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("exists already", proc.stderr)

    def test_refuses_bad_names(self):
        for bad in ["Bad_Name", "-lead", "two--dashes", ""]:
            proc = self.run_script(bad, "Summary.")
            self.assertNotEqual(proc.returncode, 0, bad)


if __name__ == "__main__":
    unittest.main()
