"""Benchmark: the language server over a real stdio pipe (not a timed test).

Prints, for ``python -m credls serve`` driven by a small JSON-RPC client:

1. start-up: spawn -> ``initialize`` result, against a minimal pygls server
   measured in the same run (median of ``--starts`` runs each; target <= 1.5x);
2. typing in a 5,000-line script, one character per ``didChange`` (incremental
   sync), each time waiting for the ``publishDiagnostics`` of that version
   (p50/p95; target p95 <= 100 ms). The debounce is 0 ms here, so the figure is
   the analysis itself; an editor adds the debounce (default 200 ms) on top;
3. completion (``-ProfileName |``) and hover (on a profile name and on a cmdlet)
   in that script once its diagnostics are out (p50/p95; target p95 <= 20 ms);
4. peak RSS of the server (``VmHWM``) with 10,000 profiles in the stores and 50
   open documents, after completion and workspace symbols over them (target
   <= 150 MB).

Run: .venv/bin/python bench/lsp_bench.py [--script mixed|dense] [--edits N] [--requests N]

``--script dense`` uses bench/ps_parse.py's generator (an AWS call every ~2
lines) instead of the default mix (an AWS call every ~12 lines, with functions,
loops, splats and plain PowerShell around them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

MINIMAL_SERVER = """
from pygls.lsp.server import LanguageServer

