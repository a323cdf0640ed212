"""A cheap test on raw bytes: can this file hold anything ``scan`` would report?

Most files of a repository hold no credential at all; they must cost a few
searches in C, with no decoding and no per-line Python. Every finding of
``credls.scan.literals`` has an anchor (an access key ID's prefix, a name, a
parameter, a session token's fixed header); this looks for the same anchors,
so it rejects a file only when ``scan`` would find nothing in it. Each pattern
starts with one literal character: ``re`` then jumps between candidates with
``memchr`` (an alternation up front would make it try every position).
"""

from __future__ import annotations

import re

from credls.scan.literals import NAME_BRANCHES, STS_TOKEN_MARK

_AKID_PREFIX = re.compile(rb"A[KSBC][IC]A")
_STS_MARK = STS_TOKEN_MARK.encode()
# On lower-cased bytes: the scanner's names, plus its credential parameters
# (-sk, -st, -sessiont…, -accessk…; -secretk… holds "secret"; -ak has no "s").
_PARAMETER_BRANCHES = (
    r"(?<=-s)[kt][:\s`]",
    r"(?<=-s)essiont(?:o(?:k(?:en?)?)?)?[:\s`]",
    r"(?<=-access)k(?:ey?)?[:\s`]",
)
_S_ANCHORS = re.compile(("s(?:" + "|".join(NAME_BRANCHES + _PARAMETER_BRANCHES) + ")").encode())
_AK = re.compile(rb"-ak[:\s`]")


def may_hold_credentials(data: bytes) -> bool:
    """False only when ``scan`` cannot find anything in ``data`` decoded as UTF-8."""
    if _AKID_PREFIX.search(data) is not None or _STS_MARK in data:
        return True
    folded = data.lower()
    return _S_ANCHORS.search(folded) is not None or _AK.search(folded) is not None
