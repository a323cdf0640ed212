"""Benchmark: PowerShell analysis throughput over a tree of scripts, 2 processes.

Generates two trees in a temporary directory:

* ``aws``: N AWS-heavy scripts of L lines (``ps_parse.generate``);
* ``mixed``: N scripts of which 1 in 10 is AWS-heavy and the rest ordinary
  PowerShell that never mentions AWS.

For each tree it times full analysis per file (read, decode, parse,
``find_calls``, and reading every bound parameter's value as rules do) with
a pool of worker processes, with and without ``prefilter.may_need_analysis``,
and prints lines per second (median of --runs). Target (task brief):
>= 60,000 lines/s on the AWS tree with 2 jobs.

Run: .venv/bin/python bench/ps_check.py [--files N] [--lines L] [--jobs J] [--runs R]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ps_parse import generate

from credls.powershell.calls import find_calls
from credls.powershell.parser import PowerShellDocument
from credls.powershell.prefilter import may_need_analysis
from credls.source import decode


def plain_script(lines: int, seed: int) -> str:
    """Ordinary PowerShell: files, processes, services, no AWS."""
    rnd = random.Random(seed)
    out = ["param([string]$Path = '.', [int]$Depth = 2)", "Set-StrictMode -Version Latest"]
    i = 0
    while len(out) < lines:
        i += 1
        k = rnd.randrange(6)
        if k == 0:
            out += [
                f"function Get-Report{i} {{",
                "  param($Root)",
                "  Get-ChildItem -Path $Root -Recurse -File | Measure-Object -Property Length -Sum",
                "}",
            ]
        elif k == 1:
            out += [f"$items{i} = Get-ChildItem -Path $Path -Filter '*.log' -Depth $Depth"]
        elif k == 2:
            out += [
                "foreach ($p in Get-Process) {",
                f'  if ($p.CPU -gt {i}) {{ Write-Verbose "busy $($p.Name)" }}',
                "}",
            ]
        elif k == 3:
            out += [f"$h{i} = @{{ Name = 'svc{i}'; Path = 'C:\\temp\\x{i}.txt' }}"]
        elif k == 4:
            out += [
                f"Copy-Item -Path $Path -Destination 'D:\\backup\\{i}' -Force -ErrorAction Stop"
            ]
        else:
            out += [f"# step {i}", "Start-Sleep -Milliseconds 10; Write-Output 'done'"]
    return "\n".join(out[:lines]) + "\n"


def make_trees(root: Path, files: int, lines: int) -> tuple[list[str], list[str]]:
    aws_dir = root / "aws"
    mixed_dir = root / "mixed"
    aws_dir.mkdir()
    mixed_dir.mkdir()
    aws, mixed = [], []
    for i in range(files):
        p = aws_dir / f"s{i:05d}.ps1"
        p.write_text(generate(lines, seed=i), encoding="utf-8")
        aws.append(str(p))
        q = mixed_dir / f"m{i:05d}.ps1"
        text = generate(lines, seed=i) if i % 10 == 0 else plain_script(lines, seed=i)
        q.write_text(text, encoding="utf-8")
        mixed.append(str(q))
    return aws, mixed


def analyse_file(args: tuple[str, bool]) -> tuple[int, int]:
    """(lines, calls) of one file; 0 calls when the prefilter skipped it."""
    path, prefilter = args
    data = Path(path).read_bytes()
    lines = data.count(b"\n")
    if prefilter and not may_need_analysis(data):
        return lines, 0
    doc = PowerShellDocument(decode(data).text)
    calls = find_calls(doc)
    for call in calls:
        for b in call.parameters:
            _ = b.value
    return lines, len(calls)


def run(paths: list[str], prefilter: bool, jobs: int) -> tuple[float, int, int]:
    with multiprocessing.Pool(jobs) as pool:
        t0 = time.perf_counter()
        results = pool.map(analyse_file, [(p, prefilter) for p in paths], chunksize=32)
        elapsed = time.perf_counter() - t0
    return elapsed, sum(r[0] for r in results), sum(r[1] for r in results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--lines", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="credls-bench-") as tmp:
        aws, mixed = make_trees(Path(tmp), args.files, args.lines)
        print(f"{args.files} files x {args.lines} lines per tree, {args.jobs} processes")
        for label, paths in (("aws", aws), ("mixed", mixed)):
            for prefilter in (False, True):
                rates = []
                calls = 0
                for _ in range(args.runs):
                    elapsed, lines, calls = run(paths, prefilter, args.jobs)
                    rates.append(lines / elapsed)
                name = f"{label} tree, prefilter {'on ' if prefilter else 'off'}"
                print(
                    f"{name}: {statistics.median(rates):9,.0f} lines/s "
                    f"(median of {args.runs}; {calls} AWS calls)"
                )


if __name__ == "__main__":
    main()
