"""A throwaway stdio LSP server that proves the editor harnesses before credls serves.

On ``didOpen`` it publishes one diagnostic (code ``FAKE001``) on the first line that
contains ``FAKE_LSP_MARKER`` (default ``aws_secret_access_key``), else on line 0. Its
message echoes what the client sent (languageId, initializationOptions, the last
``workspace/didChangeConfiguration`` settings) so tests can check the wiring. With
``FAKE_LSP_SILENT=1`` it never publishes (for timeout tests).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO


def read_message(stream: BinaryIO) -> dict[str, Any] | None:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def send(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    stream.flush()


def diagnostic_for(doc: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    marker = os.environ.get("FAKE_LSP_MARKER", "aws_secret_access_key")
    lines = doc["text"].splitlines() or [""]
    line = next((i for i, text in enumerate(lines) if marker in text), 0)
    echo = {
        "languageId": doc["languageId"],
        "init": state.get("init"),
        "settings": state.get("settings"),
    }
    return {
        "range": {
            "start": {"line": line, "character": 0},
            "end": {"line": line, "character": len(lines[line])},
        },
        "severity": 2,
        "code": "FAKE001",
        "source": "fake-lsp",
        "message": json.dumps(echo, sort_keys=True),
    }


def main() -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    state: dict[str, Any] = {}
    silent = os.environ.get("FAKE_LSP_SILENT") == "1"
    while (message := read_message(stdin)) is not None:
        method, params = message.get("method"), message.get("params") or {}
        if method == "initialize":
            state["init"] = params.get("initializationOptions")
            capabilities = {"textDocumentSync": 1}
            send(stdout, {"id": message["id"], "result": {"capabilities": capabilities}})
        elif method == "workspace/didChangeConfiguration":
            state["settings"] = params.get("settings")
        elif method == "textDocument/didOpen" and not silent:
            doc = params["textDocument"]
            diagnostics = [diagnostic_for(doc, state)]
            notification = {"uri": doc["uri"], "diagnostics": diagnostics}
            send(stdout, {"method": "textDocument/publishDiagnostics", "params": notification})
        elif method == "shutdown":
            send(stdout, {"id": message["id"], "result": None})
        elif method == "exit":
            return 0
        elif "id" in message and method is not None:
            error = {"code": -32601, "message": f"unsupported: {method}"}
            send(stdout, {"id": message["id"], "error": error})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
