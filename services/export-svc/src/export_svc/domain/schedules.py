"""When scheduled and on-change exports are due. Pure: every function takes ``now``.

A schedule runs daily or weekly at a wall-clock time in an IANA time zone, so "every Monday
08:00 Europe/Malta" stays 08:00 local across daylight-saving changes. A local time that does
not exist (spring forward) runs at the same wall time shifted by the gap (02:30 -> 03:30); one
that occurs twice (fall back) runs at the first. On-change exports are debounced: they run
once changes have stopped for ``debounce`` seconds, or ``max_delay`` after the first change
not yet exported, whichever is sooner, so a segment that never stops moving is still exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from segshared.rules import RuleError

Kind = Literal["daily", "weekly", "on_change"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Recurrence:
    kind: Kind
    at: time | None = None
    weekday: int | None = None  # 0 = Monday
    timezone: str = "UTC"


def check_recurrence(
    kind: Kind, at: str | None, weekday: str | None, timezone: str | None
) -> Recurrence:
    """The recurrence of a request, or RuleError naming the bad part."""
    tz = timezone or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError("timezone", f"unknown time zone {tz!r}; e.g. Europe/Malta") from None
    if kind == "on_change":
        return Recurrence(kind, timezone=tz)
    if at is None:
        raise RuleError("at", f"a {kind} schedule needs a time, e.g. 08:00")
    try:
        when = time.fromisoformat(at)
    except ValueError:
        raise RuleError("at", f"{at!r} is not a time of day like 08:00") from None
    day: int | None = None
    if kind == "weekly":
        if weekday is None or weekday.lower() not in WEEKDAYS:
            raise RuleError("weekday", f"a weekly schedule needs a weekday: {', '.join(WEEKDAYS)}")
        day = WEEKDAYS.index(weekday.lower())
    return Recurrence(kind, when.replace(tzinfo=None), day, tz)


def next_run(rec: Recurrence, after: datetime) -> datetime | None:
    """The first run strictly after ``after`` (UTC); None for on-change exports."""
    if rec.kind == "on_change" or rec.at is None:
        return None
    zone = ZoneInfo(rec.timezone)
    local_day = after.astimezone(zone).date()
    for offset in range(0, 9):
        day = local_day + timedelta(days=offset)
        if rec.kind == "weekly" and day.weekday() != rec.weekday:
            continue
        # Wall time in the zone -> UTC; fold=0 picks the first of a repeated hour.
        candidate = datetime.combine(day, rec.at, tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a daily or weekly time recurs within 8 days")  # pragma: no cover


def change_due(
    *,
    first_change: datetime | None,
    last_change: datetime | None,
    now: datetime,
    debounce: timedelta,
    max_delay: timedelta,
) -> bool:
    """Whether pending membership changes should be exported now."""
    if first_change is None or last_change is None:
        return False
    return now - last_change >= debounce or now - first_change >= max_delay
