"""AWS cmdlet invocations in a script, with parameters bound as PowerShell binds them.

Binding follows powershell.md §5: case-insensitive names and aliases, unique
prefixes (an exact name or alias wins; several parameters are ambiguous unless
only one is declared by the cmdlet), ``-Name:value``, switches, positional
arguments within the parameter sets still possible, hashtable splatting (keys
matched like typed names), and ``$PSDefaultParameterValues`` for parameters
not bound otherwise. Calls are found with the shared tree-sitter query, one
top-level statement at a time (``credls.powershell.segments``), never by
walking every node.

Cost model: ``find_calls`` binds parameter *names* eagerly; parameter values
and ranges are computed when first read. After an edit, calls of unchanged
statements keep their syntax, and their binding too unless a variable it
looked up (a splat, ``$PSDefaultParameterValues``) was written in a changed
statement. Results describe the document version they were found in: read
them before the next ``apply_edit`` (a value read later is ``Dynamic``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from credls.powershell.catalog import (
    CmdletSpec,
    CommandLookup,
    MatchKind,
    ParameterSpec,
    _wildcard,
    command_matches_pattern,
)
from credls.powershell.segments import (
    Command,
    Segment,
    SegmentCache,
    analyse,
    command_name,
    gc_paused,
)
from credls.powershell.values import (
    Chain,
    Container,
    Dynamic,
    RawArray,
    RawHashtable,
    Static,
    Value,
    ValueRange,
    ValueResolver,
    ValueSource,
    Where,
    _Entry,
    unwrap,
    variable_ref,
)
from credls.text import Range

if TYPE_CHECKING:
    from tree_sitter import Node

    from credls.powershell.parser import PowerShellDocument

_command_name = command_name  # moved to credls.powershell.segments


class BindingSource(str, Enum):
    TYPED = "typed"  # -Name value
    POSITIONAL = "positional"
    SPLAT = "splat"  # @hashtable key
    DEFAULT_VALUES = "default-values"  # $PSDefaultParameterValues


_UNSET: Any = object()


class BoundParameter:
    """A parameter bound on a call. ``value`` is None for a switch without value
    or when the value is missing (``missing_value``).

    ``value``, ``value_range`` and ``name_range`` of a parameter found by
    ``find_calls`` are computed on first read.
    """

    __slots__ = (
        "_anchor",
        "_name_at",
        "_name_range",
        "_resolver",
        "_sink",
        "_source",
        "_value",
        "_value_at",
        "_value_range",
        "alias",
        "colon",
        "conditional",
        "exact",
        "missing_value",
        "name",
        "source",
        "splat",
        "written",
    )

    def __init__(
        self,
        name: str,  # canonical parameter name
        written: str,  # as written: "Prof", a splat key, or a "$PSDefaultParameterValues" key
        source: BindingSource,
        name_range: Range | None,
        value: Value | None,
        value_range: Range | None,
        exact: bool = True,  # the written name is the name or an alias, not an abbreviation
        alias: str | None = None,  # the alias written, if any
        colon: bool = False,  # -Name:value
        missing_value: bool = False,
        conditional: bool = False,  # splat key / default set on some paths only
        splat: str | None = None,  # the splatted variable (SPLAT)
    ) -> None:
        self.name = name
        self.written = written
        self.source = source
        self._name_range = name_range
        self._value = value
        self._value_range = value_range
        self.exact = exact
        self.alias = alias
        self.colon = colon
        self.missing_value = missing_value
        self.conditional = conditional
        self.splat = splat
        self._resolver: ValueResolver | None = None
        self._anchor: Segment | None = None
        self._source: ValueSource | None = None
        self._name_at: Where = None
        self._value_at: Where = None
        self._sink: set[str] | None = None  # the call's value dependencies

    @classmethod
    def _lazy(
        cls,
        rec: _Bound,
        resolver: ValueResolver,
        anchor: Segment,
        sink: set[str] | None = None,
    ) -> BoundParameter:
        b = cls(
            rec.name,
            rec.written,
            rec.source,
            _UNSET,
            _UNSET,
            _UNSET,
            rec.exact,
            rec.alias,
            rec.colon,
            rec.missing_value,
            rec.conditional,
            rec.splat,
        )
        b._resolver = resolver
        b._anchor = anchor
        b._source = rec.value
        b._name_at = rec.name_at
        b._value_at = rec.value_at
        b._sink = sink
        return b

    @property
    def value(self) -> Value | None:
        if self._value is _UNSET:
            src = self._source
            assert self._resolver is not None
            resolver = self._resolver
            self._value = None if src is None else resolver.read(self._sink, resolver.value_of, src)
        return self._value

    @property
    def value_range(self) -> Range | None:
        if self._value_range is _UNSET:
            assert self._resolver is not None
            resolver = self._resolver
            self._value_range = resolver.read(
                self._sink, resolver.range_of, self._value_at, self._anchor
            )
        return self._value_range

    @property
    def name_range(self) -> Range | None:
        if self._name_range is _UNSET:
            assert self._resolver is not None
            resolver = self._resolver
            self._name_range = resolver.read(
                self._sink, resolver.range_of, self._name_at, self._anchor
            )
        return self._name_range

    @property
    def static_text(self) -> str | None:
        value = self.value
        return value.text if isinstance(value, Static) else None

    def _key(self) -> tuple[object, ...]:
        return (
            self.name,
            self.written,
            self.source,
            self.name_range,
            self.value,
            self.value_range,
            self.exact,
            self.alias,
            self.colon,
            self.missing_value,
            self.conditional,
            self.splat,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BoundParameter):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        # The value's own repr hides literal text (it may be a secret key).
        return (
            f"BoundParameter(name={self.name!r}, written={self.written!r}, "
            f"source={self.source!r}, value={self.value!r})"
        )


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


# --- binding records (version independent: spans and lazy value sources) -----------


class _Bound:
    __slots__ = (
        "alias",
        "colon",
        "conditional",
        "exact",
        "missing_value",
        "name",
        "name_at",
        "source",
        "splat",
        "value",
        "value_at",
        "written",
    )

    def __init__(
        self,
        name: str,
        written: str,
        source: BindingSource,
        name_at: Where,
        value: ValueSource | None,
        value_at: Where,
        exact: bool = True,
        alias: str | None = None,
        colon: bool = False,
        missing_value: bool = False,
        conditional: bool = False,
        splat: str | None = None,
    ) -> None:
        self.name = name
        self.written = written
        self.source = source
        self.name_at = name_at
        self.value = value
        self.value_at = value_at
        self.exact = exact
        self.alias = alias
        self.colon = colon
        self.missing_value = missing_value
        self.conditional = conditional
        self.splat = splat


class _Other:
    """An ambiguous or unknown name (``candidates`` empty for unknown)."""

    __slots__ = ("candidates", "name_at", "source", "value", "value_at", "written")

    def __init__(
        self,
        written: str,
        candidates: tuple[str, ...],
        source: BindingSource,
        name_at: Where,
        value: ValueSource | None,
        value_at: Where,
    ) -> None:
        self.written = written
        self.candidates = candidates
        self.source = source
        self.name_at = name_at
        self.value = value
        self.value_at = value_at


_Positional = tuple[ValueSource, Where, "str | None"]


class _Binding:
    __slots__ = (
        "ambiguous",
        "arguments",
        "bound",
        "deps",
        "duplicates",
        "sets",
        "unknown",
        "unresolved",
        "version",
    )

    def __init__(self) -> None:
        self.bound: list[_Bound] = []
        self.ambiguous: list[_Other] = []
        self.unknown: list[_Other] = []
        self.duplicates: list[tuple[str, _Bound, _Bound]] = []
        self.arguments: list[_Positional] = []
        self.unresolved: list[tuple[str, Node, str]] = []
        self.sets: tuple[str, ...] = ()
        self.deps: frozenset[str] = frozenset()
        self.version = -1


class _Item:
    __slots__ = ("colon", "is_param", "node", "written")

    def __init__(self, node: Node, is_param: bool, written: str = "") -> None:
        self.node = node
        self.is_param = is_param
        self.colon = False  # a ':' separator follows this parameter
        self.written = written


# A parameter name written with an en, em or horizontal-bar dash (U+2013-2015).
_DASHED = re.compile(rb"\xe2\x80[\x93-\x95][A-Za-z_?][\w-]*:?(?=\s|\Z)")


class _CallSyntax:
    """What a call's own text says (captured once per statement; an ``Owner``)."""

    __slots__ = ("_items", "binding", "cmd", "function", "in_error", "kinds", "seg")

    def __init__(self, cmd: Command, seg: Segment) -> None:
        self.cmd = cmd
        self.seg = seg
        chain = cmd.chain
        self.function = next((c.name for c in reversed(chain) if c.kind == "function"), None)
        self.in_error = cmd.node.has_error or any(c.kind == "error" for c in chain)
        self.binding: _Binding | None = None
        self._items: list[_Item] | None = None
        self.kinds: tuple[str, ...] | None = None  # CmdletCall.context_kinds

    def items(self, doc: PowerShellDocument) -> list[_Item]:
        """Parameters and arguments as written (read at first binding)."""
        if self._items is not None:
            return self._items
        items: list[_Item] = []
        elements = self.cmd.node.child_by_field_name("command_elements")
        if elements is not None:
            source = doc.source
            d = self.seg.delta  # captured nodes keep the offsets of the capturing version
            # The element after this one goes on with the argument before it: the
            # rest of a bare-word list (a separator that is a comma in the real
            # text, parser._COMMA_BLANKS: `-InstanceId i-1, i-2`), or no separator at
            # all (`-Region $r.ToLower()`: the parser splits `$r.ToLower` and `()`,
            # PowerShell reads one argument). Its value stays the first part: no
            # credential parameter takes a list or an expression.
            goes_on = False
            for ch in elements.children:
                t = ch.type
                if t == "command_argument_sep":
                    sep = source[ch.start_byte + d : ch.end_byte + d]
                    if items and items[-1].is_param and b":" in sep:
                        items[-1].colon = True
                    goes_on = b"," in sep
                    continue
                if goes_on and items and not items[-1].is_param:
                    continue
                goes_on = True
                if t == "command_parameter":
                    raw = source[ch.start_byte + d : ch.end_byte + d]
                    text = raw.decode("utf-8", "surrogatepass")
                    items.append(_Item(ch, True, text[1:].rstrip(":")))
                elif t == "generic_token" and _DASHED.match(source, ch.start_byte + d):
                    # `–AccessKey` with an en dash (pasted from a web page): PowerShell's
                    # tokenizer takes U+2013-2015 as a parameter's dash (CharTraits.IsDash).
                    raw = source[ch.start_byte + d : ch.end_byte + d]
                    text = raw.decode("utf-8", "surrogatepass")
                    items.append(_Item(ch, True, text[1:].rstrip(":")))
                elif t == "stop_parsing":
                    break
                elif t not in ("redirection", "comment"):
                    # "@name" may be a splat: decided at binding, from the unwrapped leaf.
                    at_sign = source[ch.start_byte + d] == 64
                    items.append(_Item(ch, False, "@" if at_sign else ""))
        self._items = items
        return items

    @property
    def start(self) -> int:
        return self.cmd.node.start_byte + self.seg.delta

    @property
    def chain(self) -> Chain:
        return self.cmd.chain


