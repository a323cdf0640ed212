"""Rules: cmdlets (being written)."""
