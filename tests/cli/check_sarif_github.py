#!/usr/bin/env python3
"""Checks a SARIF file from weakcheck against what GitHub code scanning
documents and uses ("SARIF support for code scanning"), beyond the 2.1.0
schema:

- rules: id, name, shortDescription, fullDescription, help.text,
  help.markdown, helpUri, properties.tags, properties.precision,
  properties.problem.severity; properties.security-severity (with the
  "security" tag) for the use-after-free-like checks;
- results: ruleId naming a rule and ruleIndex pointing at it, message text,
  a primary location whose region has startLine, startColumn, endLine and
  endColumn within the source line, in the run's columnKind (UTF-16 code
  units);
- artifact URIs: relative to %SRCROOT% (an absolute file URI ending in '/')
  naming a file there with no symlink on the way, or absolute file:// URIs
  outside it;
- partialFingerprints: primaryLocationLineHash equal to what
  github/codeql-action's upload step computes from the file (re-implemented
  here independently, straight from its description), and weakcheck's own
  fingerprint, unique in the run;
- notes: relatedLocations with unique ids, each linked from the message
  text as [text](id), and no link to a missing id;
- weakref-unchecked-lock results carry a codeFlow ending at the primary
  location;
- runAutomationDetails.id, when a category is expected.

    check_sarif_github.py <report.sarif> [--category <id>]

Exits 1 and prints one line per problem when there is any. Importable:
problems(doc) returns the list.
"""
import json
import os
import re
import sys
import urllib.parse

SECURITY_RULES = {
    "weakref-callback-uses-dead-referent",
    "weakref-capi-borrowed-getobject",
    "weakref-unchecked-lock",
}
PRECISIONS = {"very-high", "high", "medium", "low"}
SEVERITIES = {"error", "warning", "recommendation"}
FINGERPRINT_KEY = "weakcheckFindingHash/v2"


def line_hashes(data):
    """codeql-action's primaryLocationLineHash of every line of file bytes
    `data`: per line, the 100 UTF-16 code units from the line's first
    non-blank character (spaces and tabs dropped, CR and CRLF read as LF,
    65535 at the end of the file, zeros after), as a base-37 polynomial
    modulo 2^64 in hex, then ':' and how many lines so far had that hash.
    Computed directly, not as a rolling hash."""
    text = data.decode("utf-8", errors="replace")
    utf16 = text.encode("utf-16-le", errors="surrogatepass")
    units = [int.from_bytes(utf16[i:i + 2], "little") for i in range(0, len(utf16), 2)]
    seq, starts = [], []
    line_start, after_cr = True, False
    for c in units + [65535]:
        if c in (0x20, 0x09) or (after_cr and c == 0x0A):
            after_cr = False
            continue
        after_cr = c == 0x0D
        if after_cr:
            c = 0x0A
        if line_start:
            starts.append(len(seq))
        line_start = c == 0x0A
        seq.append(c)
    seq += [0] * 100
    counts, out = {}, []
    for s in starts:
        h = sum(seq[s + k] * 37 ** (99 - k) for k in range(100)) % (1 << 64)
        key = format(h, "x")
        counts[key] = counts.get(key, 0) + 1
        out.append(f"{key}:{counts[key]}")
    return out


def utf16_len(s):
    return len(s.encode("utf-16-le", errors="surrogatepass")) // 2


def resolve(artifact, base_uris):
    """The local path of an artifactLocation, or a problem string."""
    uri = artifact.get("uri")
    if not isinstance(uri, str) or not uri:
        return None, "artifactLocation without uri"
    if "uriBaseId" in artifact:
        if uri.startswith("/") or "://" in uri:
            return None, f"uri {uri!r} with uriBaseId is not relative"
        base = base_uris.get(artifact["uriBaseId"], {}).get("uri")
        if not base or not base.startswith("file:///") or not base.endswith("/"):
            return None, f"uriBaseId {artifact['uriBaseId']!r} is not an absolute file URI ending in '/'"
        path = urllib.parse.unquote(urllib.parse.urlparse(base + uri).path)
        root = urllib.parse.unquote(urllib.parse.urlparse(base).path)
        if os.path.realpath(path) != os.path.normpath(path):
            return None, f"uri {uri!r} goes through a symlink"
        if not os.path.realpath(path).startswith(os.path.realpath(root)):
            return None, f"uri {uri!r} leaves %SRCROOT%"
        return path, None
    if not uri.startswith("file:///"):
        return None, f"uri {uri!r} is neither relative to %SRCROOT% nor an absolute file URI"
    return urllib.parse.unquote(urllib.parse.urlparse(uri).path), None