def _bind(syn: _CallSyntax, resolver: ValueResolver, doc: PowerShellDocument) -> _Binding:
    """Bind the call's parameters (names now, values lazily); record what it looked up."""
    deps: set[str] = set()
    previous = resolver.track(deps)
    try:
        binding = _bind_tracked(syn, resolver, doc)
    finally:
        resolver.track(previous)
    binding.deps = frozenset(deps)
    binding.version = doc.version
    return binding


def _bind_tracked(syn: _CallSyntax, resolver: ValueResolver, doc: PowerShellDocument) -> _Binding:
    seg = syn.seg
    lookup = syn.cmd.lookup
    spec = lookup.spec
    at = syn.start
    chain = syn.chain
    out = _Binding()
    bound = out.bound
    by_name: dict[str, int] = {}
    positional: list[_Positional] = []

    def add(b: _Bound) -> None:
        key = b.name.lower()
        idx = by_name.get(key)
        if idx is None:
            by_name[key] = len(bound)
            bound.append(b)
            return
        first = bound[idx]
        out.duplicates.append((b.name, first, b))
        # PowerShell >= 7.1: an explicit parameter overrides a splatted one.
        if first.source is BindingSource.SPLAT and b.source is BindingSource.TYPED:
            bound[idx] = b

    items = syn.items(doc)
    i = 0
    n = len(items)
    while i < n:
        item = items[i]
        if not item.is_param:
            if item.written == "@":
                _splat_argument(item.node, syn, spec, resolver, doc, out, add, positional)
            else:
                positional.append((ValueSource(item.node, syn, seg), item.node, None))
            i += 1
            continue
        written = item.written
        nxt = items[i + 1] if i + 1 < n and not items[i + 1].is_param else None
        m = spec.match(written)
        p = m.parameter
        takes_value = item.colon or p is None or not p.switch
        if p is not None and p.switch and not item.colon:
            takes_value = False
        if m.kind is MatchKind.AMBIGUOUS:
            params = [spec.parameter(c) for c in m.candidates]
            takes_value = item.colon or not all(x is not None and x.switch for x in params)
        value: ValueSource | None = None
        value_at: Where = None
        consumed = False
        if takes_value and nxt is not None:
            value = ValueSource(nxt.node, syn, seg)
            value_at = nxt.node
            consumed = True
        if m.kind is MatchKind.AMBIGUOUS:
            out.ambiguous.append(
                _Other(written, m.candidates, BindingSource.TYPED, item.node, value, value_at)
            )
        elif m.kind is MatchKind.NONE or p is None:
            out.unknown.append(_Other(written, (), BindingSource.TYPED, item.node, value, value_at))
        else:
            add(
                _Bound(
                    p.name,
                    written,
                    BindingSource.TYPED,
                    item.node,
                    value,
                    value_at,
                    exact=m.kind is MatchKind.EXACT,
                    alias=m.alias,
                    colon=item.colon,
                    missing_value=takes_value and not consumed,
                )
            )
        i += 2 if consumed else 1

    sets = _possible_sets(spec, bound)
    _bind_positional(spec, sets, bound, positional, add)
    out.sets = _possible_sets(spec, bound)
    out.arguments = positional
    _apply_defaults(lookup, at, chain, resolver, by_name, add)
    return out


