"""Editor features; each module's ``register(server)`` attaches its LSP handlers."""
