"""Per-statement syntax facts of a PowerShell document, kept across edits.

Each top-level statement (a *segment*) is captured once: its AWS commands,
assignments and flow containers, read with the shared tree-sitter query
(powershell.md §9). An edit marks the segments it touches, or that
tree-sitter reports as changed, as dirty and shifts the ones after it; the
next analysis captures only the new statements and reuses the others. The
facts of a segment depend on its own text only (binding and values, which
look across statements, are computed per version in ``calls``/``values``).
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tree_sitter import QueryCursor

from credls.powershell.catalog import CommandLookup, lookup_command
from credls.powershell.parser import _QUERY
from credls.powershell.values import (
    _FAR,
    Assignment,
    Chain,
    Container,
    Static,
    capture_assignment,
    capture_loop_var,
    capture_method_call,
    capture_params,
    child,
    enclosing,
    find_node,
    function_name,
    string_literal,
)
from credls.text import Range

if TYPE_CHECKING:
    from tree_sitter import Node

    from credls.powershell.parser import PowerShellDocument

# Capture names of the shared query that make containers: (kind, label).
_CONTAINER_CAPTURES = {
    "function": ("function", None),
    "script_block": ("scriptblock", None),
    "branch": ("branch", None),
    "if_block": ("branch", "if"),
    "try_block": ("branch", "try"),
    "loop": ("loop", None),
    "error": ("error", None),
}
# Below this many statements to capture, query each one; above, the whole tree once.
_BATCH = 24
_FACT_CAPTURES = ("assignment", "method_call", "loop_var", "param_list")
_EMPTY: list[Any] = []
_NO_NAMES: frozenset[str] = frozenset()
_HISTORY = 64

# Other commands the flow and the module lookup need (lower case, as written):
# ``Import-Module`` (module version, powershell.md §0), commands whose script
# blocks run elsewhere, and commands that may write a credentials file.
IMPORT_COMMANDS = frozenset({"import-module", "ipmo"})
REMOTE_COMMANDS = frozenset(
    {
        "invoke-command",
        "icm",
        "start-job",
        "sajb",
        "start-threadjob",
        "register-scheduledjob",
        "register-engineevent",
        "register-objectevent",
        "new-pssession",
        "enter-pssession",
    }
)
FILE_WRITERS = frozenset(
    {
        "set-content",
        "sc",
        "add-content",
        "ac",
        "out-file",
        "new-item",
        "ni",
        "copy-item",
        "copy",
        "cp",
        "cpi",
        "move-item",
        "move",
        "mv",
        "mi",
        "rename-item",
        "ren",
        "rni",
        "remove-item",
        "del",
        "rm",
        "ri",
        "erase",
        "expand-archive",
        "invoke-webrequest",
        "iwr",
        "aws",
        "aws.exe",
    }
)
# Kinds of ``Segment.others``.
IMPORT = "import"
REMOTE = "remote"
WRITER = "writer"
AWS_CLI = "aws-cli"  # aws / aws.exe: may write a file, or `aws configure` a profile


class Command:
    """An AWS command found in a segment (nodes as captured)."""

    __slots__ = ("chain", "lookup", "name_node", "node", "op", "piped")

    def __init__(
        self, node: Node, lookup: CommandLookup, name_node: Node, op: str | None, piped: bool
    ) -> None:
        self.node = node
        self.lookup = lookup
        self.name_node = name_node
        self.op = op
        self.piped = piped
        self.chain: Chain = ()


class Segment:
    """One top-level statement and what was captured from it (an ``Anchor``)."""

    __slots__ = (
        "_memo",
        "_memo_version",
        "cache",
        "calls",
        "capture_start",
        "capture_version",
        "commands",
        "containers",
        "dirty",
        "end",
        "fact_nodes",
        "facts",
        "names",
        "node",
        "node_version",
        "others",
        "start",
        "type",
    )

    def __init__(self, cache: SegmentCache, node: Node, version: int) -> None:
        self.cache = cache
        self.node = node
        self.node_version = version
        self.start: int = node.start_byte
        self.end: int = node.end_byte
        self.type: str = node.type
        self.capture_start = self.start
        self.capture_version = version
        self.dirty = False
        # Shared empty lists until something is captured (most statements have
        # no facts or AWS commands); capture replaces, never appends to, these.
        self.containers: list[Container] = _EMPTY
        self.facts: list[Assignment] = _EMPTY
        self.commands: list[Command] = _EMPTY
        # Non-AWS commands of interest: (IMPORT | REMOTE | WRITER, node as captured).
        self.others: list[tuple[str, Node]] = _EMPTY
        self.names: frozenset[str] = _NO_NAMES
        # Captured fact nodes not read yet (None once read).
        self.fact_nodes: list[tuple[str, Node]] | None = _EMPTY
        self.calls: object | None = None  # call syntax, built by credls.powershell.calls
        self._memo: dict[int, Node | None] | None = None
        self._memo_version = version

    # --- Anchor ----------------------------------------------------------------

    @property
    def delta(self) -> int:
        return self.start - self.capture_start

    def version(self) -> int:
        return self.cache.doc.version

    def top(self) -> Node | None:
        """This statement's node in the current tree."""
        version = self.cache.doc.version
        if self.node_version != version:
            found = find_node(self.cache.doc.root, self.start, self.end, self.type)
            if found is None:
                return None
            self.node = found
            self.node_version = version
        return self.node

    def find(self, start: int, end: int, type_: str) -> Node | None:
        top = self.top()
        return find_node(top, start, end, type_) if top is not None else None

    def current(self, node: Node) -> Node | None:
        version = self.cache.doc.version
        if version == self.capture_version:
            return node
        memo = self._memo
        if memo is None or self._memo_version != version:
            memo = self._memo = {}
            self._memo_version = version
        key = id(node)
        if key in memo:
            return memo[key]
        delta = self.delta
        found = self.find(node.start_byte + delta, node.end_byte + delta, node.type)
        memo[key] = found
        return found

    def range(self, start: int, end: int) -> Range:
        delta = self.delta
        return self.cache.doc.coords.range(start + delta, end + delta)

    def __repr__(self) -> str:
        return f"Segment({self.type}, {self.start}, {self.end})"