def _splat_argument(
    node: Node,
    syn: _CallSyntax,
    spec: CmdletSpec,
    resolver: ValueResolver,
    doc: PowerShellDocument,
    out: _Binding,
    add: Any,
    positional: list[_Positional],
) -> None:
    seg = syn.seg
    leaf = unwrap(node)
    d = seg.delta  # ``node`` is as captured
    text = doc.source[leaf.start_byte + d : leaf.end_byte + d].decode("utf-8", "surrogatepass")
    if leaf.type != "variable" or not text.startswith("@"):
        positional.append((ValueSource(node, syn, seg), node, None))
        return
    ref = variable_ref(text)
    splat = resolver.splat_raw(ref, syn.start, syn.chain)
    if isinstance(splat, RawHashtable):
        # §5: each key becomes a named parameter, matched like a typed name.
        for e in splat.entries:
            m = spec.match(e.key)
            vr = ValueRange(e.source)
            if m.kind is MatchKind.AMBIGUOUS:
                out.ambiguous.append(
                    _Other(e.key, m.candidates, BindingSource.SPLAT, e.key_at, e.source, vr)
                )
            elif m.parameter is None:
                out.unknown.append(_Other(e.key, (), BindingSource.SPLAT, e.key_at, e.source, vr))
            else:
                add(
                    _Bound(
                        m.parameter.name,
                        e.key,
                        BindingSource.SPLAT,
                        e.key_at,
                        e.source,
                        vr,
                        exact=m.kind is MatchKind.EXACT,
                        alias=m.alias,
                        conditional=e.conditional,
                        splat=ref.spelled,
                    )
                )
        if not splat.complete:
            out.unresolved.append((ref.spelled, node, "some keys are not static"))
    elif isinstance(splat, RawArray):
        # An array splat passes positional arguments only (§5).
        for src in splat.items:
            positional.append((src, ValueRange(src, node), ref.spelled))
    else:
        out.unresolved.append((ref.spelled, node, splat.reason))


