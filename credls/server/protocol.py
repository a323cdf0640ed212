"""pygls' protocol with credls' document sync and a server that answers every request.

Three changes to pygls' defaults:

- Open documents live in ``DocumentStore`` (incremental edits converted with the
  negotiated encoding, PowerShell trees fed incrementally), so pygls' own copy
  of every buffer is not kept.
- A request after ``shutdown`` gets an ``InvalidRequest`` error (LSP: "the server
  errors with InvalidRequest") instead of no answer at all.
- A request whose params do not match the protocol gets ``InvalidParams``
  instead of being dropped; error texts pass ``redact``.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol, lsp_method

from credls.server.logs import redact

log = logging.getLogger("credls.server")


class _UnreadableRequest:
    """A request whose params could not be structured: answered with an error."""

    def __init__(self, msg_id: int | str, method: str) -> None:
        self.id = msg_id
        self.method = method
        self.jsonrpc = "2.0"


class CredlsProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except Exception:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return _UnreadableRequest(data["id"], str(data["method"]))
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _UnreadableRequest):
            log.warning("invalid params for %s: answered with an error", message.method)
            error = JsonRpcInvalidParams(f"invalid params for {message.method}")
            self._send_response(message.id, None, error.to_response_error())
            return
        method = getattr(message, "method", None)
        is_request = getattr(message, "id", None) is not None and method is not None
        if self._shutdown and is_request and method != types.EXIT:
            refusal = JsonRpcInvalidRequest("the server is shutting down")
            self._send_response(message.id, None, refusal.to_response_error())
            return
        super().handle_message(message)

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        if error is not None:
            error = types.ResponseError(code=error.code, message=redact(error.message), data=None)
        super()._send_response(msg_id, result, error)

    # Document sync: the server's DocumentStore replaces pygls' workspace copy.

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None
