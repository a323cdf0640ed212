"""Static values of PowerShell expressions: literals and simple constant propagation.

A value is ``Static`` when the script itself spells it out (a literal, a
variable assigned a literal earlier in straight-line code of the same scope,
a ``param()`` default) and ``Dynamic`` otherwise, with the reason. Rules never
guess at a Dynamic value (rules.md CRED201: "Skipped … when the value is not
static").

Scopes (powershell.md §5, about_Scopes): a function body and a script block
are scopes of their own; ``if``/loops/``switch``/``try`` are not, but an
assignment inside one of them only happens on some paths.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from credls.text import Range

if TYPE_CHECKING:
    from tree_sitter import Node

    from credls.powershell.parser import PowerShellDocument


_T = TypeVar("_T")


class LiteralKind(str, Enum):
    VERBATIM = "verbatim"  # 'text'
    EXPANDABLE = "expandable"  # "text" without interpolation
    VERBATIM_HERE = "verbatim-here"  # @' … '@
    EXPANDABLE_HERE = "expandable-here"  # @" … "@ without interpolation
    BARE = "bare"  # generic token: prod, C:\path
    NUMBER = "number"
    BOOLEAN = "boolean"  # $true / $false
    NULL = "null"  # $null


class DynamicKind(str, Enum):
    ENVIRONMENT = "environment"  # $env:X
    INTERPOLATED = "interpolated"  # "…$x…", bare word with $
    SUBEXPRESSION = "subexpression"  # $( … )
    COMMAND = "command"  # (Get-Something), pipelines
    PIPELINE = "pipeline"  # $_ / $PSItem
    PARAMETER = "parameter"  # param without default
    AUTOMATIC = "automatic"  # $HOME, $PSScriptRoot, …
    VARIABLE = "variable"  # not assigned where we can see it
    CONDITIONAL = "conditional"  # assigned in a branch or loop
    EXPRESSION = "expression"  # anything else (operators, members, casts)
    ARRAY = "array"
    HASHTABLE = "hashtable"
    SCRIPTBLOCK = "scriptblock"


@dataclass(frozen=True)
class Static:
    """A value the script spells out. ``range`` is where the literal is written.

    ``text`` is excluded from ``repr``: a literal may be a secret key.
    """

    text: str = field(repr=False)
    range: Range
    kind: LiteralKind
    from_param_default: bool = False
    variable: str | None = None  # the variable it flowed through, if any

    @property
    def is_string(self) -> bool:
        return self.kind not in (LiteralKind.NUMBER, LiteralKind.BOOLEAN, LiteralKind.NULL)


@dataclass(frozen=True)
class Dynamic:
    """A value known only at run time; ``reason`` is a short phrase for messages."""

    kind: DynamicKind
    reason: str
    range: Range | None = None
    detail: str | None = None  # env var name, variable name, or raw template of a string


Value = Static | Dynamic


# --- literals -------------------------------------------------------------------

_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_BACKTICK = re.compile(r"`u\{([0-9A-Fa-f]{1,6})\}|`(.)", re.S)


def _unbacktick(text: str) -> str:
    if "`" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            try:
                return chr(int(m.group(1), 16))
            except ValueError:
                return m.group(0)
        ch = m.group(2)
        return _ESCAPES.get(ch, ch)

    return _BACKTICK.sub(sub, text)


def _here_body(text: str) -> str:
    """Content of a here-string: from after the opening line to before the closing one."""
    nl = text.find("\n")
    body = text[nl + 1 :] if nl != -1 else text[2:]
    end = body.rfind("\n")
    body = body[:end] if end != -1 else body[: max(len(body) - 2, 0)]
    return body.removesuffix("\r")


# PowerShell's tokenizer takes any of these as a quote; inside a string, two in a row
# stand for the second one (the typographic quotes too).
_DOUBLED_SINGLE_QUOTE = re.compile(
    "[\u0027\u2018\u2019\u201a\u201b]([\u0027\u2018\u2019\u201a\u201b])"
)
_DOUBLED_DOUBLE_QUOTE = re.compile("[\u0022\u201c\u201d\u201e]([\u0022\u201c\u201d\u201e])")
_INTERPOLATING = frozenset({"variable", "sub_expression", "braced_variable"})

_WRAPPERS = frozenset(
    {
        "pipeline",
        "pipeline_chain",
        "logical_expression",
        "bitwise_expression",
        "comparison_expression",
        "additive_expression",
        "multiplicative_expression",
        "format_expression",
        "range_expression",
        "array_literal_expression",
        "unary_expression",
        "parenthesized_expression",
        "left_assignment_expression",
        "key_expression",
        "argument_expression",
        "logical_argument_expression",
        "bitwise_argument_expression",
        "comparison_argument_expression",
        "additive_argument_expression",
        "multiplicative_argument_expression",
        "format_argument_expression",
        "range_argument_expression",
    }
)


def child(node: Node, index: int) -> Node | None:
    """The ``index``-th named child, or None (py-tree-sitter raises IndexError)."""
    if 0 <= index < node.named_child_count:
        return node.named_child(index)
    return None


def unwrap(node: Node) -> Node:
    """Skip the single-child expression wrappers around a leaf (§9)."""
    while node.type in _WRAPPERS:
        # Most wrappers have exactly one child: ``children`` is one C call.
        kids = node.children
        if len(kids) == 1:
            if not kids[0].is_named:
                break
            node = kids[0]
            continue
        if node.named_child_count != 1:
            break
        inner = node.named_child(0)
        if inner is None:
            break
        node = inner
    return node


def string_literal(doc: PowerShellDocument, node: Node) -> Value:
    """Value of a ``string_literal`` node (or its single child)."""
    inner = child(node, 0) if node.type == "string_literal" else node
    if inner is None:
        return Dynamic(DynamicKind.EXPRESSION, "an empty expression", doc.node_range(node))
    text = doc.node_text(inner)
    rng = doc.node_range(node)
    t = inner.type
    if t == "verbatim_string_characters":
        return Static(_DOUBLED_SINGLE_QUOTE.sub(r"\1", text[1:-1]), rng, LiteralKind.VERBATIM)
    if t == "verbatim_here_string_characters":
        return Static(_here_body(text), rng, LiteralKind.VERBATIM_HERE)
    here = t == "expandable_here_string_literal"
    body = _here_body(text) if here else text[1:-1]
    if any(c.type in _INTERPOLATING for c in inner.named_children):
        return Dynamic(DynamicKind.INTERPOLATED, "an interpolated string", rng, detail=body)
    if not here:
        body = _DOUBLED_DOUBLE_QUOTE.sub(r"\1", body)
    return Static(
        _unbacktick(body), rng, LiteralKind.EXPANDABLE_HERE if here else LiteralKind.EXPANDABLE
    )


def bare_word(doc: PowerShellDocument, node: Node) -> Value:
    text = doc.node_text(node)
    rng = doc.node_range(node)
    if "$" in text:
        return Dynamic(DynamicKind.INTERPOLATED, "a bare word with a variable", rng, detail=text)
    if len(text) >= 2 and text[0] in _SMART_QUOTES and text[-1] in _SMART_QUOTES:
        # “default” / ‘prod’ pasted from a document: PowerShell's tokenizer takes
        # typographic quotes as string quotes (CharTraits.IsDoubleQuote/IsSingleQuote);
        # tree-sitter-powershell reads a bare word.
        verbatim = text[0] in _SMART_SINGLE
        kind = LiteralKind.VERBATIM if verbatim else LiteralKind.EXPANDABLE
        return Static(text[1:-1], rng, kind)
    return Static(_unbacktick(text), rng, LiteralKind.BARE)


_SMART_SINGLE = frozenset("\u2018\u2019\u201a\u201b")
_SMART_QUOTES = _SMART_SINGLE | frozenset("\u201c\u201d\u201e")


# --- variable names -------------------------------------------------------------

_AUTOMATIC = frozenset(
    {
        "_",
        "psitem",
        "args",
        "input",
        "this",
        "home",
        "psscriptroot",
        "pscommandpath",
        "pwd",
        "profile",
        "host",
        "error",
        "matches",
        "lastexitcode",
        "myinvocation",
        "psboundparameters",
        "pshome",
        "psversiontable",
        "iswindows",
        "islinux",
        "ismacos",
        "executioncontext",
        "pid",
        "shellid",
        "storedawscredentials",
        "storedawsregion",
    }
)


@dataclass(frozen=True)
class VariableRef:
    """``$name``, ``$scope:name`` or ``${name}``; ``name`` is lower-case."""

    name: str
    qualifier: str | None  # script, global, local, private, using, env, variable, …
    spelled: str  # as written, without sigil

    @property
    def display(self) -> str:
        return f"${self.spelled}"


def variable_ref(text: str) -> VariableRef:
    """Parse the text of a ``variable`` node (``$x``, ``@x``, ``${x}``, ``$env:X``)."""
    body = text[1:] if text[:1] in "$@" else text
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    qualifier: str | None = None
    name = body
    if ":" in body:
        q, _, rest = body.partition(":")
        if q and rest:
            qualifier, name = q.lower(), rest
    return VariableRef(name.lower(), qualifier, body)


# --- anchors: where captured nodes live -----------------------------------------


class Anchor(Protocol):
    """The top-level statement a captured node belongs to (``segments.Segment``).

    Nodes are captured from the tree of one document version. When edits
    before the statement move it, ``delta`` (current start minus start at
    capture) converts captured byte offsets to current ones, and ``find``
    returns the same node in the current tree (the statement's own text and
    syntax did not change, or it would have been captured again).
    """

    @property
    def delta(self) -> int: ...

    def current(self, node: Node) -> Node | None:
        """The node of the current tree that a captured ``node`` stands for."""
        ...

    def find(self, start: int, end: int, type_: str) -> Node | None:
        """The node of the current tree with these (current) offsets and type."""
        ...

    def version(self) -> int: ...

    def range(self, start: int, end: int) -> Range:
        """Range in the current text of captured byte offsets ``[start, end)``."""
        ...


def find_node(top: Node, start: int, end: int, type_: str) -> Node | None:
    """Descend from ``top`` to the node spanning exactly ``[start, end)`` with ``type_``.

    One C call per level (a few dozen at most): no parent walks, no full scans.
    """
    node: Node | None = top
    while node is not None:
        ns = node.start_byte
        ne = node.end_byte
        if ns > start or ne < end:
            return None
        if ns == start and ne == end and node.type == type_:
            return node
        node = node.first_child_for_byte(start)
        if node is not None and node.start_byte > start:
            return None
    return None


class CurrentTree:
    """Anchor of nodes taken from the document's current tree (no shift)."""

    __slots__ = ("doc",)

    def __init__(self, doc: PowerShellDocument) -> None:
        self.doc = doc

    @property
    def delta(self) -> int:
        return 0

    def current(self, node: Node) -> Node | None:
        return node

    def find(self, start: int, end: int, type_: str) -> Node | None:
        return find_node(self.doc.root, start, end, type_)

    def version(self) -> int:
        return self.doc.version

    def range(self, start: int, end: int) -> Range:
        return self.doc.range(start, end)


