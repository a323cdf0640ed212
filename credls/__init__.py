"""credls: a language server and headless linter for AWS credentials."""

__version__ = "0.1.0"
