"""Make `tests.oracle` importable when pytest is launched as a script rather than `python -m`."""

import sys
from pathlib import Path

# `python -m pytest` puts the working directory on sys.path, the bare `pytest` script does not;
# the oracle tests import `tests.oracle` from the checkout root either way.
_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
