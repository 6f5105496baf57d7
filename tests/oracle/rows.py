"""Reading the bustabit bets file into typed rows, with no dependency on the services."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BETS_PATH = REPO_ROOT / "data" / "bustabit" / "bets.csv.gz"
ORIGINAL_BETS_PATH = Path("/work/shared/data/bustabit/bets.csv")


@dataclass(frozen=True, slots=True)
class Row:
    """One bet of the file: a bet_placed plus its bet_settled outcome."""

    bet_id: int
    game_id: int
    player_id: str
    bet: float
    cashed_out: float | None
    bonus: float | None
    profit: float | None
    busted_at: float
    played_at: datetime

    @property
    def won(self) -> bool:
        """A bet is won iff the file gives it a profit (cashed_out alone does not decide)."""
        return self.profit is not None

    @property
    def bonus_paid(self) -> float:
        """Bonus in stake units: bet * bonus / 100, in that operation order, for won bets only."""
        if not self.won or self.bonus is None:
            return 0.0
        return self.bet * self.bonus / 100


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 instant; a value without zone is taken as UTC."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _optional(text: str | None) -> float | None:
    # Empty cells mean "absent" (a lost bet), not zero: bonus "0" on a won bet is a real value.
    if text is None or text.strip() == "":
        return None
    return float(text)


def parse_row(record: dict[str, str]) -> Row:
    """Turn one CSV record (header names as keys) into a Row."""
    return Row(
        bet_id=int(record["bet_id"]),
        game_id=int(record["game_id"]),
        player_id=record["player_id"].strip(),
        bet=float(record["bet"]),
        cashed_out=_optional(record.get("cashed_out")),
        bonus=_optional(record.get("bonus")),
        profit=_optional(record.get("profit")),
        busted_at=float(record["busted_at"]),
        played_at=parse_time(record["played_at"]),
    )


def _open_text(path: Path) -> io.TextIOBase:
    # Sniff the gzip magic rather than trusting the suffix, so renamed copies still load.
    with path.open("rb") as raw:
        magic = raw.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="")


def load_bets(path: str | Path = DEFAULT_BETS_PATH) -> list[Row]:
    """Read a bets CSV or CSV.gz, sorted by (played_at, bet_id as an integer)."""
    with _open_text(Path(path)) as handle:
        rows = [parse_row(record) for record in csv.DictReader(handle)]
    rows.sort(key=lambda row: (row.played_at, row.bet_id))
    return rows


def clock(rows: list[Row]) -> datetime:
    """The stream clock after replaying rows: the newest played_at."""
    if not rows:
        raise ValueError("no rows: the stream clock is undefined")
    return max(row.played_at for row in rows)
