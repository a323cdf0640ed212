"""AWS cmdlet invocations in a script, with parameters bound as PowerShell binds them.

Binding follows powershell.md §5: case-insensitive names and aliases, unique
prefixes (an exact name or alias wins; several parameters are ambiguous unless
only one is declared by the cmdlet), ``-Name:value``, switches, positional
arguments within the parameter sets still possible, hashtable splatting (keys
matched like typed names), and ``$PSDefaultParameterValues`` for parameters
not bound otherwise. Calls are found with the shared tree-sitter query
(``PowerShellDocument.index``), never by walking every node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from credls.powershell.catalog import (
    CmdletSpec,
    CommandLookup,
    MatchKind,
    ParameterSpec,
    _wildcard,
    command_matches_pattern,
    lookup_command,
)
from credls.powershell.values import (
    ArrayValue,
    Chain,
    Container,
    Dynamic,
    HashEntry,
    HashtableValue,
    Static,
    Value,
    ValueResolver,
    child,
    string_literal,
    unwrap,
    variable_ref,
)
from credls.text import Range

if TYPE_CHECKING:
    from tree_sitter import Node

    from credls.powershell.parser import PowerShellDocument

_Add = Callable[["BoundParameter"], None]


class BindingSource(str, Enum):
    TYPED = "typed"  # -Name value
    POSITIONAL = "positional"
    SPLAT = "splat"  # @hashtable key
    DEFAULT_VALUES = "default-values"  # $PSDefaultParameterValues


@dataclass(frozen=True)
class BoundParameter:
    """A parameter bound on a call. ``value`` is None for a switch without value
    or when the value is missing (``missing_value``)."""

    name: str  # canonical parameter name
    written: str  # as written: "Prof", a splat key, or a "$PSDefaultParameterValues" key
    source: BindingSource
    name_range: Range | None
    value: Value | None
    value_range: Range | None
    exact: bool = True  # the written name is the name or an alias, not an abbreviation
    alias: str | None = None  # the alias written, if any
    colon: bool = False  # -Name:value
    missing_value: bool = False
    conditional: bool = False  # splat key / default set on some paths only
    splat: str | None = None  # the splatted variable (SPLAT)

    @property
    def static_text(self) -> str | None:
        return self.value.text if isinstance(self.value, Static) else None


@dataclass(frozen=True)
class AmbiguousParameter:
    """A name that abbreviates several parameters (CRED404); PowerShell refuses the call."""

    written: str
    candidates: tuple[str, ...]
    source: BindingSource
    name_range: Range | None
    value: Value | None = None
    value_range: Range | None = None


@dataclass(frozen=True)
class UnknownParameter:
    """A name that matches no parameter the catalog knows (see ``CmdletSpec.complete``)."""

    written: str
    source: BindingSource
    name_range: Range | None
    value: Value | None = None
    value_range: Range | None = None


@dataclass(frozen=True)
class DuplicateParameter:
    """The same parameter bound twice (by name and alias, or name and splat; CRED408)."""

    name: str
    first: BoundParameter
    second: BoundParameter


@dataclass(frozen=True)
class Argument:
    """A positional argument that no parameter took."""

    value: Value
    range: Range
    splat: str | None = None


@dataclass(frozen=True)
class UnresolvedSplat:
    """``@name`` whose content is not known statically: the binding is incomplete."""

    variable: str
    range: Range
    reason: str


@dataclass(frozen=True)
class StatementContext:
    """A statement around a call: function, scriptblock, if/else, loop, try, ERROR."""

    kind: str
    range: Range
    name: str | None = None


@dataclass(frozen=True)
class CmdletCall:
    """One invocation of an AWS cmdlet."""

    cmdlet: CmdletSpec
    written_name: str  # as written, with module qualifier if any
    name_range: Range
    module: str | None
    alias: str | None  # the alias written (e.g. Set-AWSCredentials)
    legacy_alias: bool
    invocation_operator: str | None  # "&" or "." or None
    range: Range
    parameters: tuple[BoundParameter, ...]
    ambiguous: tuple[AmbiguousParameter, ...]
    unknown: tuple[UnknownParameter, ...]
    duplicates: tuple[DuplicateParameter, ...]
    arguments: tuple[Argument, ...]
    unresolved_splats: tuple[UnresolvedSplat, ...]
    parameter_sets: tuple[str, ...]  # sets still possible after binding ("" none declared)
    context: tuple[StatementContext, ...]  # outermost first
    function: str | None  # innermost enclosing function
    in_error: bool  # touches an ERROR/MISSING node: never report profile findings
    pipeline_input: bool  # receives pipeline input
    start_byte: int
    end_byte: int

    @property
    def name(self) -> str:
        return self.cmdlet.name

    def parameter(self, name: str) -> BoundParameter | None:
        """The binding of a parameter by canonical name (case-insensitive)."""
        key = name.lower()
        for b in self.parameters:
            if b.name.lower() == key:
                return b
        return None

    @property
    def missing_values(self) -> tuple[BoundParameter, ...]:
        return tuple(b for b in self.parameters if b.missing_value)

    @property
    def binding_complete(self) -> bool:
        """No unresolved splat and a complete parameter catalog for this cmdlet."""
        return not self.unresolved_splats and self.cmdlet.complete


_CONTEXT_KIND = {
    "function_statement": "function",
    "script_block_expression": "scriptblock",
    "elseif_clause": "elseif",
    "else_clause": "else",
    "switch_clause": "switch",
    "catch_clause": "catch",
    "trap_statement": "trap",
    "foreach_statement": "foreach",
    "for_statement": "for",
    "while_statement": "while",
    "do_statement": "do",
    "ERROR": "error",
}


@dataclass
class _Item:
    node: Node
    is_param: bool
    colon: bool = False  # a ':' separator follows this parameter


class _CallBuilder:
    def __init__(self, doc: PowerShellDocument, resolver: ValueResolver) -> None:
        self.doc = doc
        self.resolver = resolver
        self._contexts: dict[int, StatementContext] = {}
        self.piped = doc.index().piped

    def context(self, c: Container) -> StatementContext:
        ctx = self._contexts.get(id(c))
        if ctx is None:
            t = c.node.type
            kind = c.label or _CONTEXT_KIND.get(t, t)
            ctx = StatementContext(kind, self.doc.node_range(c.node), c.name)
            self._contexts[id(c)] = ctx
        return ctx

    def build(
        self, node: Node, lookup: CommandLookup, chain: Chain, op: str | None, name_node: Node
    ) -> CmdletCall:
        doc = self.doc
        spec = lookup.spec
        at = node.start_byte
        items: list[_Item] = []
        elements = node.child_by_field_name("command_elements")
        if elements is not None:
            for ch in elements.children:
                t = ch.type
                if t == "command_argument_sep":
                    if (
                        items
                        and items[-1].is_param
                        and b":" in doc.source[ch.start_byte : ch.end_byte]
                    ):
                        items[-1].colon = True
                    continue
                if t == "command_parameter":
                    items.append(_Item(ch, True))
                elif t == "stop_parsing":
                    break
                elif t not in ("redirection", "comment"):
                    items.append(_Item(ch, False))

        bound: list[BoundParameter] = []
        by_name: dict[str, int] = {}
        ambiguous: list[AmbiguousParameter] = []
        unknown: list[UnknownParameter] = []
        duplicates: list[DuplicateParameter] = []
        positional: list[tuple[Value, Range, str | None]] = []
        unresolved: list[UnresolvedSplat] = []

        def add(b: BoundParameter) -> None:
            key = b.name.lower()
            idx = by_name.get(key)
            if idx is None:
                by_name[key] = len(bound)
                bound.append(b)
                return
            first = bound[idx]
            duplicates.append(DuplicateParameter(b.name, first, b))
            # PowerShell >= 7.1: an explicit parameter overrides a splatted one.
            if first.source is BindingSource.SPLAT and b.source is BindingSource.TYPED:
                bound[idx] = b

        i = 0
        n = len(items)
        while i < n:
            item = items[i]
            if not item.is_param:
                self._argument(
                    item.node, at, chain, spec, add, ambiguous, unknown, positional, unresolved
                )
                i += 1
                continue
            text = doc.node_text(item.node)
            written = text[1:].rstrip(":")
            name_range = doc.node_range(item.node)
            nxt = items[i + 1] if i + 1 < n and not items[i + 1].is_param else None
            m = spec.match(written)
            p = m.parameter
            takes_value = item.colon or p is None or not p.switch
            if p is not None and p.switch and not item.colon:
                takes_value = False
            if m.kind is MatchKind.AMBIGUOUS:
                params = [spec.parameter(c) for c in m.candidates]
                takes_value = item.colon or not all(x is not None and x.switch for x in params)
            value: Value | None = None
            value_range: Range | None = None
            consumed = False
            if takes_value and nxt is not None:
                value = self.resolver.evaluate(nxt.node, at, chain)
                value_range = doc.node_range(nxt.node)
                consumed = True
            if m.kind is MatchKind.AMBIGUOUS:
                ambiguous.append(
                    AmbiguousParameter(
                        written, m.candidates, BindingSource.TYPED, name_range, value, value_range
                    )
                )
            elif m.kind is MatchKind.NONE or p is None:
                unknown.append(
                    UnknownParameter(written, BindingSource.TYPED, name_range, value, value_range)
                )
            else:
                add(
                    BoundParameter(
                        p.name,
                        written,
                        BindingSource.TYPED,
                        name_range,
                        value,
                        value_range,
                        exact=m.kind is MatchKind.EXACT,
                        alias=m.alias,
                        colon=item.colon,
                        missing_value=takes_value and not consumed,
                    )
                )
            i += 2 if consumed else 1

        sets = _possible_sets(spec, bound)
        self._bind_positional(spec, sets, bound, positional, add)
        sets = _possible_sets(spec, bound)
        leftovers = tuple(Argument(v, r, s) for v, r, s in positional)
        self._apply_defaults(lookup, at, chain, by_name, add)

        function = next((c.name for c in reversed(chain) if c.kind == "function"), None)
        in_error = node.has_error or any(c.kind == "error" for c in chain)
        return CmdletCall(
            cmdlet=spec,
            written_name=lookup.written,
            name_range=doc.node_range(name_node),
            module=lookup.module,
            alias=lookup.alias,
            legacy_alias=lookup.legacy_alias,
            invocation_operator=op,
            range=doc.node_range(node),
            parameters=tuple(bound),
            ambiguous=tuple(ambiguous),
            unknown=tuple(unknown),
            duplicates=tuple(duplicates),
            arguments=leftovers,
            unresolved_splats=tuple(unresolved),
            parameter_sets=sets,
            context=tuple(self.context(c) for c in chain if c.kind != "program"),
            function=function,
            in_error=in_error,
            pipeline_input=node.start_byte in self.piped,
            start_byte=node.start_byte,
            end_byte=node.end_byte,
        )

    def _argument(
        self,
        node: Node,
        at: int,
        chain: Chain,
        spec: CmdletSpec,
        add: _Add,
        ambiguous: list[AmbiguousParameter],
        unknown: list[UnknownParameter],
        positional: list[tuple[Value, Range, str | None]],
        unresolved: list[UnresolvedSplat],
    ) -> None:
        doc = self.doc
        leaf = unwrap(node)
        rng = doc.node_range(node)
        if leaf.type == "variable" and doc.source[leaf.start_byte : leaf.start_byte + 1] == b"@":
            ref = variable_ref(doc.node_text(leaf))
            splat = self.resolver.splat(ref, at, chain)
            if isinstance(splat, HashtableValue):
                # §5: each key becomes a named parameter, matched like a typed name.
                for e in splat.entries:
                    m = spec.match(e.key)
                    vr = e.value.range
                    if m.kind is MatchKind.AMBIGUOUS:
                        ambiguous.append(
                            AmbiguousParameter(
                                e.key, m.candidates, BindingSource.SPLAT, e.key_range, e.value, vr
                            )
                        )
                    elif m.parameter is None:
                        unknown.append(
                            UnknownParameter(e.key, BindingSource.SPLAT, e.key_range, e.value, vr)
                        )
                    else:
                        add(
                            BoundParameter(
                                m.parameter.name,
                                e.key,
                                BindingSource.SPLAT,
                                e.key_range,
                                e.value,
                                vr,
                                exact=m.kind is MatchKind.EXACT,
                                alias=m.alias,
                                conditional=e.conditional,
                                splat=ref.spelled,
                            )
                        )
                if not splat.complete:
                    unresolved.append(UnresolvedSplat(ref.spelled, rng, "some keys are not static"))
            elif isinstance(splat, ArrayValue):
                # An array splat passes positional arguments only (§5).
                for v in splat.items:
                    positional.append((v, v.range or rng, ref.spelled))
            else:
                unresolved.append(UnresolvedSplat(ref.spelled, rng, splat.reason))
            return
        positional.append((self.resolver.evaluate(node, at, chain), rng, None))

    def _bind_positional(
        self,
        spec: CmdletSpec,
        sets: tuple[str, ...],
        bound: list[BoundParameter],
        positional: list[tuple[Value, Range, str | None]],
        add: _Add,
    ) -> None:
        if not positional:
            return
        taken = {b.name.lower() for b in bound}
        candidates = [
            p
            for p in spec.parameters
            if p.position is not None
            and p.name.lower() not in taken
            and (not sets or any(p.in_set(s) for s in sets))
        ]
        candidates.sort(key=lambda p: p.position if p.position is not None else 0)
        rest: list[tuple[Value, Range, str | None]] = []
        for idx, (value, rng, splat) in enumerate(positional):
            if idx < len(candidates):
                p = candidates[idx]
                add(
                    BoundParameter(
                        p.name, "", BindingSource.POSITIONAL, None, value, rng, splat=splat
                    )
                )
            else:
                rest.append((value, rng, splat))
        positional[:] = rest

    def _apply_defaults(
        self, lookup: CommandLookup, at: int, chain: Chain, by_name: dict[str, int], add: _Add
    ) -> None:
        defaults = self.resolver.default_values(at, chain)
        if defaults.disabled or not defaults.entries:
            return
        spec = lookup.spec
        hits: dict[str, list[tuple[ParameterSpec, HashEntry]]] = {}
        for entry in defaults.entries:
            command, sep, param = entry.key.partition(":")
            if not sep or not command_matches_pattern(command, lookup):
                continue
            target = _default_parameter(spec, param.strip())
            if target is None:
                continue
            hits.setdefault(target.name.lower(), []).append((target, entry))
        for key, found in hits.items():
            if key in by_name:
                continue  # applies only when not bound explicitly (§5)
            texts = {_value_key(e.value) for _, e in found}
            if len(found) > 1 and len(texts) > 1:
                continue  # two keys, different values: neither applies (§5)
            target, entry = found[-1]
            add(
                BoundParameter(
                    target.name,
                    entry.key,
                    BindingSource.DEFAULT_VALUES,
                    entry.key_range,
                    entry.value,
                    entry.value.range,
                    conditional=entry.conditional,
                )
            )


def _value_key(value: Value | None) -> str:
    if isinstance(value, Static):
        return "s:" + value.text
    return f"d:{id(value)}"


def _default_parameter(spec: CmdletSpec, written: str) -> ParameterSpec | None:
    """Parameter part of a default key: exact name/alias, or a wildcard matching one."""
    if not any(ch in written for ch in "*?["):
        return spec.default_match(written)
    rx = _wildcard(written.lower())
    found = [p for p in spec.parameters if any(rx.fullmatch(n.lower()) for n in p.names)]
    return found[0] if len(found) == 1 else None


def _possible_sets(spec: CmdletSpec, bound: list[BoundParameter]) -> tuple[str, ...]:
    if not spec.parameter_sets:
        return ()
    names = [spec.parameter(b.name) for b in bound]
    sets = tuple(s for s in spec.parameter_sets if all(p is None or p.in_set(s) for p in names))
    return sets or spec.parameter_sets


def _command_name(doc: PowerShellDocument, node: Node) -> tuple[str, Node, str | None] | None:
    """Written name, its node and the ``&``/``.`` operator of a command, if literal."""
    name = node.child_by_field_name("command_name")
    if name is None:
        return None
    if name.type == "command_name":
        return doc.node_text(name), name, None
    first = node.child(0) if node.child_count else None
    op = (
        doc.node_text(first)
        if first is not None and first.type == "command_invokation_operator"
        else None
    )
    inner = child(name, 0)
    if inner is None:
        return None
    if inner.type == "string_literal":
        value = string_literal(doc, inner)
        if isinstance(value, Static):
            return value.text, name, op
        return None
    if inner.type == "path_command_name":
        return doc.node_text(inner), name, op
    return None


def find_calls(doc: PowerShellDocument, resolver: ValueResolver | None = None) -> list[CmdletCall]:
    """Every AWS cmdlet call in the document, in document order. Never raises."""
    index = doc.index()
    found: list[tuple[Node, CommandLookup, str | None, Node]] = []
    for node in index.commands:
        named = _command_name(doc, node)
        if named is None:
            continue
        text, name_node, op = named
        if "-" not in text:
            continue
        lookup = lookup_command(text.strip())
        if lookup is not None:
            found.append((node, lookup, op, name_node))
    if not found:
        return []
    if resolver is None:
        resolver = ValueResolver(doc)
    chains = resolver.chains([(n.start_byte, n.end_byte) for n, _, _, _ in found])
    builder = _CallBuilder(doc, resolver)
    return [
        builder.build(node, lookup, chain, op, name_node)
        for (node, lookup, op, name_node), chain in zip(found, chains, strict=True)
    ]


__all__ = [
    "AmbiguousParameter",
    "Argument",
    "BindingSource",
    "BoundParameter",
    "CmdletCall",
    "DuplicateParameter",
    "Dynamic",
    "StatementContext",
    "UnknownParameter",
    "UnresolvedSplat",
    "find_calls",
]
