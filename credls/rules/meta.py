"""Rules: meta (being written)."""
