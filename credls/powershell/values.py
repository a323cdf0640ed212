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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from credls.text import Range

if TYPE_CHECKING:
    from tree_sitter import Node

    from credls.powershell.parser import PowerShellDocument


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
    while node.type in _WRAPPERS and node.named_child_count == 1:
        inner = child(node, 0)
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
        return Static(text[1:-1].replace("''", "'"), rng, LiteralKind.VERBATIM)
    if t == "verbatim_here_string_characters":
        return Static(_here_body(text), rng, LiteralKind.VERBATIM_HERE)
    here = t == "expandable_here_string_literal"
    body = _here_body(text) if here else text[1:-1]
    if any(c.type in _INTERPOLATING for c in inner.named_children):
        return Dynamic(DynamicKind.INTERPOLATED, "an interpolated string", rng, detail=body)
    if not here:
        body = body.replace('""', '"')
    return Static(
        _unbacktick(body), rng, LiteralKind.EXPANDABLE_HERE if here else LiteralKind.EXPANDABLE
    )


def bare_word(doc: PowerShellDocument, node: Node) -> Value:
    text = doc.node_text(node)
    rng = doc.node_range(node)
    if "$" in text:
        return Dynamic(DynamicKind.INTERPOLATED, "a bare word with a variable", rng, detail=text)
    return Static(_unbacktick(text), rng, LiteralKind.BARE)


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


# --- containers and scopes ------------------------------------------------------

SCOPE_KINDS = frozenset({"program", "function", "scriptblock"})
CONDITIONAL_KINDS = frozenset({"branch", "loop"})


@dataclass(eq=False)
class Container:
    """A node that matters for flow: a scope, a branch, a loop or an ERROR region."""

    kind: str  # program | function | scriptblock | branch | loop | error
    start: int
    end: int
    node: Node
    name: str | None = None  # function name
    label: str | None = None  # statement kind when the node type does not say it

    @property
    def is_scope(self) -> bool:
        return self.kind in SCOPE_KINDS

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


Chain = tuple[Container, ...]


