"""The command line: ``credls check | profiles | explain | rules`` (interfaces.md, "Command line").

Exit status: 0 nothing at or above ``--fail-on``; 1 findings; 2 usage error,
unreadable configuration or internal error — always one line on stderr, a
traceback only with ``--log-level debug``. A file that cannot be read gets one
line on stderr and does not change the exit status.

``check`` keeps start-up small: rule families, pathspec and report formats are
imported only when needed. Large runs use a process pool (fork where available)
fed with chunks of paths; workers return compact tuples, and the report is
written in one piece. With ``--fix`` each worker also fixes the files it reads
(``credls.fix``) and reports what remains in them.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from credls import __version__
from credls.config import CliOverrides, ConfigError, apply_cli, load_settings
from credls.diagnostic import Severity
from credls.document import POWERSHELL_SUFFIXES
from credls.report import Finding

if TYPE_CHECKING:
    from credls.analysis import Workspace
    from credls.diagnostic import Diagnostic
    from credls.fix import FileFix
    from credls.settings import Settings

FAIL_ON = ("error", "warning", "information", "hint")
LOG_LEVELS = ("debug", "info", "warning", "error")

# Below this many files a pool costs more than it saves.
SERIAL_THRESHOLD = 48
# Work per task sent to a worker, in cheap-file units (see _chunks).
FIRST_CHUNK = 32
MAX_CHUNK = 512
# A script that gets the full PowerShell analysis costs about as much as this many
# files on the literal-key fast path (a 300-line AWS script: ~25 ms against ~0.1 ms;
# the prefilter lets most scripts that never mention AWS through cheaply, hence less).
SCRIPT_WEIGHT = 16
# Files larger than this are not read (a 1 GB log is no credentials file).
MAX_FILE_BYTES = 32 * 1024 * 1024


class UsageError(Exception):
    """Bad arguments: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and no exit on error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


# --- argument parsing ------------------------------------------------------------


def _store_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("stores")
    g.add_argument("--config", metavar="FILE", help="configuration file (default: search upwards)")
    g.add_argument("--credentials-file", metavar="F", help="shared credentials file")
    g.add_argument("--config-file", metavar="F", help="shared config file")
    g.add_argument("--sdk-store", metavar="F", help="AWS SDK store (RegisteredAccounts.json)")
    g.add_argument(
        "--no-user-stores",
        action="store_true",
        help="ignore the default store locations and AWS_* variables (CI, tests)",
    )
    g.add_argument("--platform", choices=("windows", "linux", "macos"), help="modelled platform")
    g.add_argument(
        "--powershell-version", choices=("v4", "v5"), help="modelled AWS Tools major version"
    )


def _log_option(p: argparse.ArgumentParser, default: Any) -> None:
    p.add_argument("--log-level", choices=LOG_LEVELS, default=default, help="log verbosity")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="credls",
        description="Language server and linter for AWS credentials files and PowerShell scripts.",
    )
    parser.add_argument("--version", action="version", version=f"credls {__version__}")
    _log_option(parser, "warning")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint files and folders (headless)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes, prefixes, names")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes, prefixes, names")
    check.add_argument("--fail-on", choices=FAIL_ON, default="warning")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--stdin-filename", metavar="NAME", help="name of the - input")
    check.add_argument("--jobs", "-j", type=_positive_int, metavar="N", help="worker processes")
    check.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes of the selected rules in place (atomically, keeping "
        "encoding, BOM and line endings), then report the remaining findings; not with -",
    )
    _store_options(check)
    _log_option(check, argparse.SUPPRESS)

    profiles = sub.add_parser("profiles", help="list credential profiles in search order")
    profiles.add_argument("--json", action="store_true")
    _store_options(profiles)
    _log_option(profiles, argparse.SUPPRESS)

    explain = sub.add_parser("explain", help="show how a profile name is resolved")
    explain.add_argument("profile", metavar="PROFILE")
    explain.add_argument("--profile-location", metavar="F", help="as -ProfileLocation")
    explain.add_argument("--json", action="store_true")
    _store_options(explain)
    _log_option(explain, argparse.SUPPRESS)

    # Listed for --help only: main() hands `serve` and its arguments to the
    # server's own parser before argparse sees them.
    sub.add_parser("serve", help="run the language server (stdio; --tcp --host --port)")

    rules = sub.add_parser("rules", help="list rules, or document one")
    rules.add_argument("code", nargs="?", metavar="CODE")
    rules.add_argument("--json", action="store_true")
    _log_option(rules, argparse.SUPPRESS)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