LanguageServer("minimal", "0.0").start_io()
"""

FAKE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


# --- a minimal LSP client ---------------------------------------------------------------


class Client:
    """JSON-RPC over the server's stdin/stdout; answers the server's requests with null."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._waiters: list[tuple[Callable[[dict[str, Any]], bool], asyncio.Future[Any]]] = []
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self._stderr = asyncio.get_running_loop().create_task(self._drain())

    @classmethod
    async def spawn(cls, cmd: list[str], env: dict[str, str], cwd: str) -> Client:
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        return cls(proc)

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _drain(self) -> None:
        assert self.proc.stderr is not None
        while await self.proc.stderr.readline():
            pass

    async def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            message = json.loads(await out.readexactly(length))
            if "id" in message and "method" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                fut = self._pending.pop(message["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result(message)
            else:
                for check, fut in list(self._waiters):
                    if not fut.done() and check(message):
                        fut.set_result(message)
                        self._waiters.remove((check, fut))

    async def request(self, method: str, params: Any) -> Any:
        msg_id = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = fut
        self._send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        reply = await asyncio.wait_for(fut, 120)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def expect(self, check: Callable[[dict[str, Any]], bool]) -> asyncio.Future[Any]:
        """A future for the first later notification ``check`` accepts."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append((check, fut))
        return fut

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self._reader.cancel()
        self._stderr.cancel()

    def peak_rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None


CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True},
    "workspace": {"configuration": False, "workspaceFolders": True},
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {"completionItem": {"documentationFormat": ["markdown"]}},
        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        "rename": {"prepareSupport": True},
    },
}


def initialize_params(root: Path, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "processId": os.getpid(),
        "rootUri": root.as_uri(),
        "workspaceFolders": [{"uri": root.as_uri(), "name": "bench"}],
        "capabilities": CAPABILITIES,
        "initializationOptions": options,
    }


def server_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CREDLS_"))}
    env.update(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData"))
    return env


CREDLS = [sys.executable, "-m", "credls", "serve"]


# --- workloads -----------------------------------------------------------------------------


def mixed_script(lines: int) -> str:
    """Functions, loops, branches, splats and plain PowerShell, an AWS call every ~12 lines."""
    out: list[str] = []
    k = 0
    while len(out) < lines:
        k += 1
        out += [
            f"function Invoke-Step{k} {{",
            f"    param([string]$Name = 'step{k}')",
            f"    # step {k}: ünïcödé and 😀 in a comment",
            "    $items = @(1, 2, 3)",
            "    foreach ($i in $items) {",
            '        Write-Host "item $i of $Name"',
            "    }",
            "    Get-EC2Instance -ProfileName dev -Region us-east-1",
            "}",
            f"$result{k} = Invoke-Step{k} -Name 'x{k}'",
            f"if ($result{k}) {{",
            f"    Write-Output $result{k}",
            "} else {",
            "    Write-Warning 'nothing'",
            "}",
            f"$params{k} = @{{ ProfileName = 'dev'; Region = 'eu-west-1' }}",
            f"Get-S3Bucket @params{k}",
            "# a comment line",
            f'$text = "some text {k}"',
            "$text | Out-Null",
            "Start-Sleep -Milliseconds 1",
            "$list = Get-ChildItem -Path . -Filter '*.txt'",
            "$list.Count",
            f"Write-Verbose 'done {k}'",
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


def dense_script(lines: int) -> str:
    sys.path.insert(0, str(HERE))
    from ps_parse import generate  # the parser benchmark's script

    text: str = generate(lines)
    return text


def stores_text(profiles: int) -> tuple[str, str]:
    """A credentials file with most of ``profiles`` and a config file with the rest."""
    in_config = profiles // 5
    cred = [
        f"[p{i}]\naws_access_key_id = {FAKE_KEY_ID}\naws_secret_access_key = {FAKE_SECRET}\n"
        for i in range(profiles - in_config)
    ]
    keys = f"aws_access_key_id = {FAKE_KEY_ID}\naws_secret_access_key = {FAKE_SECRET}\n"
    cred.append(f"[dev]\n{keys}")
    conf = [
        f"[profile r{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = dev\n"
        for i in range(in_config)
    ]
    return "\n".join(cred), "\n".join(conf)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def report(name: str, samples: list[float], target: float | None) -> None:
    p50, p95, worst = percentiles(samples)
    verdict = ""
    if target is not None:
        verdict = f"  target p95 <= {target:g} ms: {'met' if p95 <= target else 'MISSED'}"
    print(
        f"{name:<34} n={len(samples):<4} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
        f"  max {worst:7.1f} ms{verdict}"
    )


# --- 1. start-up ----------------------------------------------------------------------------


async def time_initialize(cmd: list[str], root: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    client = await Client.spawn(cmd, env, str(root))
    await client.request("initialize", initialize_params(root, {"useUserStores": False}))
    elapsed = (time.perf_counter() - t0) * 1000
    client.notify("initialized", {})
    await client.close()
    return elapsed


async def bench_startup(root: Path, env: dict[str, str], runs: int) -> None:
    minimal = root / "minimal_server.py"
    minimal.write_text(MINIMAL_SERVER)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(runs):
        base.append(await time_initialize([sys.executable, str(minimal)], root, env))
        ours.append(await time_initialize(CREDLS, root, env))
    b, o = statistics.median(base), statistics.median(ours)
    ratio = o / b
    print(f"{'spawn -> initialize: minimal pygls':<34} median {b:7.1f} ms  (n={runs})")
    print(
        f"{'spawn -> initialize: credls':<34} median {o:7.1f} ms  ratio {ratio:.2f}x"
        f"  target <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'}"
    )


# --- 2./3. editing, completion, hover ----------------------------------------------------------


def position_of(text: str, needle: str, delta: int = 0) -> dict[str, int]:
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    prefix = text[text.rfind("\n", 0, offset) + 1 : offset]
    return {"line": line, "character": col + sum(1 for c in prefix if ord(c) > 0xFFFF)}


async def bench_editing(
    root: Path, env: dict[str, str], kind: str, edits: int, requests: int
) -> None:
    cred, conf = stores_text(20)
    (root / "stores").mkdir(exist_ok=True)
    (root / "stores" / "credentials").write_text(cred)
    (root / "stores" / "config").write_text(conf)
    body = mixed_script(5000) if kind == "mixed" else dense_script(5000)
    lines = body.split("\n")
    middle = len(lines) // 2
    # The lines the edits, completions and hovers work on, in the middle of the script.
    lines[middle:middle] = [
        "Get-S3Bucket -ProfileName typed",
        "Get-S3Bucket -ProfileName ",
        "Get-EC2Instance -ProfileName dev -Region us-east-1 # hover here",
    ]
    text = "\n".join(lines)
    path = root / "project" / "big.ps1"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    options = {
        "debounceMs": 0,
        "useUserStores": False,
        "platform": "linux",
        "stores": {
            "credentialsFile": str(root / "stores" / "credentials"),
            "configFile": str(root / "stores" / "config"),
        },
    }
    client = await Client.spawn(CREDLS, env, str(root))
    try:
        await client.request("initialize", initialize_params(root, options))
        client.notify("initialized", {})

        def published(version: int) -> Callable[[dict[str, Any]], bool]:
            def check(m: dict[str, Any]) -> bool:
                p = m.get("params") or {}
                return (
                    m.get("method") == "textDocument/publishDiagnostics"
                    and p.get("uri") == uri
                    and p.get("version") == version
                )

            return check

        first = client.expect(published(1))
        t0 = time.perf_counter()
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "powershell", "version": 1, "text": text}},
        )
        opened = await asyncio.wait_for(first, 120)
        print(
            f"{'didOpen -> first publish':<34} {(time.perf_counter() - t0) * 1000:7.1f} ms"
            f"  ({len(text.splitlines())} lines, {len(opened['params']['diagnostics'])} findings)"
        )

        typed = "Get-S3Bucket -ProfileName typed"
        at = position_of(text, typed, len(typed))
        latencies: list[float] = []
        for i in range(edits):
            version = i + 2
            pos = {"line": at["line"], "character": at["character"] + i}
            fut = client.expect(published(version))
            t0 = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "x"}],
                },
            )
            await asyncio.wait_for(fut, 60)
            latencies.append((time.perf_counter() - t0) * 1000)
        report("didChange -> publishDiagnostics", latencies, 100)

        async def timed(method: str, params: dict[str, Any]) -> tuple[list[float], Any]:
            out: list[float] = []
            result = None
            for _ in range(requests):
                t0 = time.perf_counter()
                result = await client.request(method, params)
                out.append((time.perf_counter() - t0) * 1000)
            return out, result

        doc = {"uri": uri}
        empty = "Get-S3Bucket -ProfileName "
        blank = position_of(text, empty + "\n", len(empty))
        samples, result = await timed(
            "textDocument/completion", {"textDocument": doc, "position": blank}
        )
        items = result["items"] if isinstance(result, dict) else result
        report(f"completion ({len(items)} items)", samples, 20)
        hover_line = "Get-EC2Instance -ProfileName dev -Region us-east-1 # hover here"
        dev = position_of(text, hover_line, len("Get-EC2Instance -ProfileName d"))
        samples, result = await timed("textDocument/hover", {"textDocument": doc, "position": dev})
        assert result and "Profile" in result["contents"]["value"], result
        report("hover on a profile name", samples, 20)
        cmdlet = position_of(text, hover_line, 4)
        samples, result = await timed(
            "textDocument/hover", {"textDocument": doc, "position": cmdlet}
        )
        assert result and "Credential search" in result["contents"]["value"], result
        report("hover on a cmdlet", samples, 20)
    finally:
        await client.close()


# --- 4. memory ----------------------------------------------------------------------------------


async def bench_memory(root: Path, env: dict[str, str], profiles: int, documents: int) -> None:
    cred, conf = stores_text(profiles)
    stores = root / "big-stores"
    stores.mkdir(exist_ok=True)
    (stores / "credentials").write_text(cred)
    (stores / "config").write_text(conf)
    work = root / "docs"
    work.mkdir(exist_ok=True)
    options = {
        "debounceMs": 0,
        "useUserStores": False,
        "platform": "linux",
        "stores": {
            "credentialsFile": str(stores / "credentials"),
            "configFile": str(stores / "config"),
        },
    }
    client = await Client.spawn(CREDLS, env, str(root))
    try:
        await client.request("initialize", initialize_params(work, options))
        client.notify("initialized", {})
        waits = []
        script = mixed_script(250)
        for i in range(documents):
            if i % 5 == 4:
                path = work / f"team{i}.credentials"
                text = f"[t{i}]\naws_access_key_id = {FAKE_KEY_ID}\nsource_profile = p{i}\n"
                lang = "ini"
            else:
                path = work / f"script{i}.ps1"
                text = script.replace("ProfileName dev", f"ProfileName p{i}")
                lang = "powershell"
            path.write_text(text)
            uri = path.as_uri()
            waits.append(
                client.expect(
                    lambda m, u=uri: (
                        m.get("method") == "textDocument/publishDiagnostics"
                        and (m.get("params") or {}).get("uri") == u
                    )
                )
            )
            client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}},
            )
        await asyncio.wait_for(asyncio.gather(*waits), 600)
        first = (work / "script0.ps1").as_uri()
        where = position_of(script, "-ProfileName dev", len("-ProfileName "))
        items = await client.request(
            "textDocument/completion", {"textDocument": {"uri": first}, "position": where}
        )
        count = len(items["items"] if isinstance(items, dict) else items)
        symbols = await client.request("workspace/symbol", {"query": ""})
        peak = client.peak_rss_mb()
        shown = f"{peak:7.1f} MB" if peak is not None else "    n/a"
        met = peak is not None and peak <= 150
        verdict = "" if peak is None else f"  target <= 150 MB: {'met' if met else 'MISSED'}"
        print(
            f"{'peak RSS':<34} {shown}  ({profiles} profiles, {documents} open documents, "
            f"{count} completion items, {len(symbols)} workspace symbols){verdict}"
        )
    finally:
        await client.close()


async def main(args: argparse.Namespace) -> None:
    root = Path(tempfile.mkdtemp(prefix="credls-lsp-bench-"))
    try:
        home = root / "home"
        home.mkdir()
        env = server_env(home)
        version = sys.version.split()[0]
        print(f"credls language server benchmark ({args.script} script, Python {version})")
        await bench_startup(root, env, args.starts)
        await bench_editing(root, env, args.script, args.edits, args.requests)
        await bench_memory(root, env, args.profiles, args.documents)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--script", choices=["mixed", "dense"], default="mixed")
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=50)
    asyncio.run(main(parser.parse_args()))
