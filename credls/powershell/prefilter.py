"""A cheap, conservative test on a script's raw bytes: does it need the parser?

``credls check`` parses a ``.ps1`` only when it may hold an AWS cmdlet call
(one that ``find_calls`` would find) or a credential literal (what
``credls.scan`` looks for). This never analyses PowerShell: it looks for
anchors every such call or literal must contain, on lower-cased bytes:

* ``aws`` — every credential cmdlet (``Set-AWSCredential``, ``Get-DefaultAWSRegion``,
  ``Invoke-AWSSSOLogin`` …), the plural legacy aliases, the ``AWSPowerShell`` /
  ``AWS.Tools.*`` module qualifiers, ``$env:AWS_PROFILE`` (CRED410);
* ``-<service noun prefix><letter or digit>`` — every service cmdlet
  (``Get-EC2Instance``, ``write-s3object``), as ``catalog.service_prefix`` accepts it;
* the remaining catalog names and aliases spelled out (``STS-AssumeRole``);
* the anchors of ``credls.scan.prefilter`` (access key ID prefixes, secret and
  token names, credential parameters).

Text that is not UTF-8 or ASCII-compatible (UTF-16/32, with NUL bytes) is never
skipped: its anchors would not be visible as bytes.
"""

from __future__ import annotations

import re

from credls.powershell.catalog import (
    _OTHER_CMDLETS,
    CREDENTIAL_CMDLETS,
    LEGACY_ALIASES,
    SERVICE_PREFIXES,
)
from credls.scan.prefilter import may_hold_credentials


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation shaped as a trie: at most one branch tried per letter."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?"
        return body

    return emit(tree)


# After the prefix, ``service_prefix`` wants an upper-case letter, or any letter
# after a prefix ending in a digit (``ec2instance``); the prefix itself is
# matched in any case. Non-ASCII bytes are allowed too (``Ü`` is upper case).
_LETTER_END = [p.lower() for p in SERVICE_PREFIXES if not p[-1].isdigit()]
_DIGIT_END = [p.lower() for p in SERVICE_PREFIXES if p[-1].isdigit()]
_SERVICE_CALL = re.compile(
    (
        "-(?:(?i:"
        + _trie_pattern(_LETTER_END)
        + ")[A-Z\x80-\xff]|(?i:"
        + _trie_pattern(_DIGIT_END)
        + ")[A-Za-z\x80-\xff])"
    ).encode("latin-1")
)


def _spelled_names() -> tuple[bytes, ...]:
    """Catalog names and aliases that neither ``aws`` nor a service prefix covers."""
    names = [*CREDENTIAL_CMDLETS, *_OTHER_CMDLETS, *LEGACY_ALIASES]
    out = []
    for name in names:
        raw = name.encode()
        if b"aws" not in raw.lower() and _SERVICE_CALL.search(raw) is None:
            out.append(raw.lower())
    return tuple(out)


_SPELLED = _spelled_names()


def may_need_analysis(data: bytes) -> bool:
    """False only when ``data`` can hold no AWS cmdlet call and no credential literal."""
    if b"\x00" in data:
        return True  # UTF-16/32: anchors are not contiguous bytes
    folded = data.lower()
    if b"aws" in folded or _SERVICE_CALL.search(data) is not None:
        return True
    if any(name in folded for name in _SPELLED):
        return True
    return may_hold_credentials(data)


__all__ = ["may_need_analysis"]