# --- entry point ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["serve"]:
        from credls.server.__main__ import serve_main

        return serve_main(arguments[1:])
    _safe_streams()
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(arguments)
        logging.basicConfig(
            level=args.log_level.upper(), format="credls: %(levelname)s: %(message)s"
        )
        if args.command is None:
            raise UsageError(
                "a command is required: check, serve, profiles, explain, rules (see --help)"
            )
        handler = {
            "check": _cmd_check,
            "profiles": _cmd_profiles,
            "explain": _cmd_explain,
            "rules": _cmd_rules,
        }[args.command]
        return handler(args)
    except (UsageError, ConfigError) as exc:
        _err(f"credls: {exc}")
        return 2
    except _Reported as exc:
        for line in exc.lines:
            _err(line)
        return 2
    except KeyboardInterrupt:
        _err("credls: interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not our failure.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no further EPIPE at exit
        return 1
    except Exception as exc:
        from credls.analysis import redact, scrub

        if args is not None and getattr(args, "log_level", "") == "debug":
            import traceback

            # Even a debug traceback must not print key material.
            sys.stderr.write(redact("".join(traceback.format_exception(exc))))

        _err(f"credls: internal error: {type(exc).__name__}: {scrub(str(exc))}")
        return 2


def _safe_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _settings(args: argparse.Namespace, start: str | None) -> Settings:
    base = load_settings(start, args.config)
    return apply_cli(
        base,
        CliOverrides(
            select=getattr(args, "select", None),
            ignore=getattr(args, "ignore", None),
            credentials_file=args.credentials_file,
            config_file=args.config_file,
            sdk_store=args.sdk_store,
            no_user_stores=args.no_user_stores,
            platform=args.platform,
            powershell_version=args.powershell_version,
        ),
    )


def _write_output(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


# --- check ------------------------------------------------------------------------------

# What a worker returns for a chunk: findings, error lines, notices, files,
# problems fixed, files fixed.
_ChunkResult = tuple[list[Finding], list[str], list[str], int, int, int]


@dataclass
class _Outcome:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    files: int = 0
    fixed: int = 0
    fixed_files: int = 0

    def merge(self, other: _ChunkResult) -> None:
        findings, errors, notices, files, fixed, fixed_files = other
        self.findings += findings
        self.errors += errors
        self.notices += notices
        self.files += files
        self.fixed += fixed
        self.fixed_files += fixed_files


_WORKSPACE: Workspace | None = None
_FIX = False  # --fix: set in the parent before forking, passed to spawned workers


def _init_worker(settings: Settings | None, fix: bool) -> None:
    global _WORKSPACE, _FIX
    _FIX = fix
    if settings is not None:  # spawn: build our own; fork: inherited from the parent
        from credls.analysis import Workspace

        _WORKSPACE = Workspace(settings)


def _check_chunk(paths: Iterable[str]) -> _ChunkResult:
    """Analyze files; runs in a worker process (or inline when serial)."""
    ws = _WORKSPACE
    assert ws is not None
    findings: list[Finding] = []
    notices: list[str] = []
    files = fixed = fixed_files = 0
    before = len(ws.errors)
    for path in paths:
        try:
            # Stat before reading: a change after it shows in the fixer's check.
            st = os.stat(path) if _FIX else None
            data = _read(path)
        except OSError as exc:
            # Bad input, not a usage error: one line, and the exit status
            # stays that of the findings (exit 2 is for usage and config).
            notices.append(f"credls: cannot read {path}: {exc.strerror or type(exc).__name__}")
            continue
        if data is None:
            notices.append(f"credls: skipping {path}: larger than {MAX_FILE_BYTES >> 20} MB")
            continue
        errors_before = len(ws.errors)
        found = ws.analyze_file(path, data)
        if found is None:
            continue  # binary
        files += 1
        if st is not None and len(ws.errors) == errors_before:
            # A file whose analysis failed is not fixed: its findings are incomplete.
            result = _fix_one(ws, path, data, st, found)
            found = result.diagnostics
            if result.refused is not None:
                notices.append(f"credls: cannot fix {path}: {result.refused}")
            elif result.written:
                fixed += len(result.fixed)
                fixed_files += 1
        findings.extend(map(Finding.of, found))
    errors = ws.errors[before:]
    del ws.errors[before:]
    return findings, errors, notices, files, fixed, fixed_files


def _fix_one(
    ws: Workspace, path: str, data: bytes, st: os.stat_result, found: list[Diagnostic]
) -> FileFix:
    """Fix one file of the walk in place (``credls.fix.fix_file``)."""
    from credls.fix import fix_file

    def again(new: bytes) -> list[Diagnostic] | None:
        errors = len(ws.errors)
        result = ws.analyze_file(path, new)
        return result if len(ws.errors) == errors else None

    return fix_file(path, data, st, found, again)


def _read(path: str) -> bytes | None:
    """The file's bytes, or ``None`` when it is too large to be worth reading.

    One ``os.read`` sized by ``fstat``: much cheaper than a buffered file object
    for thousands of small files (and no large speculative buffer per file).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            return None
        data = os.read(fd, size + 1)
        if len(data) != size:
            # Rare: the file changed since fstat, a short read, or a size-less
            # special file. Read on to the end (within the limit).
            parts, total = [data], len(data)
            while data and total <= MAX_FILE_BYTES:
                data = os.read(fd, 1 << 16)
                parts.append(data)
                total += len(data)
            data = b"".join(parts)
    finally:
        os.close(fd)
    return None if len(data) > MAX_FILE_BYTES else data


def _chunks(paths: Iterator[str], script_weight: int = 1) -> Iterator[list[str]]:
    """Chunks of the walk, their work growing from FIRST_CHUNK to MAX_CHUNK units.

    Small first chunks put the workers to work while the walk goes on; large
    later ones keep the number of tasks low, since each one costs the parent a
    round of thread wake-ups and pipe traffic (about a millisecond, more while
    the workers keep the CPUs busy). A PowerShell script counts ``script_weight``
    units: the pool queues every chunk as soon as the walk yields it, so a last
    chunk of 512 analysed scripts would keep one worker busy for seconds while
    the other sits idle.
    """
    budget = FIRST_CHUNK
    chunk: list[str] = []
    work = 0
    for path in paths:
        chunk.append(path)
        work += script_weight if path.lower().endswith(POWERSHELL_SUFFIXES) else 1
        if work >= budget:
            yield chunk
            chunk, work = [], 0
            budget = min(budget * 2, MAX_CHUNK)
    if chunk:
        yield chunk


def _run_files(ws: Workspace, paths: Iterator[str], jobs: int, fix: bool = False) -> _Outcome:
    """Analyze (and with ``fix``, fix) every path; a process pool when there are enough files.

    The walk is consumed lazily: the pool's feeder thread pulls chunks from it
    while the workers already analyze earlier ones.
    """
    global _WORKSPACE, _FIX
    outcome = _Outcome()
    _WORKSPACE = ws
    _FIX = fix
    head = list(itertools.islice(paths, SERIAL_THRESHOLD))
    if jobs <= 1 or len(head) < SERIAL_THRESHOLD:
        outcome.merge(_check_chunk(itertools.chain(head, paths)))
        return outcome
    import multiprocessing

    forked = "fork" in multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork" if forked else None)
    # Import the rule families before forking so that workers inherit them.
    ws.preload()
    # Scripts are expensive only when their cmdlet rules run (not for --select CRED3).
    weight = SCRIPT_WEIGHT if ws.needs_script_parser() else 1
    chunks = _chunks(itertools.chain(head, paths), weight)
    try:
        pool = mp.Pool(jobs, _init_worker, (None if forked else ws.settings, fix))
    except OSError as exc:  # no semaphores (e.g. no /dev/shm in a container): go serial
        logging.getLogger(__name__).info("no process pool (%s); checking serially", exc)
        outcome.merge(_check_chunk(itertools.chain.from_iterable(chunks)))
        return outcome
    with pool:
        for result in pool.imap_unordered(_check_chunk, chunks):
            outcome.merge(result)
    return outcome


def _cmd_check(args: argparse.Namespace) -> int:
    from credls.analysis import Workspace
    from credls.report import Report, formatter, relative_messages
    from credls.walk import Walker

    paths: list[str] = list(args.paths) or ["."]
    use_stdin = "-" in paths
    if use_stdin and args.fix:
        raise UsageError("--fix cannot fix standard input (-); pass file paths")
    paths = [p for p in paths if p != "-"]
    start = _config_start(paths, args.stdin_filename if use_stdin else None)
    settings = _settings(args, start)
    ws = Workspace(settings)

    outcome = _Outcome()
    problems: list[str] = []
    if paths:
        walker = Walker(settings.exclude, settings.project_root)
        jobs = args.jobs or os.cpu_count() or 1
        outcome = _run_files(ws, walker.iter(paths, problems), jobs, args.fix)
    if use_stdin:
        outcome.merge(_check_stdin(ws, args.stdin_filename))

    for line in (*problems, *outcome.notices, *outcome.errors):
        _err(line)
    if args.fix:
        _err(f"fixed {outcome.fixed} problems in {outcome.fixed_files} files")
    cwd = os.getcwd()
    findings = sorted(relative_messages(f, cwd) for f in outcome.findings)
    report = Report(findings, outcome.files, cwd)
    color = (
        args.format == "text"
        and args.output is None
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
    )
    _write_output(formatter(args.format)(report, color=color), args.output)

    if problems or outcome.errors:
        return 2
    if args.exit_zero:
        return 0
    threshold = Severity.parse(args.fail_on).rank
    failing = any(Severity(f.severity).rank >= threshold for f in findings)
    return 1 if failing else 0


def _config_start(paths: Sequence[str], stdin_name: str | None) -> str:
    """Where the configuration search starts: the common folder of what is checked."""
    candidates = [os.path.abspath(p) for p in paths]
    if stdin_name:
        candidates.append(os.path.abspath(stdin_name))
    if not candidates:
        return os.getcwd()
    try:
        common = os.path.commonpath(candidates)
    except ValueError:  # different drives
        return os.getcwd()
    return common


def _check_stdin(ws: Workspace, name: str | None) -> _ChunkResult:
    from credls.document import Document, kind_of_path
    from credls.source import decode

    data = sys.stdin.buffer.read()
    display = name or "-"
    before = len(ws.errors)
    doc = Document(display, decode(data), kind_of_path(display, ws.store_paths))
    found = ws.analyze(doc, None)
    errors = ws.errors[before:]
    del ws.errors[before:]
    return [Finding.of(d) for d in found], errors, [], 1, 0, 0


# --- profiles / explain -------------------------------------------------------------


def _store_api(name: str) -> Any:
    """A function of the stores layer (``credls.resolver``), or a usage error if missing."""
    import importlib

    for module in ("credls.resolver", "credls.store.chain"):
        try:
            fn = getattr(importlib.import_module(module), name, None)
        except ImportError:
            fn = None
        if fn is not None:
            return fn
    raise UsageError(f"{name} is not available in this build")


def _chain_or_fail(args: argparse.Namespace) -> tuple[Workspace, Any]:
    """The workspace and its store chain; errors building it are internal errors."""
    from credls.analysis import Workspace

    ws = Workspace(_settings(args, os.getcwd()))
    chain = ws.chain
    if chain is None or ws.errors:
        raise _Reported(ws.errors or ["credls: the credential stores could not be read"])
    # A store that cannot be read is bad input, not a usage error: say so on one
    # line each (path, line, what is wrong) and go on with what could be read.
    for problem in chain.problems:
        _err(f"credls: {problem}")
    return ws, chain


class _Reported(Exception):
    """Lines already formatted for stderr; exit 2."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _cmd_profiles(args: argparse.Namespace) -> int:
    _, chain = _chain_or_fail(args)
    rows: list[dict[str, Any]] = _store_api("profiles_json")(chain)
    if args.json:
        _write_json(rows)
        return 0
    from credls.report import display_path

    cwd = os.getcwd()
    table = [
        [
            str(r.get("name", "")),
            str(r.get("store", "")),
            str(r.get("type") or "-"),
            str(r.get("region") or "-"),
            str(r.get("access_key_id") or "-"),
            f"{display_path(str(r.get('location', '')), cwd)}:{r.get('line', '')}",
        ]
        for r in rows
    ]
    header = ["NAME", "STORE", "TYPE", "REGION", "ACCESS KEY", "LOCATION"]
    sys.stdout.write(_table(header, table) if table else "no profiles found\n")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    ws, chain = _chain_or_fail(args)
    settings = ws.settings
    location = args.profile_location
    if location is not None:
        location = os.path.abspath(os.path.expanduser(location))
    explain = _store_api("explain_json")
    data: dict[str, Any] = explain(
        chain,
        args.profile,
        platform=settings.platform,
        powershell_version=settings.powershell_version,
        profile_location=location,
    )
    if args.json:
        _write_json(data)
    else:
        sys.stdout.write(_explain_text(data))
    return 0 if data.get("resolved") else 1


def _explain_text(data: dict[str, Any]) -> str:
    from credls.report import display_path

    cwd = os.getcwd()

    def shown(path: object) -> str:
        return display_path(str(path), cwd) if path else ""

    out = [
        f"profile {data.get('profile')!s} (platform {data.get('platform')!s}, "
        f"AWS Tools for PowerShell {data.get('powershell_version')!s})"
    ]
    out.append("search order:")
    for i, step in enumerate(data.get("steps") or [], start=1):
        mark = "found" if step.get("found") else "not found"
        line = f":{step['line']}" if step.get("line") else ""
        out.append(f"  {i}. {step.get('store')} {shown(step.get('location'))}{line}: {mark}")
    resolved = data.get("resolved")
    if resolved:
        line = f":{resolved['line']}" if resolved.get("line") else ""
        out.append(f"resolved: {resolved.get('store')} {shown(resolved.get('location'))}{line}")
    else:
        out.append("resolved: not found in any store")
    props = data.get("properties") or []
    if props:
        out.append("properties:")
        rows = []
        for p in props:
            origin = p.get("from") or {}
            where = f"{shown(origin.get('path'))}:{origin.get('line', '')}" if origin else ""
            rows.append([str(p.get("key")), str(p.get("value")), where])
        out.append(_table(["KEY", "VALUE", "FROM"], rows, indent="  ").rstrip("\n"))
    return "\n".join(out) + "\n"


def _write_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def _table(header: list[str], rows: list[list[str]], indent: str = "") -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


# --- rules ------------------------------------------------------------------------------


def _rule_dict(r: Any) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "severity": r.severity.value,
        "summary": r.summary,
        "doc": r.doc,
        "bad": r.bad,
        "good": r.good,
        "tags": [t.value for t in r.tags],
        "example_language": r.example_language,
        "url": r.url,
    }


def _cmd_rules(args: argparse.Namespace) -> int:
    from credls.rules.registry import all_rules, get

    if args.code:
        r = get(args.code)
        if r is None:
            raise UsageError(f"no rule {args.code!r} (see `credls rules`)")
        if args.json:
            _write_json(_rule_dict(r))
        else:
            sys.stdout.write(_rule_text(r))
        return 0
    rules = all_rules()
    if args.json:
        _write_json([_rule_dict(r) for r in rules])
        return 0
    table = [[r.code, r.name, r.severity.value, r.summary] for r in rules]
    sys.stdout.write(_table(["CODE", "NAME", "SEVERITY", "SUMMARY"], table))
    return 0


def _rule_text(r: Any) -> str:
    def indent(text: str) -> str:
        return "".join(f"    {line}\n" for line in text.rstrip("\n").splitlines())

    tags = f" ({', '.join(t.value for t in r.tags)})" if r.tags else ""
    return (
        f"{r.code} {r.name} [{r.severity.value}]{tags}\n\n{r.summary}\n\n{r.doc}\n\n"
        f"Bad:\n\n{indent(r.bad)}\nGood:\n\n{indent(r.good)}\n{r.url}\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
