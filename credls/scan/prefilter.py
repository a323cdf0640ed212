"""A cheap test on raw bytes: can this file hold anything ``scan`` would report?

Most files of a repository hold no credential at all; they must cost a few
searches in C, with no decoding and no per-line Python. Every finding of
``credls.scan.literals`` has an anchor (an access key ID's prefix, a name, a
parameter, a session token's fixed header); this looks for the same anchors,
loosened where that makes the pattern cheaper, so it rejects a file only when
``scan`` would find nothing in it (tests/security: a property test holds it to
that). Each pattern starts with one literal character and each branch after it
with a literal or a class: ``re`` then jumps between candidates in C and rejects
most of them without entering a branch.
"""

from __future__ import annotations

import re

from credls.scan.literals import STS_TOKEN_MARK

_AKID_PREFIX = re.compile(rb"A[KSBC][IC]A")
_STS_MARK = STS_TOKEN_MARK.encode()
# On lower-cased bytes: the scanner's names (``literals._NAMES``) and credential
# parameters (``literals._PARAM``) that hold an "s":
#   secret…, -secretk…, -secreta…          "secret"
#   session token, -sessiont…              "session" + "token" or "t" after "-session"
#   security token                         "security" + "token"
#   access key, -accessk…                  "k" after "access", "key" after "access" + one
#   -sk, -st, splat keys SK = / ST =       "sk"/"st" not inside a word, then a separator
_S_ANCHORS = re.compile(
    rb"s(?:e(?:cret|ssion(?:[ _-]?token|t(?<=-sessiont))|curity[ _-]?token)"
    rb"|k(?<=accessk)|[ _-]key(?<=access[ _-]key)"
    rb"|[kt](?<![\w$.]s[kt])(?=[\s:=`]))"
)
_AK = re.compile(rb"-ak[:\s`]")


def may_hold_credentials(data: bytes) -> bool:
    """False only when ``scan`` cannot find anything in ``data`` decoded as UTF-8."""
    if _AKID_PREFIX.search(data) is not None or _STS_MARK in data:
        return True
    folded = data.lower()
    return _S_ANCHORS.search(folded) is not None or _AK.search(folded) is not None
