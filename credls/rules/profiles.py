"""Rules: profiles (being written)."""