class NodeRef:
    """A node of the current tree, found again in later versions by offsets and type."""

    __slots__ = ("_anchor", "_end", "_node", "_start", "_type", "_version")

    def __init__(self, anchor: Anchor, node: Node) -> None:
        delta = anchor.delta
        self._anchor = anchor
        self._start = node.start_byte - delta
        self._end = node.end_byte - delta
        self._type = node.type
        self._node: Node | None = node
        self._version = anchor.version()

    def get(self) -> Node | None:
        anchor = self._anchor
        version = anchor.version()
        if version != self._version:
            delta = anchor.delta
            self._node = anchor.find(self._start + delta, self._end + delta, self._type)
            self._version = version
        return self._node

    def range(self) -> Range:
        return self._anchor.range(self._start, self._end)


# --- containers and scopes ------------------------------------------------------

SCOPE_KINDS = frozenset({"program", "function", "scriptblock"})
CONDITIONAL_KINDS = frozenset({"branch", "loop"})
_FAR = 1 << 62  # end of the program container: beyond any text, never shifted


class _Anchored:
    """Byte offsets captured in one tree version, read in the current one.

    ``start``/``end`` are the captured offsets plus the anchor's shift since.
    """

    __slots__ = ("_end", "_start", "anchor")

    _start: int
    _end: int
    anchor: Anchor | None

    @property
    def start(self) -> int:
        return self._start if self.anchor is None else self._start + self.anchor.delta

    @property
    def end(self) -> int:
        return self._end if self.anchor is None else self._end + self.anchor.delta


