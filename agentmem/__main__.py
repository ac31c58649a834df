"""``python -m agentmem`` runs the command line (see :mod:`agentmem.cli`)."""

from .cli import main

raise SystemExit(main())
