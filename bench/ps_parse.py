"""Benchmark: PowerShell parsing and call analysis on a generated 5,000-line AWS script.

Prints median times (wall clock, and process CPU time, which is steadier on
a shared machine) for a full parse + find_calls, and for an incremental
reparse after a one-line edit (parser alone, and parser + find_calls).
``find_calls`` binds parameter names lazily and evaluates values on demand, so
two more lines show what a rule pass that reads every call's credential
parameters costs on top (full, and after the one-line edit).

The headline lines are the whole analysis as ``credls check`` and the language
server run it (issue "PowerShell analysis" targets): full analysis (parse,
calls, flow, every rule of ``rules.cmdlets.check``, the literal scan and the
merge) <= 150 ms; re-analysis after a one-line edit (incremental reparse,
``find_calls`` reusing unchanged statements, ``script.build_model`` and the
rules reusing unchanged calls' results) <= 30 ms. Stores: a temporary
credentials file with a few profiles (never ~/.aws).

``--script mixed`` times the language-server benchmark's script instead (an AWS
call every ~12 lines among functions, loops, splats and plain PowerShell, 128 KB
for 5,000 lines); the default ``dense`` one has a call every ~3 lines and a
literal key every ~14 (240 KB).

Run: .venv/bin/python bench/ps_parse.py [--script dense|mixed] [--lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from credls.document import Document, DocumentKind
from credls.powershell import script
from credls.powershell.calls import CmdletCall, find_calls
from credls.powershell.parser import PowerShellDocument
from credls.rules import cmdlet_checks, cmdlets, scripts, security
from credls.rules.context import CheckContext
from credls.settings import Settings, StoreSettings
from credls.source import SourceText
from credls.store.chain import StoreChain
from credls.text import Position


def generate(lines: int = 5000, seed: int = 1) -> str:
    """A script mixing AWS calls, splats, defaults, functions, branches and loops."""
    rnd = random.Random(seed)
    out = [
        "param([string]$Profile = 'dev', [string]$Region = 'eu-west-1')",
        "$ErrorActionPreference = 'Stop'",
    ]
    i = 0
    while len(out) < lines:
        i += 1
        k = rnd.randrange(10)
        if k == 0:
            out += [
                f"function Invoke-Step{i} {{",
                f"  param($Name = 'p{i}')",
                "  $items = Get-EC2Instance -ProfileName $Name -Region $Region",
                "  foreach ($it in $items) {",
                f'    Write-Host "item $($it.InstanceId) {i}"',
                "  }",
                "}",
            ]
        elif k == 1:
            out += [
                f"$splat{i} = @{{ ProfileName = 'prod'; Region = 'us-east-1' }}",
                f"$splat{i}.ProfileLocation = 'C:\\aws\\credentials'",
                f"Get-S3Bucket @splat{i} | Out-Null",
            ]
        elif k == 2:
            out += [
                "if ($env:CI) {",
                f"  Set-AWSCredential -ProfileName ci{i} -Scope Global",
                "} else {",
                f"  Set-AWSCredential myProfile{i}",
                "}",
            ]
        elif k == 3:
            out += [
                f"$bucket{i} = 'bucket-{i}'",
                f"Write-S3Object -BucketName $bucket{i} -Key 'k/{i}' -File \"C:\\tmp\\f{i}.txt\""
                " -ProfileName $Profile `",
                "    -Region eu-central-1",
            ]
        elif k == 4:
            out += [f"$PSDefaultParameterValues['*-EC2*:ProfileName'] = 'prod{i}'"]
        elif k == 5:
            out += [
                f"# comment line {i} with ünïcödé text",
                f"Get-IAMUser -UserName u{i} -ProfileName:'iam' | Select-Object -First 1",
            ]
        elif k == 6:
            out += [
                f"$q{i} = Get-SQSQueue -QueueNamePrefix 'q{i}' -Region $Region -Prof x",
                f"$q{i} | ForEach-Object {{ Send-SQSMessage -QueueUrl $_ -MessageBody 'hi'"
                " -ProfileName $Profile }",
            ]
        elif k == 7:
            out += [
                f"Use-STSRole -RoleArn 'arn:aws:iam::123456789012:role/r{i}'"
                f" -RoleSessionName s{i} -ProfileName base | Out-Null"
            ]
        elif k == 8:
            out += [
                "for ($j = 0; $j -lt 3; $j++) { Get-Date; Start-Sleep -Seconds 1 }",
                f'$x{i} = "value $j"',
            ]
        else:
            out += [
                "Get-Process | Where-Object { $_.Name -like 'pwsh*' } | Sort-Object CPU",
                f"Get-SSMParameter -Name '/app/{i}' -WithDecryption $true"
                " -AK AKIAIOSFODNN7EXAMPLE -SK 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
            ]
    return "\n".join(out[:lines]) + "\n"


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of ``fn``."""
    wall = []
    cpu = []
    for _ in range(runs):
        w0 = time.perf_counter()
        c0 = time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


