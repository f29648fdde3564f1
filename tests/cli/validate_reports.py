#!/usr/bin/env python3
"""Validates weakcheck's machine-readable reports against their schemas:
--format=json against docs/json-output.schema.json, --format=sarif against
the official SARIF 2.1.0 schema, on inputs with findings, clean inputs, files
that do not compile and runs where every file fails. Also checks what
code-scanning consumers rely on beyond the schema: relative artifact URIs,
rules described from the doc pages, related locations for notes, and
fingerprints that survive edits above a finding.

    validate_reports.py <weakcheck> <json schema> <sarif schema> <data dir> <docs/checks dir>
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

import jsonschema

WEAKCHECK, JSON_SCHEMA, SARIF_SCHEMA, DATA, DOCS = sys.argv[1:6]
del sys.argv[1:6]

RUNS = {
    "findings": (["findings.cpp", "clean.cpp"], 1),
    "clean": (["clean.cpp"], 0),
    "one fails": (["syntax_error.cpp", "findings.cpp"], 2),
    "all fail": (["syntax_error.cpp"], 2),
    "fix-its": (["fixable.cpp"], 1),
}


def weakcheck(fmt, files, cwd=DATA, extra=()):
    return subprocess.run([WEAKCHECK, "--format=" + fmt, "--quiet", *files, "--", *extra],
                          cwd=cwd, capture_output=True, text=True)


def validator(path):
    schema = json.loads(pathlib.Path(path).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


class Reports(unittest.TestCase):
    def check_valid(self, fmt, schema_path):
        v = validator(schema_path)
        for name, (files, status) in RUNS.items():
            with self.subTest(run=name):
                proc = weakcheck(fmt, files)
                self.assertEqual(proc.returncode, status, proc.stderr)
                errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                          for e in v.iter_errors(json.loads(proc.stdout))]
                self.assertEqual(errors, [])

    def test_json_matches_its_schema(self):
        self.check_valid("json", JSON_SCHEMA)

    def test_sarif_matches_the_official_schema(self):
        self.check_valid("sarif", SARIF_SCHEMA)

    def test_no_document_when_the_run_never_starts(self):
        for fmt in ["json", "sarif"]:
            proc = weakcheck(fmt, ["findings.cpp"], extra=["-fno-such-flag"])
            self.assertEqual(proc.returncode, 2)
            self.assertEqual(proc.stdout, "")

    def test_sarif_content_for_code_scanning(self):
        proc = weakcheck("sarif", ["findings.cpp", "syntax_error.cpp"])
        run = json.loads(proc.stdout)["runs"][0]
        self.assertEqual(run["originalUriBaseIds"]["SRCROOT"]["uri"],
                         pathlib.Path(DATA).resolve().as_uri() + "/")
        driver = run["tool"]["driver"]
        self.assertEqual(driver["name"], "weakcheck")
        rules = {r["id"]: r for r in driver["rules"]}
        for rule_id, rule in rules.items():
            page = pathlib.Path(DOCS) / (rule_id[len("weakref-"):] + ".md")
            first_paragraph = page.read_text().split("\n\n")[1].replace("\n", " ").strip()
            self.assertEqual(rule["shortDescription"]["text"], first_paragraph)
            self.assertTrue(rule["helpUri"].endswith("/docs/checks/" + page.name))
        [result] = run["results"]
        self.assertEqual(result["ruleId"], "weakref-dead-on-arrival")
        self.assertEqual(driver["rules"][result["ruleIndex"]]["id"], result["ruleId"])
        loc = result["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"], {"uri": "findings.cpp", "uriBaseId": "SRCROOT"})
        self.assertEqual((loc["region"]["startLine"], loc["region"]["startColumn"]), (4, 29))
        [note] = result["relatedLocations"]
        self.assertIn("temporary owner", note["message"]["text"])
        self.assertEqual(note["physicalLocation"]["region"]["endColumn"], 63)
        self.assertIn("weakcheckFindingHash/v1", result["partialFingerprints"])
        invocation = run["invocations"][0]
        self.assertFalse(invocation["executionSuccessful"])
        self.assertEqual(invocation["toolExecutionNotifications"][0]["locations"][0]
                         ["physicalLocation"]["artifactLocation"]["uri"], "syntax_error.cpp")

    def test_fingerprint_survives_lines_added_above(self):
        tmp = pathlib.Path(tempfile.mkdtemp())
        try:
            source = (pathlib.Path(DATA) / "findings.cpp").read_text()
            (tmp / "findings.cpp").write_text(source)
            before = json.loads(weakcheck("sarif", ["findings.cpp"], cwd=tmp).stdout)
            (tmp / "findings.cpp").write_text("// a new comment\n\n" + source)
            after = json.loads(weakcheck("sarif", ["findings.cpp"], cwd=tmp).stdout)
        finally:
            shutil.rmtree(tmp)
        r0, r1 = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
        self.assertEqual(r1["locations"][0]["physicalLocation"]["region"]["startLine"],
                         r0["locations"][0]["physicalLocation"]["region"]["startLine"] + 2)
        self.assertEqual(r0["partialFingerprints"], r1["partialFingerprints"])


class EditorDocs(unittest.TestCase):
    def test_vscode_problem_matcher_matches_text_output(self):
        import re
        doc = (pathlib.Path(DOCS).parent / "editors.md").read_text()
        block = doc.split("`.vscode/tasks.json`:")[1].split("```json")[1].split("```")[0]
        pattern = json.loads(block)["tasks"][0]["problemMatcher"]["pattern"]
        regexp = re.compile(pattern["regexp"])
        proc = subprocess.run([WEAKCHECK, "--quiet", "findings.cpp", "syntax_error.cpp", "--"],
                              cwd=DATA, capture_output=True, text=True)
        matches = [m for m in map(regexp.match, proc.stdout.splitlines()) if m]
        kinds = [(m.group(pattern["severity"]), m.group(pattern["code"])) for m in matches]
        self.assertIn(("warning", "weakref-dead-on-arrival"), kinds)
        self.assertIn(("note", None), kinds)
        self.assertIn(("error", "clang-diagnostic-error"), kinds)
        warning = next(m for m in matches if m.group(pattern["severity"]) == "warning")
        self.assertEqual(warning.group(pattern["file"]), "findings.cpp")
        self.assertEqual((warning.group(pattern["line"]), warning.group(pattern["column"])), ("4", "29"))
        self.assertTrue(warning.group(pattern["message"]).startswith("weak reference 'w' is dead"))
        self.assertFalse(warning.group(pattern["message"]).endswith("]"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