def enclosing(containers: Sequence[Container], spans: Sequence[tuple[int, int]]) -> list[Chain]:
    """For each span, the containers around it, outermost first.

    ``containers`` must be sorted by (start, -end); they nest like the tree.
    One sweep over both lists: no per-node parent walks in Python.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    result: list[Chain] = [()] * len(spans)
    stack: list[Container] = []
    ci = 0
    n = len(containers)
    for i in order:
        s, e = spans[i]
        while ci < n and containers[ci].start <= s:
            c = containers[ci]
            ci += 1
            while stack and stack[-1].end <= c.start:
                stack.pop()
            stack.append(c)
        while stack and stack[-1].end <= s:
            stack.pop()
        result[i] = tuple(c for c in stack if c.start <= s and e <= c.end)
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


@dataclass(eq=False)
class Assignment:
    """One write to a variable: ``$x = …``, ``$x.Key = …``, ``$x['Key'] = …``,
    ``$x.Add('Key', …)``, a loop variable, or a ``param()`` entry."""

    ref: VariableRef
    target: str  # var | member | index | add | remove | clear | loop | param
    op: str  # "=", "+=", …
    value: Node | None
    start: int
    end: int
    chain: Chain = ()
    key: str | None = None
    key_range: Range | None = None
    key_dynamic: bool = False

    @property
    def scope(self) -> Container:
        if self.ref.qualifier in ("script", "global"):
            return self.chain[0]
        return scope_of(self.chain)


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


class ValueResolver:
    """Constant propagation over one document (straight-line, same scope)."""

    def __init__(self, doc: PowerShellDocument) -> None:
        self.doc = doc
        index = doc.index()
        root = doc.root
        containers: list[Container] = [Container("program", 0, len(doc.source) + 1, root)]
        for n in index.functions:
            fname = None
            for ch in n.named_children:
                if ch.type == "function_name":
                    fname = doc.node_text(ch)
                    break
            containers.append(Container("function", n.start_byte, n.end_byte, n, fname))
        for kind, nodes, label in (
            ("scriptblock", index.script_blocks, None),
            ("branch", index.branches, None),
            ("branch", index.if_blocks, "if"),
            ("branch", index.try_blocks, "try"),
            ("loop", index.loops, None),
            ("error", index.errors, None),
        ):
            containers.extend(
                Container(kind, n.start_byte, n.end_byte, n, label=label) for n in nodes
            )
        # Outer before inner at the same start: the longer one first.
        containers.sort(key=lambda c: (c.start, -c.end, c.kind != "program"))
        self.containers = containers
        self.root = containers[0]
        self.assignments: dict[str, list[Assignment]] = {}
        self._defaults: dict[int, _ScopeDefaults] | None = None
        self._collect(index.assignments, index.method_calls, index.loop_vars, index.param_lists)

    # --- fact collection ------------------------------------------------------

    def chains(self, spans: Sequence[tuple[int, int]]) -> list[Chain]:
        return enclosing(self.containers, spans)

    def _collect(
        self,
        assignments: Iterable[Node],
        method_calls: Iterable[Node],
        loop_vars: Iterable[Node],
        param_lists: Iterable[Node],
    ) -> None:
        facts: list[Assignment] = []
        doc = self.doc
        for node in assignments:
            fact = self._assignment(node)
            if fact is not None:
                facts.append(fact)
        for node in method_calls:
            fact = self._method_call(node)
            if fact is not None:
                facts.append(fact)
        for node in loop_vars:
            ref = variable_ref(doc.node_text(node))
            # The loop variable is (re)assigned on every iteration of the loop.
            facts.append(Assignment(ref, "loop", "=", None, node.start_byte, node.end_byte))
        for plist in param_lists:
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
                facts.append(
                    Assignment(
                        variable_ref(doc.node_text(var)),
                        "param",
                        "=",
                        default,
                        sp.start_byte,
                        sp.end_byte,
                    )
                )
        chains = self.chains([(f.start, f.end) for f in facts])
        for fact, chain in zip(facts, chains, strict=True):
            fact.chain = chain
        facts.sort(key=lambda f: f.start)
        for fact in facts:
            self.assignments.setdefault(fact.ref.name, []).append(fact)

    def _assignment(self, node: Node) -> Assignment | None:
        lhs = child(node, 0)
        op_node = child(node, 1)
        rhs = child(node, 2)
        if lhs is None or op_node is None:
            return None
        target = unwrap(lhs)
        if target.type == "expression_with_unary_operator":
            # [string]$x = … : the cast wraps the variable.
            cast = child(target, 0)
            if cast is not None and cast.type == "cast_expression":
                last = child(cast, cast.named_child_count - 1)
                if last is not None:
                    target = unwrap(last)
        if target.type not in _ASSIGN_TARGETS:
            return None
        op = self.doc.node_text(op_node).strip()
        if target.type == "variable":
            ref = variable_ref(self.doc.node_text(target))
            return Assignment(ref, "var", op, rhs, node.start_byte, node.end_byte)
        base = child(target, 0)
        if base is None or base.type != "variable":
            return None
        ref = variable_ref(self.doc.node_text(base))
        if target.type == "member_access":
            member = child(target, 1)
            if member is None:
                return None
            key = self.doc.node_text(member)
            return Assignment(
                ref,
                "member",
                op,
                rhs,
                node.start_byte,
                node.end_byte,
                key=key,
                key_range=self.doc.node_range(member),
            )
        index_node = child(target, 1)
        key_value = self.evaluate(index_node, node.start_byte, ()) if index_node else None
        if isinstance(key_value, Static) and key_value.is_string:
            return Assignment(
                ref,
                "index",
                op,
                rhs,
                node.start_byte,
                node.end_byte,
                key=key_value.text,
                key_range=key_value.range,
            )
        return Assignment(ref, "index", op, rhs, node.start_byte, node.end_byte, key_dynamic=True)

    def _method_call(self, node: Node) -> Assignment | None:
        base = child(node, 0)
        member = child(node, 1)
        args = child(node, 2)
        if base is None or member is None or args is None:
            return None
        method = self.doc.node_text(member).lower()
        if method not in ("add", "remove", "clear"):
            return None
        ref = variable_ref(self.doc.node_text(base))
        arg_nodes: list[Node] = []
        arg_list = child(args, 0)
        if arg_list is not None:
            arg_nodes = [c for c in arg_list.named_children if c.type != "comment"]
        if method == "clear":
            return Assignment(ref, "clear", "=", None, node.start_byte, node.end_byte)
        if not arg_nodes:
            return None
        key_value = self.evaluate(arg_nodes[0], node.start_byte, ())
        key = key_value.text if isinstance(key_value, Static) else None
        key_range = key_value.range if isinstance(key_value, Static) else None
        value = arg_nodes[1] if method == "add" and len(arg_nodes) > 1 else None
        return Assignment(
            ref,
            method,
            "=",
            value,
            node.start_byte,
            node.end_byte,
            key=key,
            key_range=key_range,
            key_dynamic=key is None,
        )

    # --- evaluation -----------------------------------------------------------

    def evaluate(self, node: Node | None, at: int, chain: Chain, depth: int = 0) -> Value:
        """Value of an expression node evaluated at byte ``at`` inside ``chain``."""
        doc = self.doc
        if node is None:
            return Dynamic(DynamicKind.EXPRESSION, "no value")
        leaf = unwrap(node)
        t = leaf.type
        if t == "string_literal":
            return string_literal(doc, leaf)
        if t == "generic_token":
            return bare_word(doc, leaf)
        if t in ("integer_literal", "real_literal"):
            return Static(doc.node_text(leaf), doc.node_range(leaf), LiteralKind.NUMBER)
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
        last = None
        for a in self.assignments.get(ref.name, ()):
            if a.start >= at:
                break
            if a.end > at or a.target not in ("var", "loop", "param"):
                continue
            if a.scope is scope:
                last = a
        return last

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
        for a in self.assignments.get(ref.name, ()):
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
        if fact.value is None:
            return Dynamic(
                DynamicKind.PARAMETER,
                f"parameter {ref.display} has no default value",
                rng,
                ref.name,
            )
        value = self.evaluate(fact.value, fact.start, fact.chain, depth + 1)
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
            for a in self.assignments.get(ref.name, ())
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
        if base.value is None:
            return Dynamic(DynamicKind.VARIABLE, f"@{ref.spelled}")
        literal = _hash_literal(unwrap(base.value))
        if literal is None:
            leaf = unwrap(base.value)
            if leaf.type == "array_literal_expression":
                items = tuple(self.evaluate(c, base.start, base.chain) for c in leaf.named_children)
                return ArrayValue(items, self.doc.node_range(leaf))
            single = self.evaluate(base.value, base.start, base.chain)
            if isinstance(single, Static):
                return ArrayValue((single,), single.range)
            return Dynamic(DynamicKind.VARIABLE, f"@{ref.spelled} is not a hashtable literal")
        entries, complete = self._hash_entries(literal, base)
        table: dict[str, HashEntry] = {e.key.lower(): e for e in entries}
        for a in self.assignments.get(ref.name, ()):
            if a.start < base.end or a.start >= at or a.end > at or a.scope is not scope:
                continue
            if a.target == "var":
                # Reassigned after the literal: handled by _last_write already.
                continue
            conditional = not self._straight(a, chain, scope)
            complete = self._apply_key_write(table, a, conditional) and complete
        return HashtableValue(tuple(table.values()), self.doc.node_range(literal), complete)

    def _apply_key_write(
        self, table: dict[str, HashEntry], a: Assignment, conditional: bool
    ) -> bool:
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
        value = self.evaluate(a.value, a.start, a.chain)
        table[a.key.lower()] = HashEntry(a.key, a.key_range, value, conditional)
        return True

    def _hash_entries(self, literal: Node, at: Assignment) -> tuple[list[HashEntry], bool]:
        entries: list[HashEntry] = []
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
            key_range: Range | None
            if key_leaf.type in ("simple_name", "generic_token"):
                key: str | None = self.doc.node_text(key_leaf)
                key_range = self.doc.node_range(key_leaf)
            else:
                kv = self.evaluate(key_leaf, at.start, at.chain)
                key = kv.text if isinstance(kv, Static) and kv.is_string else None
                key_range = kv.range if isinstance(kv, Static) else None
            if key is None:
                complete = False
                continue
            value = self.evaluate(value_node, at.start, at.chain)
            entries.append(HashEntry(key, key_range, value))
        return entries, complete

    def default_values(self, at: int, chain: Chain) -> DefaultValues:
        """``$PSDefaultParameterValues`` entries in effect at byte ``at`` (§5).

        Each scope's writes are replayed once, in document order, as calls ask
        at increasing positions (a query behind the last one replays again).
        """
        if PSDEFAULTS not in self.assignments:
            return DefaultValues(())
        if self._defaults is None:
            self._defaults = {}
            for a in self.assignments[PSDEFAULTS]:
                self._defaults.setdefault(id(a.scope), _ScopeDefaults([])).facts.append(a)
        table: dict[str, tuple[HashEntry, Assignment]] = {}
        complete = True
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
            table.update(st.table)
            complete = complete and st.complete
        entries: list[HashEntry] = []
        disabled = False
        for key, (entry, fact) in table.items():
            conditional = entry.conditional or not self._straight(fact, chain, fact.scope)
            if key == "disabled":
                value = entry.value
                disabled = (
                    not conditional
                    and isinstance(value, Static)
                    and value.text.lower() in ("true", "1")
                )
                continue
            if conditional != entry.conditional:
                entry = HashEntry(entry.key, entry.key_range, entry.value, conditional)
            entries.append(entry)
        return DefaultValues(tuple(entries), disabled, complete)

    def _replay_default(self, st: _ScopeDefaults, a: Assignment) -> None:
        always = not any(c.kind in CONDITIONAL_KINDS for c in _after_scope(a.chain, a.scope))
        if a.target == "var":
            literal = _hash_literal(unwrap(a.value)) if a.value is not None else None
            if literal is None or a.op != "=":
                st.complete = False
                st.table = {}
                return
            entries, ok = self._hash_entries(literal, a)
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
            value = self.evaluate(a.value, a.start, a.chain)
            st.table[a.key.lower()] = (HashEntry(a.key, a.key_range, value), a)


@dataclass
class _ScopeDefaults:
    facts: list[Assignment]
    pos: int = 0
    last_at: int = -1
    table: dict[str, tuple[HashEntry, Assignment]] = field(default_factory=dict)
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