def problems(doc, category=None):
    out = []
    if doc.get("version") != "2.1.0":
        out.append("version is not 2.1.0")
    runs = doc.get("runs") or []
    if len(runs) != 1:
        return out + ["not exactly one run"]
    run = runs[0]
    if run.get("columnKind") != "utf16CodeUnits":
        out.append(f"columnKind is {run.get('columnKind')!r}, not utf16CodeUnits")
    if category is not None:
        got = run.get("automationDetails", {}).get("id")
        want = category if category.endswith("/") else category + "/"
        if got != want:
            out.append(f"runAutomationDetails.id is {got!r}, not {want!r}")
    base_uris = run.get("originalUriBaseIds", {})
    rules = run.get("tool", {}).get("driver", {}).get("rules", [])
    if not rules:
        out.append("no rules")
    for rule in rules:
        rid = rule.get("id", "?")
        for path in ["name", "shortDescription.text", "fullDescription.text", "help.text",
                     "help.markdown", "helpUri"]:
            value = rule
            for key in path.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if not isinstance(value, str) or not value.strip():
                out.append(f"rule {rid}: no {path}")
        props = rule.get("properties", {})
        tags = props.get("tags")
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
            out.append(f"rule {rid}: no properties.tags")
        if props.get("precision") not in PRECISIONS:
            out.append(f"rule {rid}: properties.precision {props.get('precision')!r}")
        if props.get("problem.severity") not in SEVERITIES:
            out.append(f"rule {rid}: properties.problem.severity {props.get('problem.severity')!r}")
        sev = props.get("security-severity")
        if rid in SECURITY_RULES:
            try:
                ok = isinstance(sev, str) and 0.0 < float(sev) <= 10.0
            except ValueError:
                ok = False
            if not ok:
                out.append(f"rule {rid}: security-severity {sev!r}")
            if "security" not in (tags or []):
                out.append(f"rule {rid}: security-severity without the 'security' tag")
        elif sev is not None:
            out.append(f"rule {rid}: unexpected security-severity")
    rule_ids = [r.get("id") for r in rules]
    files = {}

    def check_region(where, loc):
        phys = loc.get("physicalLocation", {})
        path, problem = resolve(phys.get("artifactLocation", {}), base_uris)
        if problem:
            out.append(f"{where}: {problem}")
            return None
        region = phys.get("region", {})
        missing = [k for k in ["startLine", "startColumn", "endLine", "endColumn"] if k not in region]
        if missing:
            out.append(f"{where}: region lacks {', '.join(missing)}")
            return path
        if path not in files:
            try:
                with open(path, "rb") as f:
                    files[path] = f.read()
            except OSError as e:
                out.append(f"{where}: cannot read {path}: {e}")
                files[path] = None
        data = files[path]
        if data is None:
            return path
        lines = data.decode("utf-8", errors="replace").split("\n")
        for line_key, col_key in [("startLine", "startColumn"), ("endLine", "endColumn")]:
            n, col = region[line_key], region[col_key]
            if not 1 <= n <= len(lines):
                out.append(f"{where}: {line_key} {n} outside the file")
                continue
            width = utf16_len(lines[n - 1].rstrip("\r"))
            if not 1 <= col <= width + 1:
                out.append(f"{where}: {col_key} {col} outside line {n} ({width} UTF-16 units)")
        if (region["endLine"], region["endColumn"]) < (region["startLine"], region["startColumn"]):
            out.append(f"{where}: region ends before it starts")
        return path

    fingerprints = set()
    for i, result in enumerate(run.get("results", [])):
        where = f"result {i} ({result.get('ruleId')})"
        rid = result.get("ruleId")
        if rid not in rule_ids:
            out.append(f"{where}: ruleId names no rule")
        elif result.get("ruleIndex") != rule_ids.index(rid):
            out.append(f"{where}: ruleIndex does not point at its rule")
        text = result.get("message", {}).get("text")
        if not isinstance(text, str) or not text:
            out.append(f"{where}: no message text")
            text = ""
        locations = result.get("locations") or []
        if not locations:
            out.append(f"{where}: no location")
            continue
        path = check_region(where, locations[0])
        fps = result.get("partialFingerprints", {})
        own = fps.get(FINGERPRINT_KEY)
        if not isinstance(own, str) or not re.fullmatch(r"[0-9a-f]{16}:[1-9][0-9]*", own):
            out.append(f"{where}: {FINGERPRINT_KEY} {own!r}")
        elif own in fingerprints:
            out.append(f"{where}: {FINGERPRINT_KEY} {own} is not unique")
        fingerprints.add(own)
        if path and files.get(path) is not None:
            line = locations[0]["physicalLocation"].get("region", {}).get("startLine", 1)
            want = line_hashes(files[path])[line - 1]
            if fps.get("primaryLocationLineHash") != want:
                out.append(f"{where}: primaryLocationLineHash {fps.get('primaryLocationLineHash')!r}, "
                           f"codeql-action computes {want!r}")
        related = result.get("relatedLocations", [])
        ids = [r.get("id") for r in related]
        if len(set(ids)) != len(ids) or not all(isinstance(x, int) for x in ids):
            out.append(f"{where}: relatedLocations ids are not unique integers")
        # Links are [text](id) with unescaped brackets.
        linked = {int(m) for m in re.findall(r"(?<!\\)\[(?:[^\]\\]|\\.)*\]\((\d+)\)", text)}
        for x in linked - set(ids):
            out.append(f"{where}: message links to missing related location {x}")
        for x in set(ids) - linked:
            out.append(f"{where}: related location {x} is not linked from the message")
        for j, r in enumerate(related):
            check_region(f"{where} related {r.get('id')}", r)
            if not r.get("message", {}).get("text"):
                out.append(f"{where} related {j}: no message")
        if rid == "weakref-unchecked-lock":
            try:
                steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
                last = steps[-1]["location"]["physicalLocation"]
            except (KeyError, IndexError, TypeError):
                out.append(f"{where}: no codeFlow")
                continue
            if last != locations[0]["physicalLocation"]:
                out.append(f"{where}: codeFlow does not end at the primary location")
            for k, step in enumerate(steps):
                check_region(f"{where} flow step {k}", step["location"])
    return out


def main():
    args = sys.argv[1:]
    category = None
    if "--category" in args:
        i = args.index("--category")
        category = args[i + 1]
        del args[i:i + 2]
    with open(args[0], encoding="utf-8") as f:
        found = problems(json.load(f), category)
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