class Container(_Anchored):
    """A node that matters for flow: a scope, a branch, a loop or an ERROR region.

    ``start``/``end`` are current byte offsets (captured offsets + the
    anchor's shift); ``node`` is the node in the current tree.
    """

    __slots__ = ("_node", "is_scope", "kind", "label", "name", "type")

    def __init__(
        self,
        kind: str,  # program | function | scriptblock | branch | loop | error
        start: int,
        end: int,
        node: Node,
        name: str | None = None,  # function name
        label: str | None = None,  # statement kind when the node type does not say it
        anchor: Anchor | None = None,
    ) -> None:
        self.kind = kind
        self._start = start
        self._end = end
        self._node = node
        self.name = name
        self.label = label
        self.anchor = anchor
        self.type: str = node.type
        self.is_scope = kind in SCOPE_KINDS

    @property
    def node(self) -> Node:
        if self.anchor is None:
            return self._node
        return self.anchor.current(self._node) or self._node

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def range_in(self, doc: PowerShellDocument) -> Range:
        if self.anchor is None:
            return doc.range(self._start, self._end)
        return self.anchor.range(self._start, self._end)

    def __repr__(self) -> str:
        return f"Container({self.kind!r}, {self.start}, {self.end}, name={self.name!r})"


Chain = tuple[Container, ...]


