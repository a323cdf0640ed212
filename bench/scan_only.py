#!/usr/bin/env python3
"""The literal-key fast path alone, with the command line of ``credls check``.

Walks PATH (default ``.``) with ``os.scandir`` (no .gitignore), runs the
literal-key fast path (``credls.rules.security.scan_file_bytes``: the per-file
work of ``credls check --select CRED3`` once scripts skip the parser) on every
file in a pool of ``--jobs`` processes and prints the JSON shape of
``spec/interfaces.md`` (1-based lines and columns). Takes the arguments
``bench/run_peers.sh`` gives ``credls`` (``check . --no-user-stores --format json
--fail-on hint``), so ``bench/literal_keys.sh`` can measure the scanner on its own
(mode ``scan-only``) and a profiler can run it with ``--jobs 1``.
Workers walk whole subtrees and encode their own JSON, so that the parent only
lists the top level and joins strings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from credls.diagnostic import Diagnostic, Severity
from credls.rules import registry
from credls.rules.security import scan_file_bytes

# (path, encoded diagnostics, worst severity rank) per file with findings
FileResult = tuple[str, list[str], int]


def _severity(d: Diagnostic) -> Severity:
    if d.severity is not None:
        return d.severity
    rule = registry.get(d.code)
    return rule.severity if rule else Severity.WARNING


def as_json(d: Diagnostic, severity: Severity) -> str:
    r = d.range
    return json.dumps(
        {
            "path": d.path,
            "code": d.code,
            "severity": severity.value,
            "message": d.message,
            "range": {
                "start": {"line": r.start.line + 1, "column": r.start.character + 1},
                "end": {"line": r.end.line + 1, "column": r.end.character + 1},
            },
        }
    )


def _check_file(path: str, out: list[FileResult]) -> None:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return
    shown = path[2:] if path.startswith("./") else path
    diags = scan_file_bytes(shown, data)
    if diags:
        sevs = [_severity(d) for d in diags]
        encoded = [as_json(d, s) for d, s in zip(diags, sevs, strict=True)]
        out.append((shown, encoded, max(s.rank for s in sevs)))


def check_tree(task: tuple[str, bool]) -> list[FileResult]:
    """Check one file, or every file under one directory (not following symlinks)."""
    top, is_dir = task
    out: list[FileResult] = []
    if not is_dir:
        _check_file(top, out)
        return out
    stack = [top]
    while stack:
        try:
            it = os.scandir(stack.pop())
        except OSError:
            continue
        with it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != ".git":
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    _check_file(entry.path, out)
    return out


def tasks(paths: list[str]) -> list[tuple[str, bool]]:
    """Top-level entries of each directory argument: the units the pool shares out."""
    out: list[tuple[str, bool]] = []
    for top in paths:
        if not os.path.isdir(top):
            out.append((top, False))
            continue
        with os.scandir(top) as it:
            for entry in it:
                if entry.name == ".git":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    out.append((entry.path, True))
                elif entry.is_file(follow_symlinks=False):
                    out.append((entry.path, False))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="*", default=["."], help="[check] PATH")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--fail-on", default="warning", choices=[s.value for s in Severity])
    ap.add_argument("--format", default="json", choices=["json"])
    ap.add_argument("--no-user-stores", action="store_true", help="accepted; no stores are read")
    a = ap.parse_args(argv)
    registry.load_all()
    work = tasks([p for p in a.paths if p != "check"] or ["."])
    results: list[FileResult] = []
    if a.jobs <= 1:
        for t in work:
            results.extend(check_tree(t))
    else:
        with ProcessPoolExecutor(a.jobs) as pool:
            for part in pool.map(check_tree, work, chunksize=4):
                results.extend(part)
    results.sort(key=lambda r: r[0])
    body = ", ".join(item for _, items, _ in results for item in items)
    sys.stdout.write(f'{{"version": 1, "diagnostics": [{body}]}}\n')
    floor = Severity(a.fail_on).rank
    return 1 if any(worst >= floor for _, _, worst in results) else 0


if __name__ == "__main__":
    sys.exit(main())