class SegmentCache:
    """The segments of one document, following its edits (``EditListener``)."""

    def __init__(self, doc: PowerShellDocument) -> None:
        self.doc = doc
        self.version = -1
        self.segments: list[Segment] = []
        self.root = Container("program", 0, _FAR, doc.root)
        # Variable names whose facts changed in the last refresh (None: everything).
        self.changed_names: frozenset[str] | None = None
        # (version, changed names) of recent refreshes: a result computed at
        # version v is still valid if no later entry touches what it read.
        self.history: list[tuple[int, frozenset[str] | None]] = []
        self.history_start = 0
        self._assignments: dict[str, list[Assignment]] | None = None
        self._containers: list[Container] | None = None
        self.facts_read = False  # facts are read lazily, then kept current
        # (version after the edit, first edited line, last line before, last
        # line after) of recent edits, for moving results computed earlier.
        self.edits: list[tuple[int, int, int, int]] = []
        self.edits_start = doc.version
        # Results kept across versions by later passes (``credls.powershell.reuse``).
        self.kept: dict[str, object] = {}
        doc.listener = self

    # --- edits -----------------------------------------------------------------

    def on_edit(
        self,
        start_byte: int,
        old_end_byte: int,
        new_end_byte: int,
        changed: tuple[tuple[int, int], ...],
        lines: tuple[int, int, int] = (0, -1, -1),
    ) -> None:
        self.edits.append((self.doc.version, *lines))
        if len(self.edits) > _HISTORY:
            self.edits_start = self.edits.pop(0)[0]
        delta = new_end_byte - old_end_byte
        segs = self.segments
        # Segments are sorted and disjoint: skip the untouched ones before the edit.
        i = bisect.bisect_left(segs, start_byte, key=lambda s: s.end)
        for seg in segs[i:]:
            if seg.start > old_end_byte:
                seg.start += delta
                seg.end += delta
            else:
                seg.dirty = True  # touches the edited span
        for s, e in changed:
            j = bisect.bisect_left(segs, s, key=lambda g: g.end)
            for seg in segs[j:]:
                if seg.start > e:
                    break
                seg.dirty = True

    # --- refresh ---------------------------------------------------------------

    def refresh(self) -> None:
        """Bring the segments up to the document's current version."""
        doc = self.doc
        version = doc.version
        if version == self.version:
            return
        tops = _top_nodes(doc.root)
        reusable = {(s.start, s.end, s.type): s for s in self.segments if not s.dirty}
        first = self.version < 0
        self.version = version
        segments: list[Segment] = []
        fresh: list[Segment] = []
        for node in tops:
            seg = reusable.pop((node.start_byte, node.end_byte, node.type), None)
            if seg is not None and node.has_error:
                # Inside error recovery tree-sitter may move a node by a byte
                # without reporting a changed range: capture such statements again.
                seg.dirty = True
                seg = None
            if seg is None:
                seg = Segment(self, node, version)
                fresh.append(seg)
            else:
                seg.node = node
                seg.node_version = version
            segments.append(seg)
        changed: set[str] = set()
        for seg in self.segments:
            if seg.dirty or (seg.start, seg.end, seg.type) in reusable:
                changed.update(seg.names)
        self.segments = segments
        self.root._node = doc.root
        if fresh:
            _capture(doc, self.root, fresh, whole_tree=len(fresh) > _BATCH)
            if self.facts_read:
                # Results computed earlier may depend on these names.
                _extract_facts(doc, self.root, fresh)
            for seg in fresh:
                changed.update(seg.names)
        self.changed_names = None if first else frozenset(changed)
        if first:
            self.history = []
            self.history_start = version
        else:
            self.history.append((version, self.changed_names))
            if len(self.history) > _HISTORY:
                self.history_start = self.history.pop(0)[0]
        if fresh or changed or first:
            self._assignments = None
            self._containers = None

    def assignments(self) -> dict[str, list[Assignment]]:
        """Facts by lower-case variable name, each list in document order."""
        if self._assignments is None:
            if not self.facts_read:
                self.facts_read = True
                with gc_paused():
                    _extract_facts(self.doc, self.root, self.segments)
            table: dict[str, list[Assignment]] = {}
            for seg in self.segments:
                for a in seg.facts:
                    found = table.get(a.ref.name)
                    if found is None:
                        table[a.ref.name] = [a]
                    else:
                        found.append(a)
            self._assignments = table
        return self._assignments

    def containers(self) -> list[Container]:
        if self._containers is None:
            out = [self.root]
            for seg in self.segments:
                out.extend(seg.containers)
            self._containers = out
        return self._containers