def enclosing(containers: Sequence[Container], spans: Sequence[tuple[int, int]]) -> list[Chain]:
    """For each span, the containers around it, outermost first.

    ``containers`` must be sorted by (start, -end); they nest like the tree.
    One sweep over both lists: no per-node parent walks in Python.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    result: list[Chain] = [()] * len(spans)
    stack: list[tuple[int, int, Container]] = []
    bounds = [(c.start, c.end, c) for c in containers]
    ci = 0
    n = len(bounds)
    for i in order:
        s, e = spans[i]
        while ci < n and bounds[ci][0] <= s:
            b = bounds[ci]
            ci += 1
            while stack and stack[-1][1] <= b[0]:
                stack.pop()
            stack.append(b)
        while stack and stack[-1][1] <= s:
            stack.pop()
        result[i] = tuple(c for cs, ce, c in stack if cs <= s and e <= ce)
    return result


def scope_of(chain: Chain) -> Container:
    for c in reversed(chain):
        if c.is_scope:
            return c
    return chain[0]


def _after_scope(chain: Chain, scope: Container) -> Chain:
    for i in range(len(chain) - 1, -1, -1):
        if chain[i] is scope:
            return chain[i + 1 :]
    return chain


# --- facts ----------------------------------------------------------------------


class Assignment(_Anchored):
    """One write to a variable: ``$x = …``, ``$x.Key = …``, ``$x['Key'] = …``,
    ``$x.Add('Key', …)``, a loop variable, or a ``param()`` entry.

    ``start``/``end`` are current byte offsets and ``value`` a node of the
    current tree, also for a fact captured in an earlier version.
    """

    __slots__ = (
        "_chain",
        "_key_node",
        "_key_range",
        "_scope",
        "_value",
        "key",
        "key_dynamic",
        "op",
        "ref",
        "target",
    )

    def __init__(
        self,
        ref: VariableRef,
        target: str,  # var | member | index | add | remove | clear | loop | param
        op: str,  # "=", "+=", …
        value: Node | None,
        start: int,
        end: int,
        chain: Chain = (),
        key: str | None = None,
        key_range: Range | None = None,
        key_dynamic: bool = False,
        anchor: Anchor | None = None,
        key_node: Node | None = None,
    ) -> None:
        self.ref = ref
        self.target = target
        self.op = op
        self._value = value
        self._start = start
        self._end = end
        self.chain = chain
        self.key = key
        self._key_range = key_range
        self._key_node = key_node
        self.key_dynamic = key_dynamic
        self.anchor = anchor
        self._scope: Container | None = None

    @property
    def value(self) -> Node | None:
        if self.anchor is None or self._value is None:
            return self._value
        return self.anchor.current(self._value)

    @property
    def key_range(self) -> Range | None:
        if self._key_range is None and self._key_node is not None and self.anchor is not None:
            return self.anchor.range(self._key_node.start_byte, self._key_node.end_byte)
        return self._key_range

    @property
    def chain(self) -> Chain:
        return self._chain

    @chain.setter
    def chain(self, chain: Chain) -> None:
        self._chain = chain
        self._scope = None

    @property
    def scope(self) -> Container:
        scope = self._scope
        if scope is None:
            if self.ref.qualifier in ("script", "global"):
                scope = self._chain[0]
            else:
                scope = scope_of(self._chain)
            self._scope = scope
        return scope

    def __repr__(self) -> str:
        return f"Assignment({self.ref.display}, {self.target!r}, {self.start}, {self.end})"


@dataclass(frozen=True)
class HashEntry:
    """One key of a hashtable used for splatting or ``$PSDefaultParameterValues``."""

    key: str
    key_range: Range | None
    value: Value
    conditional: bool = False


@dataclass(frozen=True)
class HashtableValue:
    entries: tuple[HashEntry, ...]
    range: Range  # the hashtable literal
    complete: bool = True  # False when some key could not be read statically


@dataclass(frozen=True)
class ArrayValue:
    items: tuple[Value, ...]
    range: Range


@dataclass(frozen=True)
class DefaultValues:
    """``$PSDefaultParameterValues`` as seen at one point of the script."""

    entries: tuple[HashEntry, ...]
    disabled: bool = False
    complete: bool = True


_ASSIGN_TARGETS = frozenset({"variable", "member_access", "element_access"})
_MAX_DEPTH = 8
PSDEFAULTS = "psdefaultparametervalues"
_PSDEFAULTS_BYTES = PSDEFAULTS.encode("ascii")


# --- fact capture (syntax only: the same text always gives the same facts) -------


def _plain_literal(doc: PowerShellDocument, leaf: Node, t: str) -> Value | None:
    """A string, bare word or number leaf (of type ``t``); None for anything else."""
    if t == "string_literal":
        return string_literal(doc, leaf)
    if t == "generic_token":
        return bare_word(doc, leaf)
    if t in ("integer_literal", "real_literal"):
        return Static(doc.node_text(leaf), doc.node_range(leaf), LiteralKind.NUMBER)
    return None


def literal_value(doc: PowerShellDocument, node: Node) -> Value | None:
    """Value of a literal (string, bare word, number, ``$true``/``$false``/``$null``)."""
    leaf = unwrap(node)
    t = leaf.type
    plain = _plain_literal(doc, leaf, t)
    if plain is not None:
        return plain
    if t == "variable":
        name = variable_ref(doc.node_text(leaf)).name
        if name in ("true", "false"):
            text = "True" if name == "true" else "False"
            return Static(text, doc.node_range(leaf), LiteralKind.BOOLEAN)
        if name == "null":
            return Static("", doc.node_range(leaf), LiteralKind.NULL)
    return None


def capture_assignment(
    doc: PowerShellDocument, node: Node, anchor: Anchor | None
) -> Assignment | None:
    """The fact of an ``assignment_expression`` (offsets as captured)."""
    kids = node.named_children  # one call for the three parts
    if len(kids) < 2:
        return None
    lhs = kids[0]
    op_node = kids[1]
    rhs = kids[2] if len(kids) > 2 else None
    target = unwrap(lhs)
    if target.type == "expression_with_unary_operator":
        # [string]$x = … : the cast wraps the variable.
        cast = child(target, 0)
        if cast is not None and cast.type == "cast_expression":
            last = child(cast, cast.named_child_count - 1)
            if last is not None:
                target = unwrap(last)
    ttype = target.type
    if ttype not in _ASSIGN_TARGETS:
        return None
    op = doc.node_text(op_node).strip()
    start = node.start_byte
    end = node.end_byte
    if ttype == "variable":
        ref = variable_ref(doc.node_text(target))
        return Assignment(ref, "var", op, rhs, start, end, anchor=anchor)
    base = child(target, 0)
    if base is None or base.type != "variable":
        return None
    ref = variable_ref(doc.node_text(base))
    if ttype == "member_access":
        member = child(target, 1)
        if member is None:
            return None
        return Assignment(
            ref,
            "member",
            op,
            rhs,
            start,
            end,
            key=doc.node_text(member),
            key_range=None if anchor is not None else doc.node_range(member),
            anchor=anchor,
            key_node=member,
        )
    index_node = child(target, 1)
    key_value = literal_value(doc, index_node) if index_node is not None else None
    if isinstance(key_value, Static) and key_value.is_string and index_node is not None:
        return Assignment(
            ref,
            "index",
            op,
            rhs,
            start,
            end,
            key=key_value.text,
            key_range=None if anchor is not None else key_value.range,
            anchor=anchor,
            key_node=unwrap(index_node),
        )
    return Assignment(ref, "index", op, rhs, start, end, key_dynamic=True, anchor=anchor)


def capture_method_call(
    doc: PowerShellDocument, node: Node, anchor: Anchor | None
) -> Assignment | None:
    """``$h.Add(k, v)`` / ``$h.Remove(k)`` / ``$h.Clear()`` as a write to ``$h``."""
    base = child(node, 0)
    member = child(node, 1)
    args = child(node, 2)
    if base is None or member is None or args is None:
        return None
    method = doc.node_text(member).lower()
    if method not in ("add", "remove", "clear"):
        return None
    ref = variable_ref(doc.node_text(base))
    start = node.start_byte
    end = node.end_byte
    if method == "clear":
        return Assignment(ref, "clear", "=", None, start, end, anchor=anchor)
    arg_list = child(args, 0)
    arg_nodes = (
        [c for c in arg_list.named_children if c.type != "comment"] if arg_list is not None else []
    )
    if not arg_nodes:
        return None
    key_value = literal_value(doc, arg_nodes[0])
    static = isinstance(key_value, Static)
    key = key_value.text if isinstance(key_value, Static) else None
    value = arg_nodes[1] if method == "add" and len(arg_nodes) > 1 else None
    return Assignment(
        ref,
        method,
        "=",
        value,
        start,
        end,
        key=key,
        key_range=key_value.range if isinstance(key_value, Static) and anchor is None else None,
        key_dynamic=key is None,
        anchor=anchor,
        key_node=unwrap(arg_nodes[0]) if static else None,
    )


def capture_loop_var(doc: PowerShellDocument, node: Node, anchor: Anchor | None) -> Assignment:
    # The loop variable is (re)assigned on every iteration of the loop.
    ref = variable_ref(doc.node_text(node))
    return Assignment(ref, "loop", "=", None, node.start_byte, node.end_byte, anchor=anchor)


def capture_params(doc: PowerShellDocument, plist: Node, anchor: Anchor | None) -> list[Assignment]:
    out = []
    for sp in plist.named_children:
        if sp.type != "script_parameter":
            continue
        var = None
        default = None
        for ch in sp.named_children:
            if ch.type == "variable":
                var = ch
            elif ch.type == "script_parameter_default":
                default = child(ch, 0)
        if var is None:
            continue
        ref = variable_ref(doc.node_text(var))
        out.append(
            Assignment(ref, "param", "=", default, sp.start_byte, sp.end_byte, anchor=anchor)
        )
    return out


def function_name(doc: PowerShellDocument, node: Node) -> str | None:
    for ch in node.named_children:
        if ch.type == "function_name":
            return doc.node_text(ch)
    return None


# --- lazy values ------------------------------------------------------------------


class Owner(Protocol):
    """Where a value is read: an assignment fact or a call (current offsets)."""

    @property
    def start(self) -> int: ...

    @property
    def chain(self) -> Chain: ...


class ValueSource:
    """An expression to evaluate on demand: its node and where it is read.

    ``node`` is a ``NodeRef``, or a node captured in ``anchor`` (cheaper: no
    reference object per argument).
    """

    __slots__ = ("anchor", "node", "owner")

    def __init__(
        self, node: NodeRef | Node | None, owner: Owner, anchor: Anchor | None = None
    ) -> None:
        self.node = node
        self.owner = owner
        self.anchor = anchor

    def current(self) -> Node | None:
        node = self.node
        if node is None:
            return None
        if isinstance(node, NodeRef):
            return node.get()
        return self.anchor.current(node) if self.anchor is not None else node


# Where something is written: a range, a node captured in the caller's anchor,
# a NodeRef, or the range of a value once evaluated.
Where: TypeAlias = "Range | Node | NodeRef | ValueRange | None"


class ValueRange:
    """The range of a value, known once the value is evaluated (or a fallback)."""

    __slots__ = ("fallback", "source")

    def __init__(self, source: ValueSource, fallback: Where = None) -> None:
        self.source = source
        self.fallback = fallback


class _Entry:
    """A hashtable key as binding sees it: key text, where it is written, value source."""

    __slots__ = ("conditional", "fact", "key", "key_at", "source")

    def __init__(
        self,
        key: str,
        key_at: Where,
        source: ValueSource,
        fact: Assignment,
        conditional: bool = False,
    ) -> None:
        self.key = key
        self.key_at = key_at
        self.source = source
        self.fact = fact
        self.conditional = conditional

    def with_conditional(self, conditional: bool) -> _Entry:
        return _Entry(self.key, self.key_at, self.source, self.fact, conditional)


class RawHashtable:
    __slots__ = ("complete", "entries", "literal")

    def __init__(self, entries: list[_Entry], literal: NodeRef, complete: bool) -> None:
        self.entries = entries
        self.literal = literal
        self.complete = complete


class RawArray:
    __slots__ = ("items", "literal")

    def __init__(self, items: list[ValueSource], literal: Where) -> None:
        self.items = items
        self.literal = literal


class RawDefaults:
    __slots__ = ("complete", "disabled", "entries")

    def __init__(self, entries: list[_Entry], disabled: bool, complete: bool) -> None:
        self.entries = entries
        self.disabled = disabled
        self.complete = complete


STALE = "the script changed after this value was found"


# --- the resolver -------------------------------------------------------------------


class ValueResolver:
    """Constant propagation over one document version (straight-line, same scope).

    Facts come from the document's per-statement cache
    (``credls.powershell.segments``), so building a resolver after an edit
    only re-reads the statements the edit touched.
    """

    def __init__(self, doc: PowerShellDocument) -> None:
        from credls.powershell.segments import analyse

        analysis = analyse(doc)
        self.doc = doc
        self.version = doc.version
        self._analysis = analysis
        self.root: Container = analysis.root
        self._assignments: dict[str, list[Assignment]] | None = None
        self._containers: list[Container] | None = None
        self._defaults: dict[int, _ScopeDefaults] | None = None
        self._defaults_memo: dict[
            tuple[tuple[int, ...], tuple[tuple[int, int], ...]],
            tuple[RawDefaults, frozenset[str]],
        ] = {}
        self._deps: set[str] | None = None
        self._has_defaults: bool | None = None
        self._writes: dict[str, dict[int, tuple[list[int], list[Assignment]]]] = {}
        self._here = CurrentTree(doc)

    @property
    def assignments(self) -> dict[str, list[Assignment]]:
        """Writes by lower-case variable name, each list in document order (read lazily)."""
        if self._assignments is None:
            self._assignments = self._analysis.assignments()
        return self._assignments

    @property
    def containers(self) -> list[Container]:
        """Every container of the document, sorted by (start, -end)."""
        if self._containers is None:
            self._containers = self._analysis.containers()
        return self._containers

    @property
    def stale(self) -> bool:
        return self.doc.version != self.version

    def chains(self, spans: Sequence[tuple[int, int]]) -> list[Chain]:
        return enclosing(self.containers, spans)

    def _facts(self, name: str) -> list[Assignment]:
        if self._deps is not None:
            self._deps.add(name)
        return self.assignments.get(name, _NO_FACTS)

    def track(self, deps: set[str] | None) -> set[str] | None:
        """Record the variable names looked up from now on into ``deps``."""
        previous = self._deps
        self._deps = deps
        return previous

    def read(self, sink: set[str] | None, fn: Callable[..., _T], *args: Any) -> _T:
        """``fn(*args)``, adding the variable names it looks up to ``sink`` (and to
        any set already being recorded into)."""
        if sink is None:
            return fn(*args)
        outer = self._deps
        got: set[str] = set()
        self._deps = got
        try:
            return fn(*args)
        finally:
            self._deps = outer
            if got:
                sink |= got
                if outer is not None:
                    outer |= got

    # --- evaluation -----------------------------------------------------------

    def evaluate(self, node: Node | None, at: int, chain: Chain, depth: int = 0) -> Value:
        """Value of an expression node evaluated at byte ``at`` inside ``chain``."""
        doc = self.doc
        if node is None:
            return Dynamic(DynamicKind.EXPRESSION, "no value")
        leaf = unwrap(node)
        t = leaf.type
        plain = _plain_literal(doc, leaf, t)
        if plain is not None:
            return plain
        if t == "variable":
            return self.resolve(variable_ref(doc.node_text(leaf)), at, chain, leaf, depth)
        rng = doc.node_range(leaf)
        if t == "sub_expression":
            return Dynamic(DynamicKind.SUBEXPRESSION, "a subexpression", rng)
        if t in ("command", "pipeline", "pipeline_chain", "array_expression"):
            return Dynamic(DynamicKind.COMMAND, "the output of a command", rng)
        if t == "array_literal_expression":
            return Dynamic(DynamicKind.ARRAY, "an array", rng)
        if t == "hash_literal_expression":
            return Dynamic(DynamicKind.HASHTABLE, "a hashtable", rng)
        if t == "script_block_expression":
            return Dynamic(DynamicKind.SCRIPTBLOCK, "a script block", rng)
        if t == "invokation_expression":
            return Dynamic(DynamicKind.EXPRESSION, "a method call", rng)
        if t in ("member_access", "element_access"):
            return Dynamic(DynamicKind.EXPRESSION, "a property or element", rng)
        return Dynamic(DynamicKind.EXPRESSION, "an expression", rng)

    def value_of(self, source: ValueSource) -> Value:
        """Evaluate a lazy source (refused once the document has changed)."""
        if self.stale:
            return Dynamic(DynamicKind.EXPRESSION, STALE)
        owner = source.owner
        return self.evaluate(source.current(), owner.start, owner.chain)

    def range_of(self, where: Where, anchor: Anchor | None = None) -> Range | None:
        """Resolve a ``Where``; a bare node is one captured in ``anchor``."""
        if where is None or isinstance(where, Range):
            return where
        if isinstance(where, NodeRef):
            return where.range()
        if isinstance(where, ValueRange):
            value = self.value_of(where.source)
            if value.range is not None or where.fallback is None:
                return value.range
            return self.range_of(where.fallback, anchor)
        if anchor is None:
            return self.doc.node_range(where)
        return anchor.range(where.start_byte, where.end_byte)

    def resolve(
        self,
        ref: VariableRef,
        at: int,
        chain: Chain,
        node: Node | None = None,
        depth: int = 0,
    ) -> Value:
        """Value of variable ``ref`` read at byte ``at`` (``chain`` = containers there)."""
        rng = self.doc.node_range(node) if node is not None else None
        name = ref.name
        q = ref.qualifier
        if q == "env":
            return Dynamic(
                DynamicKind.ENVIRONMENT,
                f"environment variable {ref.display}",
                rng,
                detail=ref.spelled.partition(":")[2],
            )
        if q not in (None, "script", "global", "local", "private"):
            return Dynamic(DynamicKind.VARIABLE, f"{ref.display}", rng, detail=name)
        if name == "true" or name == "false":
            text = "True" if name == "true" else "False"
            return Static(text, rng or Range.of(0, 0), LiteralKind.BOOLEAN)
        if name == "null":
            return Static("", rng or Range.of(0, 0), LiteralKind.NULL)
        if name in ("_", "psitem"):
            return Dynamic(DynamicKind.PIPELINE, "pipeline input", rng, detail=name)
        if depth > _MAX_DEPTH or not chain:
            return Dynamic(DynamicKind.VARIABLE, f"{ref.display} (too indirect)", rng, detail=name)
        scope = chain[0] if q in ("script", "global") else scope_of(chain)
        value = self._resolve_in(ref, at, chain, scope, rng, depth)
        if value is not None:
            return value
        if name in _AUTOMATIC:
            return Dynamic(DynamicKind.AUTOMATIC, f"automatic variable {ref.display}", rng, name)
        return self._from_parent(ref, chain, scope, rng, depth)

    def _last_write(self, ref: VariableRef, at: int, scope: Container) -> Assignment | None:
        """The last plain write of ``ref`` in ``scope`` that ends before ``at``.

        Writes are indexed by (name, scope) with their start offsets: a bisect,
        not a scan of every write of a common name (``$Name`` in each function).
        """
        facts = self._facts(ref.name)
        if not facts:
            return None
        index = self._writes.get(ref.name)
        if index is None:
            index = {}
            for a in facts:
                if a.target in ("var", "loop", "param"):
                    starts, found = index.setdefault(id(a.scope), ([], []))
                    starts.append(a.start)
                    found.append(a)
            self._writes[ref.name] = index
        entry = index.get(id(scope))
        if entry is None:
            return None
        starts, found = entry
        i = bisect.bisect_left(starts, at) - 1
        while i >= 0:
            a = found[i]
            if a.end <= at:
                return a
            i -= 1
        return None

    def _straight(self, fact: Assignment, chain: Chain, scope: Container) -> bool:
        """Whether ``fact`` runs on every path that reaches a point inside ``chain``."""
        ids = {id(c) for c in chain}
        return all(
            id(c) in ids for c in _after_scope(fact.chain, scope) if c.kind in CONDITIONAL_KINDS
        )

    def _written_in_enclosing_loop(self, ref: VariableRef, chain: Chain, scope: Container) -> bool:
        loops = [c for c in _after_scope(chain, scope) if c.kind == "loop"]
        if not loops:
            return False
        for a in self._facts(ref.name):
            if (
                a.target in ("var", "loop")
                and a.scope is scope
                and any(lp.contains(a.start, a.end) for lp in loops)
            ):
                return True
        return False

    def _resolve_in(
        self,
        ref: VariableRef,
        at: int,
        chain: Chain,
        scope: Container,
        rng: Range | None,
        depth: int,
    ) -> Value | None:
        last = self._last_write(ref, at, scope)
        if last is None:
            return None
        if last.target == "param":
            return self._param_value(last, ref, rng, depth)
        if last.target == "loop" or self._written_in_enclosing_loop(ref, chain, scope):
            return Dynamic(
                DynamicKind.CONDITIONAL, f"{ref.display} changes in a loop", rng, ref.name
            )
        if last.op != "=":
            return Dynamic(
                DynamicKind.EXPRESSION, f"{ref.display} is modified with {last.op}", rng, ref.name
            )
        if not self._straight(last, chain, scope):
            return Dynamic(
                DynamicKind.CONDITIONAL,
                f"{ref.display} is assigned only on some paths",
                rng,
                ref.name,
            )
        value = self.evaluate(last.value, last.start, last.chain, depth + 1)
        return _through(value, ref)

    def _param_value(
        self, fact: Assignment, ref: VariableRef, rng: Range | None, depth: int
    ) -> Value:
        node = fact.value
        if node is None:
            return Dynamic(
                DynamicKind.PARAMETER,
                f"parameter {ref.display} has no default value",
                rng,
                ref.name,
            )
        value = self.evaluate(node, fact.start, fact.chain, depth + 1)
        if isinstance(value, Static):
            return Static(value.text, value.range, value.kind, True, ref.spelled)
        return value

    def _from_parent(
        self,
        ref: VariableRef,
        chain: Chain,
        scope: Container,
        rng: Range | None,
        depth: int,
    ) -> Value:
        """A child scope reads its parent's variable (about_Scopes)."""
        if scope is self.root:
            return Dynamic(
                DynamicKind.VARIABLE, f"{ref.display} is not assigned before use", rng, ref.name
            )
        idx = next((i for i in range(len(chain)) if chain[i] is scope), 0)
        outer = chain[:idx]
        if not outer:
            return Dynamic(DynamicKind.VARIABLE, f"{ref.display}", rng, ref.name)
        if scope.kind == "scriptblock":
            return _relocate(self.resolve(ref, scope.start, outer, None, depth + 1), rng)
        # A function runs whenever it is called: only a variable written once,
        # unconditionally, in the enclosing scope has a known value there.
        parent = scope_of(outer)
        writes = [
            a
            for a in self._facts(ref.name)
            if a.scope is parent and a.target in ("var", "loop", "param")
        ]
        if len(writes) == 1 and writes[0].target == "var" and writes[0].op == "=":
            only = writes[0]
            if not any(c.kind in CONDITIONAL_KINDS for c in _after_scope(only.chain, parent)):
                value = self.evaluate(only.value, only.start, only.chain, depth + 1)
                return _relocate(_through(value, ref), rng)
        where = f" in function {scope.name}" if scope.name else ""
        return Dynamic(DynamicKind.VARIABLE, f"{ref.display} is not assigned{where}", rng, ref.name)

    # --- hashtables, arrays, $PSDefaultParameterValues ---------------------------

    def splat(
        self, ref: VariableRef, at: int, chain: Chain
    ) -> HashtableValue | ArrayValue | Dynamic:
        """What ``@name`` passes at byte ``at``: a hashtable, an array, or unknown."""
        raw = self.splat_raw(ref, at, chain)
        if isinstance(raw, RawHashtable):
            return HashtableValue(
                tuple(self.entry(e) for e in raw.entries), raw.literal.range(), raw.complete
            )
        if isinstance(raw, RawArray):
            items = tuple(self.value_of(s) for s in raw.items)
            literal = self.range_of(raw.literal)
            return ArrayValue(items, literal or Range.of(0, 0))
        return raw

    def entry(self, e: _Entry) -> HashEntry:
        return HashEntry(e.key, self.range_of(e.key_at), self.value_of(e.source), e.conditional)

    def splat_raw(
        self, ref: VariableRef, at: int, chain: Chain
    ) -> RawHashtable | RawArray | Dynamic:
        """``splat`` with keys, key positions and lazy values (what binding needs)."""
        if ref.qualifier not in (None, "script", "global", "local", "private"):
            return Dynamic(DynamicKind.VARIABLE, f"@{ref.spelled}")
        if ref.name in _AUTOMATIC:
            return Dynamic(DynamicKind.AUTOMATIC, f"automatic variable @{ref.spelled}")
        scope = chain[0] if ref.qualifier in ("script", "global") else scope_of(chain)
        base = self._last_write(ref, at, scope) if chain else None
        if base is None or base.target != "var" or base.op != "=":
            return Dynamic(DynamicKind.VARIABLE, f"@{ref.spelled} has no literal value here")
        if not self._straight(base, chain, scope):
            return Dynamic(
                DynamicKind.CONDITIONAL, f"@{ref.spelled} is assigned only on some paths"
            )
        value_node = base.value
        if value_node is None:
            return Dynamic(DynamicKind.VARIABLE, f"@{ref.spelled}")
        anchor = base.anchor or self._here
        literal = _hash_literal(unwrap(value_node))
        if literal is None:
            leaf = unwrap(value_node)
            if leaf.type == "array_literal_expression":
                items = [ValueSource(NodeRef(anchor, c), base) for c in leaf.named_children]
                return RawArray(items, NodeRef(anchor, leaf))
            whole = ValueSource(NodeRef(anchor, value_node), base)
            single = self.value_of(whole)
            if isinstance(single, Static):
                return RawArray([whole], ValueRange(whole))
            return Dynamic(DynamicKind.VARIABLE, f"@{ref.spelled} is not a hashtable literal")
        entries, complete = self._hash_entries(literal, base, anchor)
        table: dict[str, _Entry] = {e.key.lower(): e for e in entries}
        for a in self._facts(ref.name):
            if a.start < base.end or a.start >= at or a.end > at or a.scope is not scope:
                continue
            if a.target == "var":
                # Reassigned after the literal: handled by _last_write already.
                continue
            conditional = not self._straight(a, chain, scope)
            complete = self._apply_key_write(table, a, conditional) and complete
        return RawHashtable(list(table.values()), NodeRef(anchor, literal), complete)

    def _key_at(self, a: Assignment) -> NodeRef | None:
        if a._key_node is None:
            return None
        node = a.anchor.current(a._key_node) if a.anchor is not None else a._key_node
        return NodeRef(a.anchor or self._here, node) if node is not None else None

    def _apply_key_write(self, table: dict[str, _Entry], a: Assignment, conditional: bool) -> bool:
        """Apply ``$h.K = v`` / ``$h['K'] = v`` / ``.Add`` / ``.Remove`` / ``.Clear``."""
        if a.target == "clear":
            if not conditional:
                table.clear()
            return not conditional
        if a.target not in ("member", "index", "add", "remove"):
            return True
        if a.key is None or a.key_dynamic:
            return False
        if a.target == "remove":
            if not conditional:
                table.pop(a.key.lower(), None)
            return not conditional
        if a.op != "=":
            return False
        table[a.key.lower()] = _Entry(a.key, self._key_at(a), self._fact_source(a), a, conditional)
        return True

    def _fact_source(self, a: Assignment) -> ValueSource:
        node = a.value
        return ValueSource(NodeRef(a.anchor or self._here, node) if node is not None else None, a)

    def _hash_entries(
        self, literal: Node, at: Assignment, anchor: Anchor
    ) -> tuple[list[_Entry], bool]:
        entries: list[_Entry] = []
        complete = True
        body = next((c for c in literal.named_children if c.type == "hash_literal_body"), None)
        if body is None:
            return entries, complete
        for entry in body.named_children:
            if entry.type != "hash_entry":
                continue
            key_node = child(entry, 0)
            value_node = child(entry, 1)
            if key_node is None:
                continue
            key_leaf = unwrap(key_node)
            key_at: Where
            if key_leaf.type in ("simple_name", "generic_token"):
                key: str | None = self.doc.node_text(key_leaf)
                key_at = NodeRef(anchor, key_leaf)
            else:
                kv = self.evaluate(key_leaf, at.start, at.chain)
                key = kv.text if isinstance(kv, Static) and kv.is_string else None
                key_at = (
                    ValueRange(ValueSource(NodeRef(anchor, key_leaf), at))
                    if isinstance(kv, Static)
                    else None
                )
            if key is None:
                complete = False
                continue
            node_ref = NodeRef(anchor, value_node) if value_node is not None else None
            entries.append(_Entry(key, key_at, ValueSource(node_ref, at), at))
        return entries, complete

    def default_values(self, at: int, chain: Chain) -> DefaultValues:
        """``$PSDefaultParameterValues`` entries in effect at byte ``at`` (§5)."""
        raw = self.default_values_raw(at, chain)
        entries = tuple(self.entry(e) for e in raw.entries)
        return DefaultValues(entries, raw.disabled, raw.complete)

    def _mentions_defaults(self) -> bool:
        """Whether the text can write ``$PSDefaultParameterValues`` at all.

        Variable names are matched case-insensitively (``variable_ref``); no
        non-ASCII character lower-cases to one of the name's letters.
        """
        found = self._has_defaults
        if found is None:
            found = self._has_defaults = _PSDEFAULTS_BYTES in self.doc.source.lower()
        return found

    def default_values_raw(self, at: int, chain: Chain) -> RawDefaults:
        """``default_values`` with lazy values.

        Each scope's writes are replayed once, in document order, as calls ask
        at increasing positions (a query behind the last one replays again).
        """
        if not self._mentions_defaults():
            # No fact to read (the name is not in the text): skip reading the
            # document's facts; still a dependency for re-binding after edits.
            if self._deps is not None:
                self._deps.add(PSDEFAULTS)
            return _NO_DEFAULTS
        facts = self._facts(PSDEFAULTS)
        if not facts:
            return _NO_DEFAULTS
        if self._defaults is None:
            self._defaults = {}
            for a in facts:
                self._defaults.setdefault(id(a.scope), _ScopeDefaults([])).facts.append(a)
        table: dict[str, tuple[_Entry, Assignment]] = {}
        complete = True
        used: list[tuple[int, int]] = []
        for c in chain:
            st = self._defaults.get(id(c)) if c.is_scope else None
            if st is None:
                continue
            if at < st.last_at:
                st.pos, st.table, st.complete = 0, {}, True
            st.last_at = at
            while st.pos < len(st.facts) and st.facts[st.pos].start < at:
                a = st.facts[st.pos]
                if a.end > at:
                    break
                st.pos += 1
                self._replay_default(st, a)
            used.append((id(st), st.pos))
            table.update(st.table)
            complete = complete and st.complete
        # Calls between the same two writes, in the same blocks, see the same
        # defaults: computed once (with the variables it read, for tracking).
        key = (tuple(map(id, chain)), tuple(used))
        memo = self._defaults_memo.get(key)
        if memo is not None:
            result, deps = memo
            if self._deps is not None:
                self._deps.update(deps)
            return result
        outer = self._deps
        self._deps = set()
        try:
            result = self._defaults_in_effect(table, chain, complete)
        finally:
            deps = frozenset(self._deps)
            self._deps = outer
            if outer is not None:
                outer.update(deps)
        self._defaults_memo[key] = (result, deps)
        return result

    def _defaults_in_effect(
        self, table: dict[str, tuple[_Entry, Assignment]], chain: Chain, complete: bool
    ) -> RawDefaults:
        entries: list[_Entry] = []
        disabled = False
        for key, (entry, fact) in table.items():
            conditional = entry.conditional or not self._straight(fact, chain, fact.scope)
            if key == "disabled":
                value = self.value_of(entry.source)
                disabled = (
                    not conditional
                    and isinstance(value, Static)
                    and value.text.lower() in ("true", "1")
                )
                continue
            if conditional != entry.conditional:
                entry = entry.with_conditional(conditional)
            entries.append(entry)
        return RawDefaults(entries, disabled, complete)

    def _replay_default(self, st: _ScopeDefaults, a: Assignment) -> None:
        always = not any(c.kind in CONDITIONAL_KINDS for c in _after_scope(a.chain, a.scope))
        if a.target == "var":
            value_node = a.value
            literal = _hash_literal(unwrap(value_node)) if value_node is not None else None
            if literal is None or a.op != "=":
                st.complete = False
                st.table = {}
                return
            entries, ok = self._hash_entries(literal, a, a.anchor or self._here)
            st.complete = st.complete and ok
            if always:
                st.table = {}
            for e in entries:
                st.table[e.key.lower()] = (e, a)
            return
        if a.target == "clear":
            if always:
                st.table = {}
            return
        if a.key is None or a.key_dynamic or (a.target != "remove" and a.op != "="):
            st.complete = False
            return
        if a.target == "remove":
            if always:
                st.table.pop(a.key.lower(), None)
            return
        if a.target in ("member", "index", "add"):
            st.table[a.key.lower()] = (_Entry(a.key, self._key_at(a), self._fact_source(a), a), a)


