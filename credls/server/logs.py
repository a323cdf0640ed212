"""Server logging: stderr (and an optional file), forwarded to ``window/logMessage``.

stdout is the protocol channel, so nothing here ever writes to it. Every record
passes ``redact`` first: at debug level pygls logs whole messages (document
text included), and a secret must not reach a log line even then.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

from credls.secret import mask_key_id

LOGGER_NAME = "credls"

_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b")
# A secret access key is 40 base64 characters; session tokens are longer runs.
_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40,}(?![A-Za-z0-9/+=])")


def redact(text: str) -> str:
    """``text`` with access key IDs masked and secret-shaped runs elided."""
    text = _KEY_ID.sub(lambda m: mask_key_id(m.group(0)), text)
    return _SECRET.sub("********", text)


class RedactFilter(logging.Filter):
    """Rewrites each record's message through ``redact`` (args folded in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not kill logging
            message = str(record.msg)
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message)
        record.args = None
        return True


class ClientLogHandler(logging.Handler):
    """Sends credls' own records to the client as ``window/logMessage``.

    Records may come from the core's worker thread; sending is always
    scheduled on the event loop, the only thread that writes to stdout.
    pygls' records are not forwarded: logging a failed send would recurse.
    """

    def __init__(self, send: Callable[[int, str], None]) -> None:
        super().__init__(logging.INFO)
        self._send = send
        self.loop: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(LOGGER_NAME) or self.loop is None:
            return
        kind = (
            1 if record.levelno >= logging.ERROR else 2 if record.levelno >= logging.WARNING else 3
        )
        try:
            message = self.format(record)
            self.loop.call_soon_threadsafe(self._send, kind, message)
        except RuntimeError:  # loop closed during shutdown
            pass


def setup_logging(level: str = "warning", log_file: str | None = None) -> None:
    """stderr at ``level`` (plus ``log_file``); pygls stays at warning unless debugging."""
    numeric = getattr(logging, level.upper(), logging.WARNING)
    redactor = RedactFilter()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler()]  # stderr
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    root = logging.getLogger()
    for h in handlers:
        h.setFormatter(fmt)
        h.addFilter(redactor)
        h.setLevel(numeric)
        root.addHandler(h)
    root.setLevel(min(numeric, logging.INFO))
    logging.getLogger("pygls").setLevel(
        logging.DEBUG if numeric <= logging.DEBUG else logging.WARNING
    )


def attach_client_handler(handler: ClientLogHandler) -> None:
    handler.addFilter(RedactFilter())
    logging.getLogger(LOGGER_NAME).addHandler(handler)
