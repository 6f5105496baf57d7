"""``python -m playerseg``: same as the ``playerseg`` console script."""

from playerseg.cli import main

raise SystemExit(main())