def _bind_positional(
    spec: CmdletSpec,
    sets: tuple[str, ...],
    bound: list[_Bound],
    positional: list[_Positional],
    add: Any,
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
    rest: list[_Positional] = []
    for idx, (value, where, splat) in enumerate(positional):
        if idx < len(candidates):
            p = candidates[idx]
            add(_Bound(p.name, "", BindingSource.POSITIONAL, None, value, where, splat=splat))
        else:
            rest.append((value, where, splat))
    positional[:] = rest


def _apply_defaults(
    lookup: CommandLookup,
    at: int,
    chain: Chain,
    resolver: ValueResolver,
    by_name: dict[str, int],
    add: Any,
) -> None:
    defaults = resolver.default_values_raw(at, chain)
    if defaults.disabled or not defaults.entries:
        return
    spec = lookup.spec
    hits: dict[str, list[tuple[ParameterSpec, _Entry]]] = {}
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
        if len(found) > 1:
            texts = {_value_key(resolver.value_of(e.source)) for _, e in found}
            if len(texts) > 1:
                continue  # two keys, different values: neither applies (§5)
        target, entry = found[-1]
        add(
            _Bound(
                target.name,
                entry.key,
                BindingSource.DEFAULT_VALUES,
                entry.key_at,
                entry.source,
                ValueRange(entry.source),
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


def _possible_sets(spec: CmdletSpec, bound: list[_Bound]) -> tuple[str, ...]:
    if not spec.parameter_sets:
        return ()
    names = [spec.parameter(b.name) for b in bound]
    sets = tuple(s for s in spec.parameter_sets if all(p is None or p.in_set(s) for p in names))
    return sets or spec.parameter_sets


# --- the public call object ---------------------------------------------------------


class CmdletCall:
    """One invocation of an AWS cmdlet.

    Ranges, bound parameters and their values are computed on first read.
    """

    __slots__ = (
        "_ambiguous",
        "_arguments",
        "_batch",
        "_binding",
        "_by_name",
        "_context",
        "_duplicates",
        "_name_range",
        "_params",
        "_range",
        "_resolver",
        "_sets",
        "_syntax",
        "_unknown",
        "_unresolved",
        "_value_deps",
        "alias",
        "cmdlet",
        "end_byte",
        "function",
        "in_error",
        "invocation_operator",
        "legacy_alias",
        "module",
        "pipeline_input",
        "start_byte",
        "written_name",
    )

    def __init__(
        self,
        cmdlet: CmdletSpec,
        written_name: str,  # as written, with module qualifier if any
        name_range: Range,
        module: str | None,
        alias: str | None,  # the alias written (e.g. Set-AWSCredentials)
        legacy_alias: bool,
        invocation_operator: str | None,  # "&" or "." or None
        range: Range,
        parameters: tuple[BoundParameter, ...],
        ambiguous: tuple[AmbiguousParameter, ...],
        unknown: tuple[UnknownParameter, ...],
        duplicates: tuple[DuplicateParameter, ...],
        arguments: tuple[Argument, ...],
        unresolved_splats: tuple[UnresolvedSplat, ...],
        parameter_sets: tuple[str, ...],  # sets still possible after binding ("" none declared)
        context: tuple[StatementContext, ...],  # outermost first
        function: str | None,  # innermost enclosing function
        in_error: bool,  # touches an ERROR/MISSING node: never report profile findings
        pipeline_input: bool,  # receives pipeline input
        start_byte: int,
        end_byte: int,
    ) -> None:
        self.cmdlet = cmdlet
        self.written_name = written_name
        self._name_range: Range | None = name_range
        self.module = module
        self.alias = alias
        self.legacy_alias = legacy_alias
        self.invocation_operator = invocation_operator
        self._range: Range | None = range
        self._params: tuple[BoundParameter, ...] | None = parameters
        self._ambiguous: tuple[AmbiguousParameter, ...] | None = ambiguous
        self._unknown: tuple[UnknownParameter, ...] | None = unknown
        self._duplicates: tuple[DuplicateParameter, ...] | None = duplicates
        self._arguments: tuple[Argument, ...] | None = arguments
        self._unresolved: tuple[UnresolvedSplat, ...] | None = unresolved_splats
        self._sets: tuple[str, ...] | None = parameter_sets
        self._context: tuple[StatementContext, ...] | None = context
        self.function = function
        self.in_error = in_error
        self.pipeline_input = pipeline_input
        self.start_byte = start_byte
        self.end_byte = end_byte
        self._syntax: _CallSyntax | None = None
        self._binding: _Binding | None = None
        self._resolver: ValueResolver | None = None
        self._batch: _Batch | None = None
        self._by_name: dict[str, BoundParameter] | None = None
        self._value_deps: set[str] = set()

    @classmethod
    def _found(cls, syn: _CallSyntax, batch: _Batch) -> CmdletCall:
        call = cls.__new__(cls)
        cmd = syn.cmd
        lookup = cmd.lookup
        delta = syn.seg.delta
        node = cmd.node
        call.cmdlet = lookup.spec
        call.written_name = lookup.written
        call.module = lookup.module
        call.alias = lookup.alias
        call.legacy_alias = lookup.legacy_alias
        call.invocation_operator = cmd.op
        call._sets = None
        call.function = syn.function
        call.in_error = syn.in_error
        call.pipeline_input = cmd.piped
        call.start_byte = node.start_byte + delta
        call.end_byte = node.end_byte + delta
        call._syntax = syn
        call._binding = None
        call._resolver = batch.resolver
        call._batch = batch
        call._name_range = call._range = None
        call._params = call._ambiguous = call._unknown = call._duplicates = None
        call._arguments = call._unresolved = call._context = None
        call._by_name = None
        call._value_deps = set()
        return call

    # --- lazily computed parts -------------------------------------------------

    def _parts(self) -> tuple[_CallSyntax, _Binding, ValueResolver]:
        syn = self._syntax
        resolver = self._resolver
        assert syn is not None and resolver is not None
        binding = self._binding
        if binding is None:
            # Bound on first use, together with every call found alongside
            # (rules read them all; one pass keeps the collector out of it);
            # kept on the call's syntax while still valid.
            binding = syn.binding
            if binding is None or not _still_valid(binding, syn.seg.cache, resolver.version):
                batch = self._batch
                if batch is not None:
                    batch.bind()
                binding = syn.binding
                if binding is None or not _still_valid(binding, syn.seg.cache, resolver.version):
                    binding = _bind(syn, resolver, resolver.doc)
                    syn.binding = binding
            self._binding = binding
        return syn, binding, resolver

    def dependencies(self) -> frozenset[str] | None:
        """Variable names the binding and the values read so far looked up
        (None for a call not found by ``find_calls``)."""
        if self._syntax is None:
            return None
        return self._parts()[1].deps | self._value_deps

    @property
    def parameter_sets(self) -> tuple[str, ...]:
        """Parameter sets still possible after binding (() when none are declared)."""
        if self._sets is None:
            self._sets = self._parts()[1].sets
        return self._sets

    @property
    def name_range(self) -> Range:
        if self._name_range is None:
            syn = self._syntax
            assert syn is not None
            n = syn.cmd.name_node
            self._name_range = syn.seg.range(n.start_byte, n.end_byte)
        return self._name_range

    @property
    def range(self) -> Range:
        if self._range is None:
            syn = self._syntax
            assert syn is not None
            n = syn.cmd.node
            self._range = syn.seg.range(n.start_byte, n.end_byte)
        return self._range

    def _bound_objects(self) -> dict[int, BoundParameter]:
        syn, binding, resolver = self._parts()
        seg = syn.seg
        made: dict[int, BoundParameter] = {}
        sink = self._value_deps
        for rec in binding.bound:
            made[id(rec)] = BoundParameter._lazy(rec, resolver, seg, sink)
        for _, first, second in binding.duplicates:
            for rec in (first, second):
                if id(rec) not in made:
                    made[id(rec)] = BoundParameter._lazy(rec, resolver, seg, sink)
        return made

    @property
    def parameters(self) -> tuple[BoundParameter, ...]:
        if self._params is None:
            _, binding, _ = self._parts()
            made = self._bound_objects()
            self._params = tuple(made[id(r)] for r in binding.bound)
            if binding.duplicates:
                self._duplicates = tuple(
                    DuplicateParameter(name, made[id(a)], made[id(b)])
                    for name, a, b in binding.duplicates
                )
        return self._params

    @property
    def duplicates(self) -> tuple[DuplicateParameter, ...]:
        if self._duplicates is None:
            self.parameters  # noqa: B018 - builds the shared BoundParameter objects
            if self._duplicates is None:
                self._duplicates = ()
        return self._duplicates

    def _other(self, rec: _Other) -> tuple[Range | None, Value | None, Range | None]:
        syn, _, resolver = self._parts()
        sink = self._value_deps
        value = resolver.read(sink, resolver.value_of, rec.value) if rec.value is not None else None
        return (
            resolver.read(sink, resolver.range_of, rec.name_at, syn.seg),
            value,
            resolver.read(sink, resolver.range_of, rec.value_at, syn.seg),
        )

    @property
    def ambiguous(self) -> tuple[AmbiguousParameter, ...]:
        if self._ambiguous is None:
            _, binding, _ = self._parts()
            out = []
            for rec in binding.ambiguous:
                nr, v, vr = self._other(rec)
                out.append(AmbiguousParameter(rec.written, rec.candidates, rec.source, nr, v, vr))
            self._ambiguous = tuple(out)
        return self._ambiguous

    @property
    def unknown(self) -> tuple[UnknownParameter, ...]:
        if self._unknown is None:
            _, binding, _ = self._parts()
            out = []
            for rec in binding.unknown:
                nr, v, vr = self._other(rec)
                out.append(UnknownParameter(rec.written, rec.source, nr, v, vr))
            self._unknown = tuple(out)
        return self._unknown

    @property
    def arguments(self) -> tuple[Argument, ...]:
        if self._arguments is None:
            syn, binding, resolver = self._parts()
            out = []
            sink = self._value_deps
            for src, where, splat in binding.arguments:
                rng = resolver.read(sink, resolver.range_of, where, syn.seg) or Range.of(0, 0)
                out.append(Argument(resolver.read(sink, resolver.value_of, src), rng, splat))
            self._arguments = tuple(out)
        return self._arguments

    @property
    def unresolved_splats(self) -> tuple[UnresolvedSplat, ...]:
        if self._unresolved is None:
            syn, binding, _ = self._parts()
            seg = syn.seg
            self._unresolved = tuple(
                UnresolvedSplat(var, seg.range(n.start_byte, n.end_byte), reason)
                for var, n, reason in binding.unresolved
            )
        return self._unresolved

    @property
    def context_kinds(self) -> tuple[str, ...]:
        """The ``kind`` of each ``context`` entry, outermost first (no ranges computed)."""
        syntax = self._syntax
        if syntax is not None:
            kinds = syntax.kinds
            if kinds is None:
                # The chain is captured with the statement: kept while it is.
                kinds = syntax.kinds = tuple(
                    c.label or _CONTEXT_KIND.get(c.type, c.type)
                    for c in syntax.chain
                    if c.kind != "program"
                )
            return kinds
        return tuple(c.kind for c in self.context)

    @property
    def context(self) -> tuple[StatementContext, ...]:
        if self._context is None:
            syn, resolver = self._syntax, self._resolver
            assert syn is not None and resolver is not None
            self._context = tuple(
                _statement_context(c, resolver) for c in syn.chain if c.kind != "program"
            )
        return self._context

    # --- queries -----------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.cmdlet.name

    def parameter(self, name: str) -> BoundParameter | None:
        """The binding of a parameter by canonical name (case-insensitive)."""
        index = self._by_name
        if index is None:
            index = {}
            for b in self.parameters:
                index.setdefault(b.name.lower(), b)  # the first binding of a name
            self._by_name = index
        return index.get(name.lower())

    @property
    def missing_values(self) -> tuple[BoundParameter, ...]:
        return tuple(b for b in self.parameters if b.missing_value)

    @property
    def binding_complete(self) -> bool:
        """No unresolved splat and a complete parameter catalog for this cmdlet."""
        if self._syntax is not None:
            return not self._parts()[1].unresolved and self.cmdlet.complete
        return not self.unresolved_splats and self.cmdlet.complete

    def __repr__(self) -> str:
        return f"CmdletCall({self.written_name!r}, start_byte={self.start_byte})"


def _statement_context(c: Container, resolver: ValueResolver) -> StatementContext:
    kind = c.label or _CONTEXT_KIND.get(c.type, c.type)
    return StatementContext(kind, c.range_in(resolver.doc), c.name)


# --- finding calls ------------------------------------------------------------------


def _syntax_of(doc: PowerShellDocument, seg: Segment) -> list[_CallSyntax]:
    calls = seg.calls
    if calls is None:
        calls = [_CallSyntax(cmd, seg) for cmd in seg.commands]
        seg.calls = calls
    return calls  # type: ignore[return-value]


def _still_valid(binding: _Binding, cache: SegmentCache, version: int) -> bool:
    since = binding.version
    if since == version:
        return True
    if since < cache.history_start:
        return False
    for v, changed in reversed(cache.history):  # newest first: see reuse.deps_unchanged
        if v <= since:
            break
        if changed is None or not binding.deps.isdisjoint(changed):
            return False
    if version == cache.version:
        binding.version = version  # valid up to now: later checks look back less far
    return True


def find_calls(doc: PowerShellDocument, resolver: ValueResolver | None = None) -> list[CmdletCall]:
    """Every AWS cmdlet call in the document, in document order. Never raises."""
    with gc_paused():
        return _find_calls(doc, resolver)


def _find_calls(doc: PowerShellDocument, resolver: ValueResolver | None) -> list[CmdletCall]:
    cache = analyse(doc)
    if resolver is None or resolver.stale:
        resolver = ValueResolver(doc)
    out: list[CmdletCall] = []
    batch = _Batch(resolver)
    syntaxes = batch.syntaxes
    own = _own_functions(cache)
    for seg in cache.segments:
        if seg.commands:
            for syn in _syntax_of(doc, seg):
                lookup = syn.cmd.lookup
                if own and lookup.module is None and lookup.name.lower() in own:
                    continue  # the script's own function of that name runs (powershell.md §5)
                syntaxes.append(syn)
                out.append(CmdletCall._found(syn, batch))
    return out


def _own_functions(cache: SegmentCache) -> frozenset[str]:
    """Names (lower case) of the functions the script defines.

    A function shadows a cmdlet of the same name (about_Command_Precedence), and
    one named like a legacy alias (`Set-AWSCredentials`) is what the script
    means: its calls are not AWS calls (no finding, and no fix that would send
    them to the cmdlet with parameters it does not have).
    """
    return frozenset(
        c.name.lower()
        for seg in cache.segments
        if seg.containers
        for c in seg.containers
        if c.kind == "function" and c.name
    )


class _Batch:
    """The calls of one ``find_calls`` result, bound together on first need."""

    __slots__ = ("done", "resolver", "syntaxes")

    def __init__(self, resolver: ValueResolver) -> None:
        self.resolver = resolver
        self.syntaxes: list[_CallSyntax] = []
        self.done = False

    def bind(self) -> None:
        if self.done:
            return
        self.done = True
        resolver = self.resolver
        if resolver.stale:
            return
        doc = resolver.doc
        version = resolver.version
        with gc_paused():
            for syn in self.syntaxes:
                binding = syn.binding
                if binding is None or not _still_valid(binding, syn.seg.cache, version):
                    syn.binding = _bind(syn, resolver, doc)


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
