#!/usr/bin/env python3
"""Generates CheckDescriptions.inc from docs/checks/*.md, so a check's
summary (the doc page's first paragraph, the same sentence as its header's
doxygen line), description and SARIF help (the whole page, as Markdown) have
one source: its doc page.

    gen_check_descriptions.py <docs/checks dir> <output .inc>
"""
import pathlib
import sys


def paragraphs(text):
    out, cur = [], []
    for line in text.splitlines():
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def c_string(s):
    # Split long texts into adjacent literals, one per source line.
    lines = s.split("\n")
    parts = []
    for i, line in enumerate(lines):
        text = line.replace("\\", "\\\\").replace('"', '\\"').replace("?", "\\?")
        parts.append('"' + text + ("\\n" if i + 1 < len(lines) else "") + '"')
    return "\n    ".join(parts)


def main():
    docs, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    rows = []
    for page in sorted(docs.glob("*.md")):
        page_text = page.read_text(encoding="utf-8")
        paras = paragraphs(page_text)
        if not paras or not paras[0].startswith("# weakref-"):
            continue
        name = paras[0][2:].strip()
        body = [p for p in paras[1:] if not p.startswith("#") and not p.startswith("```")]
        summary = body[0] if body else name
        full = body[1] if len(body) > 1 else summary
        rows.append("{%s, %s, %s,\n    %s},\n" % (c_string(name), c_string(summary), c_string(full),
                                               c_string(page_text.rstrip("\n") + "\n")))
    text = "// Generated from docs/checks/*.md by tool/gen_check_descriptions.py.\n" + "".join(rows)
    if not out.exists() or out.read_text() != text:
        out.write_text(text)


if __name__ == "__main__":
    main()
