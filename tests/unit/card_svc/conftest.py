"""Import paths for card-svc unit tests: the checkout root (`tests.oracle`) and this folder
(`card_svc_events`); the bare `pytest` script adds neither."""

import sys
from pathlib import Path

for _path in (Path(__file__).resolve().parents[3], Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