_NO_FACTS: list[Assignment] = []
_NO_DEFAULTS = RawDefaults([], False, True)


@dataclass
class _ScopeDefaults:
    facts: list[Assignment]
    pos: int = 0
    last_at: int = -1
    table: dict[str, tuple[_Entry, Assignment]] = field(default_factory=dict)
    complete: bool = True


def _hash_literal(node: Node | None) -> Node | None:
    """The ``@{…}`` of ``@{…}`` or ``[ordered]@{…}``."""
    if node is None:
        return None
    if node.type == "hash_literal_expression":
        return node
    if node.type == "expression_with_unary_operator":
        cast = child(node, 0)
        if cast is not None and cast.type == "cast_expression":
            last = child(cast, cast.named_child_count - 1)
            if last is not None:
                inner = unwrap(last)
                if inner.type == "hash_literal_expression":
                    return inner
    return None


def _through(value: Value, ref: VariableRef) -> Value:
    if isinstance(value, Static) and value.variable is None:
        return Static(value.text, value.range, value.kind, value.from_param_default, ref.spelled)
    return value


def _relocate(value: Value, rng: Range | None) -> Value:
    """A Dynamic found elsewhere is reported at the use site."""
    if isinstance(value, Dynamic) and rng is not None:
        return Dynamic(value.kind, value.reason, rng, value.detail)
    return value
