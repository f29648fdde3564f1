#!/usr/bin/env python3
"""Validates weakcheck's machine-readable reports against their schemas:
--format=json against docs/json-output.schema.json, --format=sarif against
the official SARIF 2.1.0 schema, on inputs with findings, clean inputs, files
that do not compile and runs where every file fails. Also checks what
code-scanning consumers rely on beyond the schema (check_sarif_github.py, on
every SARIF document these tests produce): relative artifact URIs with
symlinks resolved, UTF-16 columns on non-ASCII lines, rules described from
the doc pages, related locations for notes, and fingerprints that survive
edits above a finding.

    validate_reports.py <weakcheck> <json schema> <sarif schema> <data dir> <docs/checks dir>
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import jsonschema

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_sarif_github  # noqa: E402

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


def git_top_level(path):
    proc = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"],
                          capture_output=True, text=True)
    return pathlib.Path(proc.stdout.strip()).resolve() if proc.returncode == 0 else None


def validator(path):
    schema = json.loads(pathlib.Path(path).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


class Reports(unittest.TestCase):
    def assertValidSarif(self, doc, category=None):
        """The official 2.1.0 schema and GitHub's documented requirements."""
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                  for e in validator(SARIF_SCHEMA).iter_errors(doc)]
        self.assertEqual(errors, [])
        self.assertEqual(check_sarif_github.problems(doc, category), [])

    def check_valid(self, fmt, schema_path):
        v = validator(schema_path)
        for name, (files, status) in RUNS.items():
            with self.subTest(run=name):
                proc = weakcheck(fmt, files)
                self.assertEqual(proc.returncode, status, proc.stderr)
                doc = json.loads(proc.stdout)
                errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                          for e in v.iter_errors(doc)]
                self.assertEqual(errors, [])
                if fmt == "sarif":
                    self.assertValidSarif(doc)

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
        doc = json.loads(proc.stdout)
        self.assertValidSarif(doc)
        run = doc["runs"][0]
        # %SRCROOT% is the git top level (the working directory outside git).
        root = git_top_level(DATA) or pathlib.Path(DATA).resolve()
        self.assertEqual(run["originalUriBaseIds"]["SRCROOT"]["uri"], root.as_uri() + "/")
        rel = (pathlib.Path(DATA).resolve() / "findings.cpp").relative_to(root).as_posix()
        self.assertEqual(run["columnKind"], "utf16CodeUnits")
        driver = run["tool"]["driver"]
        self.assertEqual(driver["name"], "weakcheck")
        rules = {r["id"]: r for r in driver["rules"]}
        self.assertEqual(set(rules), {"weakref-" + p.stem for p in pathlib.Path(DOCS).glob("*.md")})
        for rule_id, rule in rules.items():
            page = pathlib.Path(DOCS) / (rule_id[len("weakref-"):] + ".md")
            first_paragraph = page.read_text().split("\n\n")[1].replace("\n", " ").strip()
            self.assertEqual(rule["shortDescription"]["text"], first_paragraph)
            self.assertTrue(rule["helpUri"].endswith("/docs/checks/" + page.name))
            # The page, with its links to other pages made absolute.
            docs_url = rule["helpUri"][:-len("/checks/" + page.name)]
            want = re.sub(r"\]\(\.\./([^)\s]*\.md(#[^)\s]*)?)\)", lambda m: "](" + docs_url + "/" + m.group(1) + ")",
                          page.read_text().rstrip("\n") + "\n")
            want = re.sub(r"\]\(([\w.-]+\.md(#[^)\s]*)?)\)", lambda m: "](" + docs_url + "/checks/" + m.group(1) + ")", want)
            self.assertEqual(rule["help"]["markdown"], want)
            self.assertNotRegex(rule["help"]["markdown"], r"\]\((?!https?://)[^)\s]*\.md")
        self.assertEqual(rules["weakref-unchecked-lock"]["properties"]["security-severity"], "7.5")
        self.assertNotIn("security-severity", rules["weakref-dead-on-arrival"]["properties"])
        [result] = run["results"]
        self.assertEqual(result["ruleId"], "weakref-dead-on-arrival")
        self.assertEqual(driver["rules"][result["ruleIndex"]]["id"], result["ruleId"])
        loc = result["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"], {"uri": rel, "uriBaseId": "SRCROOT"})
        self.assertEqual(loc["region"], {"startLine": 4, "startColumn": 29,
                                         "endLine": 4, "endColumn": 30})
        [note] = result["relatedLocations"]
        self.assertIn("temporary owner", note["message"]["text"])
        self.assertIn("[" + note["message"]["text"] + "](1)", result["message"]["text"])
        self.assertEqual(note["id"], 1)
        self.assertEqual(note["physicalLocation"]["region"]["endColumn"], 63)
        source = (pathlib.Path(DATA) / "findings.cpp").read_bytes()
        self.assertEqual(result["partialFingerprints"]["primaryLocationLineHash"],
                         check_sarif_github.line_hashes(source)[3])
        self.assertRegex(result["partialFingerprints"]["weakcheckFindingHash/v2"],
                         r"^[0-9a-f]{16}:1$")
        self.assertNotIn("automationDetails", run)
        invocation = run["invocations"][0]
        self.assertFalse(invocation["executionSuccessful"])
        self.assertEqual(invocation["toolExecutionNotifications"][0]["locations"][0]
                         ["physicalLocation"]["artifactLocation"]["uri"],
                         rel.replace("findings.cpp", "syntax_error.cpp"))

    def test_the_checker_finds_what_github_would_miss(self):
        import copy
        good = json.loads(weakcheck("sarif", ["findings.cpp"]).stdout)
        self.assertValidSarif(good)

        def broken(change):
            doc = copy.deepcopy(good)
            change(doc["runs"][0], doc["runs"][0]["results"][0])
            return "\n".join(check_sarif_github.problems(doc))

        def bump_column(run, result):
            result["locations"][0]["physicalLocation"]["region"]["startColumn"] = 200
        cases = {
            "columnKind": lambda run, result: run.update(columnKind="unicodeCodePoints"),
            "region lacks endColumn": lambda run, result: result["locations"][0][
                "physicalLocation"]["region"].pop("endColumn"),
            "startColumn 200 outside line 4": bump_column,
            "codeql-action computes": lambda run, result: result["partialFingerprints"].update(
                primaryLocationLineHash="0:1"),
            "is not linked from the message": lambda run, result: result["message"].update(text="x"),
            "links to missing related location 7": lambda run, result: result["message"].update(
                text="x [y](7) [z](1)"),
            "no help.markdown": lambda run, result: run["tool"]["driver"]["rules"][0]["help"].pop("markdown"),
            "security-severity None": lambda run, result: next(
                r for r in run["tool"]["driver"]["rules"] if r["id"] == "weakref-unchecked-lock"
            )["properties"].pop("security-severity"),
            "properties.precision": lambda run, result: run["tool"]["driver"]["rules"][0][
                "properties"].update(precision="sometimes"),
            "neither relative": lambda run, result: result["locations"][0]["physicalLocation"][
                "artifactLocation"].update(uri="/abs/findings.cpp", uriBaseId=None) or result[
                "locations"][0]["physicalLocation"]["artifactLocation"].pop("uriBaseId"),
            "ruleIndex does not point": lambda run, result: result.update(ruleIndex=0),
        }
        for message, change in cases.items():
            with self.subTest(case=message):
                self.assertIn(message, broken(change))
        self.assertIn("runAutomationDetails.id", "\n".join(check_sarif_github.problems(good, "cat")))

    def test_category_root_and_files_outside_it(self):
        proc = subprocess.run([WEAKCHECK, "--format=sarif", "--quiet", "--sarif-category=weak/check",
                               "--sarif-root=" + str(pathlib.Path(DATA).parent),
                               str(pathlib.Path(DATA) / "findings.cpp"), "--"],
                              cwd=tempfile.gettempdir(), capture_output=True, text=True)
        doc = json.loads(proc.stdout)
        self.assertValidSarif(doc, category="weak/check")
        run = doc["runs"][0]
        self.assertEqual(run["automationDetails"], {"id": "weak/check/"})
        loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        self.assertEqual(loc, {"uri": "data/findings.cpp", "uriBaseId": "SRCROOT"})
        # A root that does not contain the file: an absolute file URI.
        proc = subprocess.run([WEAKCHECK, "--format=sarif", "--quiet",
                               "--sarif-root=" + DOCS, str(pathlib.Path(DATA) / "findings.cpp"), "--"],
                              capture_output=True, text=True)
        doc = json.loads(proc.stdout)
        self.assertValidSarif(doc)
        loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        self.assertEqual(loc, {"uri": (pathlib.Path(DATA).resolve() / "findings.cpp").as_uri()})
        proc = subprocess.run([WEAKCHECK, "--format=sarif", "--sarif-root=/no/such/dir",
                               str(pathlib.Path(DATA) / "findings.cpp"), "--"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--sarif-root", proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_non_ascii_line_through_a_symlink(self):
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="weakcheck sarif "))
        try:
            subprocess.run(["git", "init", "-q", str(tmp)], check=True)
            real = tmp / "réel dir"
            real.mkdir()
            line = '  const char *s = "ééééé"; std::weak_ptr<C> w = std::make_shared<C>(); (void)s;'
            (real / "ünï code.cpp").write_text(
                "#include <memory>\nstruct C {};\nvoid f() {\n" + line + "\n  (void)w;\n}\n",
                encoding="utf-8")
            (tmp / "link.cpp").symlink_to(real / "ünï code.cpp")
            sarif = json.loads(weakcheck("sarif", ["link.cpp"], cwd=tmp).stdout)
            self.assertValidSarif(sarif)
            js = json.loads(weakcheck("json", ["link.cpp"], cwd=tmp).stdout)
        finally:
            shutil.rmtree(tmp)
        [result] = sarif["runs"][0]["results"]
        loc = result["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"]["uri"], "r%C3%A9el%20dir/%C3%BCn%C3%AF%20code.cpp")
        byte_col = line.encode().index(b" w =") + 2
        utf16_col = line.index(" w =") + 2
        self.assertEqual(byte_col - utf16_col, 5)
        self.assertEqual(js["diagnostics"][0]["location"]["column"], byte_col)
        self.assertEqual(loc["region"]["startColumn"], utf16_col)
        self.assertEqual(loc["region"]["endColumn"], utf16_col + 1)
        note = result["relatedLocations"][0]["physicalLocation"]["region"]
        self.assertEqual(note["startColumn"], line.index("std::make_shared") + 1)
        self.assertEqual(note["endColumn"], line.index("; (void)s") + 1)

    def test_examples_pass_the_code_scanning_checks(self):
        src = pathlib.Path(DATA).parents[2] / "examples" / "src"
        files = sorted(str(p) for p in src.glob("*.cpp"))
        proc = subprocess.run([WEAKCHECK, "--format=sarif", "--quiet", "--sarif-category=examples",
                               *files, "--", "-std=c++20", "-I" + str(src),
                               "-I" + str(src.parents[1] / "runtime" / "include")],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertValidSarif(doc, category="examples")
        self.assertGreaterEqual(len(doc["runs"][0]["results"]), 5)

    def test_fingerprint_survives_lines_added_above(self):
        tmp = pathlib.Path(tempfile.mkdtemp())
        try:
            source = (pathlib.Path(DATA) / "findings.cpp").read_text()
            (tmp / "findings.cpp").write_text(source)
            before = json.loads(weakcheck("sarif", ["findings.cpp"], cwd=tmp).stdout)
            self.assertValidSarif(before)
            (tmp / "findings.cpp").write_text("// a new comment\n\n" + source)
            after = json.loads(weakcheck("sarif", ["findings.cpp"], cwd=tmp).stdout)
            self.assertValidSarif(after)
        finally:
            shutil.rmtree(tmp)
        r0, r1 = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
        self.assertEqual(r1["locations"][0]["physicalLocation"]["region"]["startLine"],
                         r0["locations"][0]["physicalLocation"]["region"]["startLine"] + 2)
        self.assertEqual(r0["partialFingerprints"]["weakcheckFindingHash/v2"],
                         r1["partialFingerprints"]["weakcheckFindingHash/v2"])


class CiDocs(unittest.TestCase):
    """docs/ci.md's workflows are YAML, and every option their weakcheck
    command lines use is one weakcheck has."""

    def test_workflows_parse_and_use_real_options(self):
        import re
        import yaml
        doc = (pathlib.Path(DOCS).parent / "ci.md").read_text()
        blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
        self.assertGreaterEqual(len(blocks), 3)
        for block in blocks:
            self.assertIsNotNone(yaml.safe_load(block))
        help_text = subprocess.run([WEAKCHECK, "--help"], capture_output=True, text=True).stdout
        known = set(re.findall(r"^\s+(--[a-z-]+)", help_text, re.M)) | {"-p", "-j"}
        used = set()
        for line in doc.splitlines():
            if re.search(r"(^|[/\s])weakcheck ", line) and not line.lstrip().startswith("#"):
                used |= set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line.split(" -- ")[0]))
        self.assertTrue({"--diff", "--baseline", "--write-baseline", "--format",
                         "--sarif-category"} <= used, used)
        self.assertEqual(used - known - {"--target", "--depth", "--prefix"}, set())


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