CREDENTIAL = ("ProfileName", "ProfileLocation", "AccessKey", "SecretKey", "SessionToken", "Region")


def rule_pass(calls: list[CmdletCall]) -> int:
    """What credential rules read: every call's binding and credential values."""
    n = 0
    for call in calls:
        for b in call.parameters:
            if b.name in CREDENTIAL and b.value is not None:
                n += 1
        n += len(call.ambiguous) + len(call.unknown) + len(call.duplicates)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--script", choices=["dense", "mixed"], default="dense")
    args = ap.parse_args()
    if args.script == "mixed":
        from lsp_bench import mixed_script

        text = mixed_script(args.lines)
    else:
        text = generate(args.lines)
    doc = PowerShellDocument(text)
    calls = find_calls(doc)
    print(
        f"{args.script} script: {args.lines} lines, {len(doc.source)} bytes, {len(calls)} AWS calls"
    )

    parse_only = median_ms(lambda: PowerShellDocument(text), args.runs)
    full = median_ms(lambda: find_calls(PowerShellDocument(text)), args.runs)
    full_rules = median_ms(lambda: rule_pass(find_calls(PowerShellDocument(text))), args.runs)

    state = {"n": 0}
    line = args.lines // 2

    def edit() -> PowerShellDocument:
        # One-line edit in the middle: change a character, then restore it next time.
        state["n"] += 1
        new = "Z" if state["n"] % 2 else "#"
        doc.apply_edit(Position(line, 0), Position(line, 1), new)
        return doc

    doc.apply_edit(Position(line, 0), Position(line, 0), "#")
    find_calls(doc)
    incr_parse = median_ms(edit, args.runs)
    incr_full = median_ms(lambda: find_calls(edit()), args.runs)
    incr_rules = median_ms(lambda: rule_pass(find_calls(edit())), args.runs)

    analysis = whole_analysis(text, line, args.runs)

    def show(label: str, t: tuple[float, float], target: str = "") -> None:
        print(f"{label:40s} {t[0]:7.1f} ms wall {t[1]:7.1f} ms cpu {target}")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"medians of {args.runs} runs; load average {load:.2f}")
    show("full analysis (check + literal scan):", analysis[0], "(target <= 150 ms)")
    show("re-analysis after a 1-line edit:", analysis[1], "(target <= 30 ms)")
    show("full parse only:", parse_only)
    show("full parse + find_calls:", full, "(target <= 150 ms)")
    show("  + rule pass (bind, credential values):", full_rules)
    show("incremental reparse (1-line edit):", incr_parse)
    show("incremental reparse + find_calls:", incr_full, "(target <= 30 ms)")
    show("  + rule pass (bind, credential values):", incr_rules)


_CREDENTIALS = """[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[prod]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[staging]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


def whole_analysis(text: str, line: int, runs: int) -> tuple[tuple[float, float], ...]:
    """(full analysis, re-analysis after a one-line edit) medians, as in ``credls``."""
    with tempfile.TemporaryDirectory(prefix="credls-bench-") as tmp:
        creds = Path(tmp) / "credentials"
        creds.write_text(_CREDENTIALS, encoding="utf-8")
        settings = Settings(
            stores=StoreSettings(
                credentials_file=str(creds),
                config_file=str(Path(tmp) / "config"),
                use_user_stores=False,
            )
        )
        chain = StoreChain.from_settings(settings, env={})
        ctx = CheckContext(settings, chain, False)
        path = str(Path(tmp) / "big.ps1")

        def full() -> object:
            script.clear_cache()
            doc = Document(path, SourceText(text), DocumentKind.POWERSHELL)
            return scripts.merge_literal_findings(security.check(doc, ctx), cmdlets.check(doc, ctx))

        ps = PowerShellDocument(text)
        state = {"n": 0}
        # (what rules.cmdlets.check wraps the analysis in; absent in older versions)
        scope = getattr(script, "analysis_scope", lambda ctx: contextlib.nullcontext())

        def reanalyse() -> object:
            # What the language server does after an edit: reparse, find the
            # calls, build the model on the same tree, run the rules, scan, merge.
            state["n"] += 1
            ps.apply_edit(Position(line, 0), Position(line, 1), "Z" if state["n"] % 2 else "#")
            doc = Document(path, SourceText(ps.text), DocumentKind.POWERSHELL)
            with scope(ctx):
                model = script.build_model(path, ps, ctx, find_calls(ps))
                found = cmdlet_checks.check_model(model)
            return scripts.merge_literal_findings(security.check(doc, ctx), found)

        ps.apply_edit(Position(line, 0), Position(line, 0), "#")
        reanalyse()
        return median_ms(full, runs), median_ms(reanalyse, runs)


if __name__ == "__main__":
    main()
