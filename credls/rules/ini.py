"""Rules: ini (being written)."""
