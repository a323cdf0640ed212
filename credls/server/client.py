"""What the connected client can do, read once from its ``initialize`` capabilities."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder, get_capability

from credls.server.convert import encoding_of
from credls.text import Encoding


@dataclass(frozen=True)
class ClientFeatures:
    """The capabilities the server acts on (defaults: a client that declared nothing)."""

    encoding: Encoding = Encoding.UTF16
    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    configuration: bool = False
    dynamic_configuration: bool = False
    dynamic_watched_files: bool = False
    relative_patterns: bool = False
    related_information: bool = False
    code_description: bool = False
    diagnostic_tags: frozenset[int] = frozenset()
    markdown_hover: bool = False
    markdown_completion_docs: bool = False
    hierarchical_symbols: bool = False
    code_action_literals: bool = False
    line_folding_only: bool = False
    work_done_progress: bool = False
    completion_tags: frozenset[int] = frozenset()

    @property
    def pull_mode(self) -> bool:
        """Diagnostics by pull only.

        LSP 3.17 lets a server both push and answer pulls, but a client that does
        both shows every finding twice (Neovim keeps separate namespaces, VS Code
        separate collections). Pull is chosen only when the client can also be
        told to re-pull (``workspace/diagnostic/refresh``): without that a store
        file changing on disk could not update the open documents' findings.
        """
        return self.pull_diagnostics and self.diagnostic_refresh

    @classmethod
    def from_capabilities(cls, caps: types.ClientCapabilities) -> ClientFeatures:
        def cap(path: str, default: object = None) -> object:
            return get_capability(caps, path, default)

        tag_set: list[int] = list(
            cap("text_document.publish_diagnostics.tag_support.value_set", []) or []  # type: ignore[call-overload]
        )
        hover_formats = cap("text_document.hover.content_format", []) or []
        doc_formats = cap("text_document.completion.completion_item.documentation_format", []) or []
        return cls(
            encoding=encoding_of(ServerCapabilitiesBuilder.choose_position_encoding(caps)),
            pull_diagnostics=cap("text_document.diagnostic") is not None,
            diagnostic_refresh=bool(cap("workspace.diagnostics.refresh_support", False)),
            configuration=bool(cap("workspace.configuration", False)),
            dynamic_configuration=bool(
                cap("workspace.did_change_configuration.dynamic_registration", False)
            ),
            dynamic_watched_files=bool(
                cap("workspace.did_change_watched_files.dynamic_registration", False)
            ),
            relative_patterns=bool(
                cap("workspace.did_change_watched_files.relative_pattern_support", False)
            ),
            related_information=bool(
                cap("text_document.publish_diagnostics.related_information", False)
            ),
            code_description=bool(
                cap("text_document.publish_diagnostics.code_description_support", False)
            ),
            diagnostic_tags=frozenset(int(t) for t in tag_set),
            markdown_hover=types.MarkupKind.Markdown in hover_formats,  # type: ignore[operator]
            markdown_completion_docs=types.MarkupKind.Markdown in doc_formats,  # type: ignore[operator]
            hierarchical_symbols=bool(
                cap("text_document.document_symbol.hierarchical_document_symbol_support", False)
            ),
            code_action_literals=cap("text_document.code_action.code_action_literal_support")
            is not None,
            line_folding_only=bool(cap("text_document.folding_range.line_folding_only", False)),
            work_done_progress=bool(cap("window.work_done_progress", False)),
            completion_tags=frozenset(
                _int_list(cap("text_document.completion.completion_item.tag_support.value_set"))
            ),
        )


def _int_list(value: object) -> list[int]:
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value if isinstance(v, int)]
    return []
