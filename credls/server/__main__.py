"""``python -m credls.server``: run the language server (stdio by default)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credls serve", description="Run the credls language server."
    )
    transport = parser.add_mutually_exclusive_group()
    # VS Code's client appends --stdio when a transport is set: accept it as the default.
    transport.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (default)")
    transport.add_argument("--tcp", action="store_true", help="listen on --host/--port")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument("--log-file", metavar="F", help="also write the log to F")
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        type=str.lower,
        help="stderr log level (default warning)",
    )
    return parser


def serve_main(argv: Sequence[str] | None = None) -> int:
    """Run the server until the client says ``exit``; 0 after a clean shutdown, else 1."""
    args = _parser().parse_args(argv)
    from credls.server.logs import setup_logging

    try:
        setup_logging(args.log_level, args.log_file)
    except OSError as exc:
        print(f"credls serve: cannot open log file: {exc}", file=sys.stderr)
        return 2

    from credls.server.app import create_server
    from credls.server.memory import tune_for_server

    server = create_server()
    tune_for_server()
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0 if server.protocol._shutdown else 1


if __name__ == "__main__":
    raise SystemExit(serve_main())
