"""Fast literal-credential scanning: shapes and names, no parsing.

``scan(text)`` finds literal AWS access key IDs, secret keys and session tokens;
``may_hold_credentials(bytes)`` rules out most files before any decoding.
"""

from credls.scan.literals import LiteralFinding, LiteralKind, scan
from credls.scan.prefilter import may_hold_credentials
from credls.scan.values import ValueClass, classify

__all__ = [
    "LiteralFinding",
    "LiteralKind",
    "ValueClass",
    "classify",
    "may_hold_credentials",
    "scan",
]
