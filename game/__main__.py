"""``python -m game``: the same as the ``standing`` command."""

from game.cli import main

raise SystemExit(main())
