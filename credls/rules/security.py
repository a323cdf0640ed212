"""Rules: security (being written)."""
