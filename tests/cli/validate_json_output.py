#!/usr/bin/env python3
"""Runs weakcheck --format=json on several inputs (findings, clean, a file
that does not compile, only failing files) and validates every document
against docs/json-output.schema.json. Exit 0 when all are valid."""
import json
import pathlib
import subprocess
import sys

import jsonschema


def main():
    weakcheck, schema_path, data = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    schema = json.loads(pathlib.Path(schema_path).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    runs = {
        "findings": (["findings.cpp", "clean.cpp"], 1),
        "clean": (["clean.cpp"], 0),
        "one fails": (["syntax_error.cpp", "findings.cpp"], 2),
        "all fail": (["syntax_error.cpp"], 2),
        "bad compiler arg": (["findings.cpp"], 2),
    }
    failures = 0
    for name, (files, status) in runs.items():
        extra = ["-fno-such-flag"] if name == "bad compiler arg" else []
        proc = subprocess.run([weakcheck, "--format=json", "--quiet", *files, "--", *extra],
                              cwd=data, capture_output=True, text=True)
        if proc.returncode != status:
            print(f"FAIL {name}: exit {proc.returncode}, expected {status}\n{proc.stderr}")
            failures += 1
            continue
        if name == "bad compiler arg":
            # Rejected before any analysis: no document at all, not half of one.
            if proc.stdout:
                print(f"FAIL {name}: printed output for a run that never started")
                failures += 1
            continue
        errors = sorted(validator.iter_errors(json.loads(proc.stdout)), key=str)
        for error in errors:
            print(f"FAIL {name}: {'/'.join(map(str, error.path))}: {error.message}")
        failures += bool(errors)
        if not errors:
            print(f"ok   {name}")
    print(f"{len(runs) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