def analyse(doc: PowerShellDocument) -> SegmentCache:
    """The document's segment cache, refreshed to its current version."""
    cache = doc.listener if isinstance(doc.listener, SegmentCache) else SegmentCache(doc)
    if cache.version != doc.version:
        with gc_paused():
            cache.refresh()
    return cache


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many small objects.

    A capture makes tens of thousands of objects that all survive; without
    this, the collector rescans them over and over (about a third of the time).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _top_nodes(root: Node) -> list[Node]:
    out: list[Node] = []
    for node in root.children:
        if node.type == "statement_list":
            out.extend(node.children)
        else:
            out.append(node)
    return out


def command_name(doc: PowerShellDocument, node: Node) -> tuple[str, Node, str | None] | None:
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


# Written command names (bytes) already looked up: most commands of a script
# are the same few non-AWS ones (Write-Host, Out-Null, …).
_NAMES: dict[bytes, tuple[CommandLookup | None, str | None]] = {}
_NAMES_MAX = 8192


def other_kind(written: str) -> str | None:
    """IMPORT, REMOTE, WRITER or None for a command name as written."""
    low = written.lower()
    if low in IMPORT_COMMANDS:
        return IMPORT
    base = low.rpartition("\\")[2]
    if base in REMOTE_COMMANDS:
        return REMOTE
    if base in FILE_WRITERS:
        return AWS_CLI if base.startswith("aws") else WRITER
    return None


