"""``python -m assistant``: the same entry point as the ``podtalk`` console script."""

from assistant.cli import main

raise SystemExit(main())
