"""Benchmark: ``credls check`` throughput over trees of PowerShell scripts.

Generates two trees in a temporary directory:

* ``aws``: N AWS-heavy scripts of L lines (``ps_parse.generate``);
* ``mixed``: N scripts of which 1 in 10 is AWS-heavy and the rest ordinary
  PowerShell that never mentions AWS.

Headline: the real command, ``credls check --jobs J --format json --exit-zero``,
run as a subprocess over each tree (start-up, walk, workers, report: end to
end), in lines per second (median of --runs). Target (issue "PowerShell
analysis"): >= 60,000 lines/s on the AWS tree with 2 jobs.

Then, in this process and on one core, the per-stage cost for a sample of each
tree (read, prefilter, decode, parse, find_calls, flow model, rules, literal
scan, and ``Workspace.analyze_file`` as a whole), and what the prefilter saves
on the mixed tree (``analyze_file`` with the prefilter, and with it forced off).

Run: .venv/bin/python bench/ps_check.py [--files N] [--lines L] [--jobs J] [--runs R]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ps_parse import generate

from credls.analysis import Workspace
from credls.document import Document, DocumentKind
from credls.powershell import script
from credls.powershell.calls import find_calls
from credls.powershell.parser import PowerShellDocument
from credls.powershell.prefilter import may_need_analysis
from credls.rules import cmdlet_checks, security
from credls.settings import Settings
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


def count_lines(paths: list[str]) -> int:
    return sum(Path(p).read_bytes().count(b"\n") for p in paths)


def run_cli(tree: Path, jobs: int, home: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds (the command and its workers) for the real command over
    ``tree``, and the number of findings. CPU time shows when a slow run is the
    host's doing (this machine's speed varies up to 1.5x minute to minute)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CREDLS_"))}
    env["HOME"] = env["USERPROFILE"] = str(home)  # never the real ~/.aws
    cmd = [
        sys.executable,
        "-m",
        "credls",
        "check",
        "--jobs",
        str(jobs),
        "--format",
        "json",
        "--exit-zero",
        str(tree),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"credls check failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return elapsed, cpu, done.stdout.count(b'"code"')


# --- per-stage breakdown (one process) ---------------------------------------------


def _timed(into: dict[str, float], key: str, fn: Callable[..., object], *args: object) -> object:
    t0 = time.perf_counter()
    result = fn(*args)
    into[key] = into.get(key, 0.0) + time.perf_counter() - t0
    return result


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def _text(data: bytes) -> str:
    return decode(data).text


def stages(paths: list[str], ws: Workspace) -> dict[str, float]:
    """Seconds per stage over ``paths`` (scripts the prefilter rejects stop early)."""
    out: dict[str, float] = {}
    ctx_doc = Document("x.ps1", decode(b""), DocumentKind.POWERSHELL)
    ctx = ws.context_for(ctx_doc, None)
    # (analysis_scope: what rules.cmdlets.check wraps the analysis in.)
    scope = getattr(script, "analysis_scope", lambda ctx: contextlib.nullcontext())
    for path in paths:
        data = _timed(out, "read", _read, path)
        assert isinstance(data, bytes)
        if not _timed(out, "prefilter", may_need_analysis, data):
            continue
        text = _timed(out, "decode", _text, data)
        assert isinstance(text, str)
        ps = _timed(out, "parse", PowerShellDocument, text)
        assert isinstance(ps, PowerShellDocument)
        calls = _timed(out, "find_calls", find_calls, ps)
        assert isinstance(calls, list)
        with scope(ctx):
            model = _timed(out, "flow model", script.build_model, path, ps, ctx, calls)
            assert isinstance(model, script.ScriptModel)
            _timed(out, "rules", cmdlet_checks.check_model, model)
        doc = Document(path, decode(data), DocumentKind.POWERSHELL)
        _timed(out, "literal scan", security.check, doc, ctx)
    return out


def analyze_all(paths: list[str], ws: Workspace) -> float:
    t0 = time.perf_counter()
    for path in paths:
        ws.analyze_file(path, Path(path).read_bytes())
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--lines", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sample", type=int, default=200, help="files per tree for the breakdown")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="credls-bench-") as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        os.environ["HOME"] = os.environ["USERPROFILE"] = str(home)
        aws, mixed = make_trees(root, args.files, args.lines)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"{args.files} files x {args.lines} lines per tree; {os.cpu_count()} CPUs, "
            f"load average {load:.2f} at start"
        )
        print(f"credls check --jobs {args.jobs} --format json (subprocess, end to end):")
        for label, paths in (("aws", aws), ("mixed", mixed)):
            lines = count_lines(paths)
            times = []
            cpus = []
            found = 0
            for _ in range(args.runs):
                elapsed, cpu, found = run_cli(root / label, args.jobs, home)
                times.append(elapsed)
                cpus.append(cpu)
            med = statistics.median(times)
            print(
                f"  {label:5s} tree: {lines / med:9,.0f} lines/s  ({med:.2f} s median of "
                f"{args.runs}, min {min(times):.2f} s; CPU {statistics.median(cpus):.1f} s; "
                f"{found} findings)"
            )

        ws = Workspace(Settings())
        print(f"per stage, one process, first {args.sample} files of each tree (ms per file):")
        for label, paths in (("aws", aws), ("mixed", mixed)):
            sample = paths[: args.sample]
            t = stages(sample, ws)
            shown = "  ".join(f"{k} {v * 1000 / len(sample):.2f}" for k, v in t.items())
            print(f"  {label:5s}: {shown}")

        if not hasattr(Workspace, "_needs_script_analysis"):
            return  # a version without the prefilter wiring
        sample = mixed[: args.sample]
        with_prefilter = statistics.median(analyze_all(sample, ws) for _ in range(args.runs))
        original = Workspace._needs_script_analysis
        Workspace._needs_script_analysis = lambda self, data: self._has_cmdlet_rules()  # type: ignore[method-assign]
        try:
            without = statistics.median(analyze_all(sample, ws) for _ in range(args.runs))
        finally:
            Workspace._needs_script_analysis = original  # type: ignore[method-assign]
        lines = count_lines(sample)
        print(
            f"mixed tree, Workspace.analyze_file, one process: prefilter on "
            f"{lines / with_prefilter:,.0f} lines/s, off {lines / without:,.0f} lines/s "
            f"({without / with_prefilter:.1f}x)"
        )


if __name__ == "__main__":
    main()
