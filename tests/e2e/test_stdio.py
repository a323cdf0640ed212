"""The raw stdio contract: stdout carries only protocol frames, stderr no secrets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from e2e_support import ACCESS_KEY, CONFIG_SERVER, CREDENTIALS, SECRET_KEY, SESSION_TOKEN


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _frames(data: bytes) -> list[dict[str, object]]:
    """Parse stdout strictly: anything that is not a frame fails the test."""
    out = []
    while data:
        header, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, f"stray bytes on stdout: {data[:80]!r}"
        fields = dict(line.split(b": ", 1) for line in header.split(b"\r\n"))
        assert set(fields) <= {b"Content-Length", b"Content-Type"}, f"stray bytes: {header!r}"
        length = int(fields[b"Content-Length"])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def test_debug_session_keeps_stdout_clean_and_stderr_secret_free(tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.write_text(CREDENTIALS)
    uri = creds.as_uri()
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "capabilities": {},
                "initializationOptions": {"debounceMs": 0, "useUserStores": False},
            },
        },
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "ini", "version": 1, "text": CREDENTIALS}
            },
        },
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}},
        },
        {"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "credls", "serve", "--stdio", "--log-level", "debug"],
        input=b"".join(_frame(m) for m in messages),
        capture_output=True,
        env=CONFIG_SERVER.server_env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    frames = _frames(proc.stdout)
    answered = {f.get("id") for f in frames if "result" in f or "error" in f}
    assert {1, 2, 3} <= answered
    stderr = proc.stderr.decode()
    assert "textDocument/didOpen" in stderr  # debug logging did happen
    for secret in (SECRET_KEY, SESSION_TOKEN, ACCESS_KEY):
        assert secret not in stderr
        assert secret not in proc.stdout.decode()


def test_exit_without_shutdown_is_status_1() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "credls", "serve"],
        input=_frame({"jsonrpc": "2.0", "method": "exit", "params": None}),
        capture_output=True,
        env=CONFIG_SERVER.server_env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout == b""