def _aws_command(doc: PowerShellDocument, node: Node, piped: set[int]) -> Command | str | None:
    """The AWS command of ``node``; else its ``other_kind`` (or None)."""
    name = node.child_by_field_name("command_name")
    if name is None:
        return None
    if name.type == "command_name":
        raw = doc.source[name.start_byte : name.end_byte]
        known = _NAMES.get(raw)
        if known is None:
            text = raw.decode("utf-8", "surrogatepass")
            lookup = lookup_command(text.strip()) if "-" in text else None
            known = (lookup, None if lookup is not None else other_kind(text))
            if len(_NAMES) >= _NAMES_MAX:
                _NAMES.clear()
            _NAMES[raw] = known
        lookup, other = known
        if lookup is None:
            return other
        return Command(node, lookup, name, None, node.start_byte in piped)
    other = other_kind(doc.node_text(name))
    named = command_name(doc, node)
    if named is None:
        return other
    text, name_node, op = named
    if "-" not in text:
        return other
    found = lookup_command(text.strip())
    if found is None:
        return other
    return Command(node, found, name_node, op, node.start_byte in piped)


def _capture(
    doc: PowerShellDocument, root: Container, segs: list[Segment], whole_tree: bool
) -> None:
    """Capture facts, containers and AWS commands of ``segs`` (sorted, disjoint).

    All captured nodes are handled in one pass per capture name (not per
    segment), then one ``enclosing`` sweep gives every fact and call its chain.
    """
    caps: dict[str, list[Node]]
    if whole_tree:
        caps = QueryCursor(_QUERY).captures(doc.root)
    else:
        caps = {}
        for seg in segs:
            for name, nodes in QueryCursor(_QUERY).captures(seg.node).items():
                caps.setdefault(name, []).extend(nodes)
    starts = [s.start for s in segs]
    ends = [s.end for s in segs]
    bisect_right = bisect.bisect_right

    def owner(node: Node) -> Segment | None:
        i = bisect_right(starts, node.start_byte) - 1
        if i < 0 or node.end_byte > ends[i]:
            return None  # in a statement that is not being captured
        return segs[i]

    # Containers, per segment, sorted outer-first.
    for cap, (kind, label) in _CONTAINER_CAPTURES.items():
        for n in caps.get(cap, ()):
            into = owner(n)
            if into is None:
                continue
            fname = function_name(doc, n) if kind == "function" else None
            c = Container(kind, n.start_byte, n.end_byte, n, fname, label, into)
            if into.containers:
                into.containers.append(c)
            else:
                into.containers = [c]
    all_containers: list[Container] = [root]
    for seg in segs:
        if len(seg.containers) > 1:
            seg.containers.sort(key=lambda c: (c._start, -c._end))
        all_containers.extend(seg.containers)

    # Fact nodes, per segment: facts are read from them when first needed
    # (``SegmentCache.assignments``), most analyses of a fresh document only
    # need the calls at first.
    for cap in _FACT_CAPTURES:
        for n in caps.get(cap, ()):
            into = owner(n)
            if into is None:
                continue
            if into.fact_nodes:
                into.fact_nodes.append((cap, n))
            else:
                into.fact_nodes = [(cap, n)]
    spans: list[tuple[int, int]] = []
    owners: list[Command] = []

    # AWS commands, per segment, in document order (outer before inner).
    cmd_nodes = caps.get("command")
    if cmd_nodes:
        piped = {n.start_byte for n in caps.get("piped", ())}
        for n in _sorted(cmd_nodes):
            found = _aws_command(doc, n, piped)
            if found is None:
                continue
            into = owner(n)
            if into is None:
                continue
            if isinstance(found, str):
                if into.others:
                    into.others.append((found, n))
                else:
                    into.others = [(found, n)]
                continue
            if into.commands:
                into.commands.append(found)
            else:
                into.commands = [found]
            spans.append((n.start_byte, n.end_byte))
            owners.append(found)

    chains = enclosing(all_containers, spans)
    for item, chain in zip(owners, chains, strict=True):
        item.chain = chain


