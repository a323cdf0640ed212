"""``python -m credls``."""

from credls.cli import main

raise SystemExit(main())
