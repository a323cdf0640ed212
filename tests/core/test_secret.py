"""Secrets never show in str/repr; key IDs are masked as first four and last four."""

from __future__ import annotations

import pytest

from credls.secret import Secret, mask_key_id


def test_secret_is_opaque() -> None:
    s = Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz")
    assert "wJalr" not in str(s) and "wJalr" not in repr(s) and "wJalr" not in f"{s}"
    assert "wJalr" not in repr([s]) and "wJalr" not in repr({"k": s})
    assert s.reveal().startswith("wJalr")
    assert s == Secret(s.reveal()) and s != s.reveal()
    assert not Secret("")


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "AKIA…MPLE"),
        ("ASIA2345234523452345", "ASIA…2345"),
        ("short", "*****"),
        ("", ""),
    ],
)
def test_mask_key_id(key: str, masked: str) -> None:
    assert mask_key_id(key) == masked