def _extract_facts(doc: PowerShellDocument, root: Container, segs: Iterable[Segment]) -> None:
    """Facts of segments captured earlier (one ``enclosing`` sweep for all)."""
    containers: list[Container] = [root]
    spans: list[tuple[int, int]] = []
    owners: list[Assignment] = []
    for seg in segs:
        nodes = seg.fact_nodes
        if nodes is None:
            continue
        seg.fact_nodes = None
        if not nodes:
            continue
        # Nodes keep the offsets of the version that captured them; text is
        # read from that version's bytes at the segment's current place.
        facts: list[Assignment] = []
        view = _Shifted(doc, seg.delta)
        for cap, n in nodes:
            if cap == "assignment":
                fact = capture_assignment(view, n, seg)  # type: ignore[arg-type]
                if fact is not None:
                    facts.append(fact)
            elif cap == "method_call":
                fact = capture_method_call(view, n, seg)  # type: ignore[arg-type]
                if fact is not None:
                    facts.append(fact)
            elif cap == "loop_var":
                facts.append(capture_loop_var(view, n, seg))  # type: ignore[arg-type]
            else:
                facts.extend(capture_params(view, n, seg))  # type: ignore[arg-type]
        if not facts:
            continue
        if len(facts) > 1:
            facts.sort(key=lambda f: f._start)
        seg.facts = facts
        seg.names = frozenset(f.ref.name for f in facts)
        containers.extend(seg.containers)
        for f in facts:
            spans.append((f._start, f._end))
            owners.append(f)
    if owners:
        # Captured offsets are consistent within a segment and segments do
        # not overlap in capture offsets of one version; chains only pair a
        # fact with containers of its own segment (or the program).
        for f, chain in zip(owners, _chains(containers, owners), strict=True):
            f.chain = chain


def _chains(containers: list[Container], facts: list[Assignment]) -> list[Chain]:
    """Chains of facts from possibly different capture versions: per segment."""
    out: list[Chain] = []
    root = containers[0]
    i = 0
    while i < len(facts):
        seg = facts[i].anchor
        j = i
        while j < len(facts) and facts[j].anchor is seg:
            j += 1
        if isinstance(seg, Segment) and not seg.containers:
            out.extend([(root,)] * (j - i))  # a plain top-level statement
            i = j
            continue
        own = [root, *(seg.containers if isinstance(seg, Segment) else ())]
        group = facts[i:j]
        # Capture offsets: compare raw (un-shifted) positions.
        raw = [_Raw(c) for c in own]
        chains = enclosing(raw, [(f._start, f._end) for f in group])  # type: ignore[arg-type]
        out.extend(tuple(r.c for r in chain) for chain in chains)  # type: ignore[attr-defined]
        i = j
    return out


class _Raw:
    """A container seen at its capture offsets (for ``enclosing``)."""

    __slots__ = ("c", "end", "start")

    def __init__(self, c: Container) -> None:
        self.c = c
        self.start = c._start
        self.end = c._end


class _Shifted:
    """Text of captured nodes from the current bytes (``node_text``/``node_range``)."""

    __slots__ = ("delta", "doc")

    def __init__(self, doc: PowerShellDocument, delta: int) -> None:
        self.doc = doc
        self.delta = delta

    def node_text(self, node: Node) -> str:
        d = self.delta
        return self.doc.slice(node.start_byte + d, node.end_byte + d)

    def node_range(self, node: Node) -> Range:
        d = self.delta
        return self.doc.range(node.start_byte + d, node.end_byte + d)


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    # Two commands never start at the same byte.
    return sorted(nodes, key=lambda n: n.start_byte)
