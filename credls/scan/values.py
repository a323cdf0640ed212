"""What a literal key value is: a real-looking key, a placeholder, an example or a template.

``rules.md`` (CRED3xx, the paragraphs under the table): AWS documentation
example keys (value ends in ``EXAMPLE`` / ``EXAMPLEKEY``) are CRED306 instead of
CRED301-303; plain placeholders (spaces, ``<…>``, ``YOUR_…``, ``goes here``,
all ``X``) are still reported, at ``information``.
"""

from __future__ import annotations

import re
import string
from enum import Enum


class ValueClass(str, Enum):
    """How a literal value found in a key position reads."""

    KEY = "key"
    PLACEHOLDER = "placeholder"
    EXAMPLE = "example"


# Template and variable syntaxes of other tools: the value is a reference, not a literal
# (``{accesskey.value}``: a deployment tool's substitution; no key holds a brace).
_TEMPLATE = re.compile(r"\$\{|\{\{|\$\(|<%|^%[\w.-]+%$|^\$[A-Za-z_]|^\{[A-Za-z_][\w.:-]*\}$")
# Whole words (between non-alphanumerics), or "your" at the start ("YourKeyHere").
_PLACEHOLDER_WORDS = frozenset(
    {"your", "goes", "here", "placeholder", "changeme", "redacted", "replace", "insert", "todo"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Key prefixes that are part of the shape, not of the random body.
_AKID_PREFIXES = frozenset({"AKIA", "ASIA", "ABIA", "ACCA"})
_SEQUENTIAL_RUN = 6
_MIN_BODY = 8


def is_template(value: str) -> bool:
    """``${VAR}``, ``{{ x }}``, ``{x.value}``, ``$(cmd)``, ``<%= x %>``, ``%VAR%``, ``$var``:
    not a literal."""
    if "$" not in value and "{" not in value and "<" not in value and "%" not in value:
        return False  # the common case, without a regex search
    return _TEMPLATE.search(value) is not None


def is_example(value: str) -> bool:
    """An AWS documentation key (rules.md CRED306): ends in ``EXAMPLE`` or ``EXAMPLEKEY``.

    Documented session tokens carry ``EXAMPLE`` inside rather than at the end, so
    long values count when they contain it anywhere.
    """
    if value.endswith(("EXAMPLE", "EXAMPLEKEY")):
        return True
    return len(value) > 100 and "EXAMPLE" in value


def _runs(n: int) -> frozenset[str]:
    grams = {
        alphabet[i : i + n]
        for alphabet in ("0123456789", string.ascii_lowercase, string.ascii_uppercase)
        for i in range(len(alphabet) - n + 1)
    }
    return frozenset(grams | {g[::-1] for g in grams})


# "123456", "abcdef", "FEDCBA": typed, not generated.
_SEQUENTIAL = _runs(_SEQUENTIAL_RUN)
# Any run of 6 holds one of its 3-grams at a position divisible by 3.
_SEQUENTIAL_3 = _runs(3)
_CHUNKS_3 = re.compile(".{3}", re.S)


def _has_sequential_run(body: str) -> bool:
    body = body[:256]
    if _SEQUENTIAL_3.isdisjoint(_CHUNKS_3.findall(body)):
        return False  # the common case, decided in C
    n = _SEQUENTIAL_RUN
    return any(body[i : i + n] in _SEQUENTIAL for i in range(len(body) - n + 1))


def is_placeholder(value: str) -> bool:
    """A value that plainly stands in for a key the user is meant to paste.

    Spaces, ``<…>``, ``YOUR_…``, ``… goes here``, all ``X`` (after an access key
    prefix), very few distinct characters, or a run such as ``123456``/``abcdef``:
    none of these occur in a real, randomly generated key.
    """
    v = value.strip()
    if not v or v != value or " " in v or "\t" in v:
        return True
    if v.startswith("<") and v.endswith(">"):
        return True
    if has_placeholder_words(v):
        return True
    body = v[4:] if v[:4] in _AKID_PREFIXES else v
    if not body.strip("xX*.#_-"):
        return True
    if len(body) >= _MIN_BODY and len(set(body)) <= 3:
        return True
    return _has_sequential_run(body)


def has_placeholder_words(value: str) -> bool:
    """``YOUR_SECRET_KEY``, ``paste it here``, ``<replace me>``: words only a template uses."""
    low = value.lower()
    return low.startswith("your") or not _PLACEHOLDER_WORDS.isdisjoint(_NOT_ALNUM.split(low))


def classify(value: str) -> ValueClass:
    """Example keys win over placeholders: ``AKIAIOSFODNN7EXAMPLE`` is CRED306."""
    if is_example(value):
        return ValueClass.EXAMPLE
    if is_placeholder(value):
        return ValueClass.PLACEHOLDER
    return ValueClass.KEY
