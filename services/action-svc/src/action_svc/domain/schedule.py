"""When a schedule fires: occurrences as aware UTC datetimes, correct across DST changes.

Day, week and cron schedules are wall-clock schedules: "09:00 Europe/Malta" stays at 09:00
local time through DST. Each local wall time fires at most once, so:
- a time skipped by spring-forward (02:30 on the change night) fires at the same elapsed
  moment, which the clock shows as 03:30 (zoneinfo's fold=0 reading); a send is never lost;
- a time repeated by fall-back fires only on its first pass (fold=0); a send is never doubled.
Cron reads day-of-month and day-of-week with the classic OR rule when both are restricted.
``every hours`` is elapsed time, anchored at ``starting_at`` (or the epoch), so a restart
computes the same grid instead of drifting from the time the service came up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter  # type: ignore[import-untyped]

from action_svc.domain.timing import WEEKDAYS, CronSchedule, EveryDay, EveryHours, EveryWeek

AnySchedule = EveryHours | EveryDay | EveryWeek | CronSchedule
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Fall-back repeats at most a few hours of wall time; a per-minute cron needs ~60 steps per hour.
_MAX_STEPS = 10_000


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime")
    return moment.astimezone(UTC)


def _hours_next(schedule: EveryHours, after: datetime) -> datetime:
    anchor = _require_aware(schedule.starting_at) if schedule.starting_at else EPOCH
    if after < anchor:
        return anchor
    period = timedelta(hours=schedule.hours)
    # timedelta // timedelta is exact integer arithmetic: no float drift after years.
    return anchor + ((after - anchor) // period + 1) * period


def _clock(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def _daily(at: time) -> Callable[[datetime], datetime]:
    def step(wall: datetime) -> datetime:
        candidate = datetime.combine(wall.date(), at)
        return candidate if candidate > wall else candidate + timedelta(days=1)

    return step


def _weekly(weekday: int, at: time) -> Callable[[datetime], datetime]:
    def step(wall: datetime) -> datetime:
        day: date = wall.date() + timedelta(days=(weekday - wall.weekday()) % 7)
        candidate = datetime.combine(day, at)
        return candidate if candidate > wall else candidate + timedelta(days=7)

    return step


def _cron(expr: str) -> Callable[[datetime], datetime]:
    def step(wall: datetime) -> datetime:
        result: datetime = croniter(expr, wall).get_next(datetime)
        return result

    return step


def _wall_next(step: Callable[[datetime], datetime], zone: ZoneInfo, after: datetime) -> datetime:
    """The first wall time after ``after`` whose fold=0 reading is later than ``after``."""
    wall = after.astimezone(zone).replace(tzinfo=None)
    for _ in range(_MAX_STEPS):
        wall = step(wall)
        moment = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        # In a fall-back's second pass, wall times read with fold=0 lie in the past: skip them.
        if moment > after:
            return moment
    raise RuntimeError(f"no occurrence found after {after.isoformat()} in {_MAX_STEPS} steps")


def next_occurrence(schedule: AnySchedule, after: datetime) -> datetime:
    """The first occurrence strictly after ``after``, as an aware UTC datetime."""
    after = _require_aware(after)
    if isinstance(schedule, EveryHours):
        return _hours_next(schedule, after)
    zone = ZoneInfo(schedule.timezone)
    if isinstance(schedule, EveryDay):
        step = _daily(_clock(schedule.at))
    elif isinstance(schedule, EveryWeek):
        step = _weekly(WEEKDAYS.index(schedule.weekday), _clock(schedule.at))
    else:
        step = _cron(schedule.cron)
    return _wall_next(step, zone, after)


def occurrences_between(
    schedule: AnySchedule, start: datetime, end: datetime, limit: int = 1000
) -> list[datetime]:
    """Occurrences ``t`` with ``start < t <= end``, oldest first, at most ``limit`` of them.

    The half-open window lets a scheduler run ``(last_run, now]`` repeatedly with no gap and
    no repeat.
    """
    if limit < 0:
        raise ValueError("limit must be >= 0")
    end = _require_aware(end)
    found: list[datetime] = []
    moment = _require_aware(start)
    while len(found) < limit:
        moment = next_occurrence(schedule, moment)
        if moment > end:
            break
        found.append(moment)
    return found


def occurrence_id(moment: datetime) -> str:
    """Stable UTC text of an occurrence, e.g. "2026-12-03T09:00:00Z" (microseconds if any)."""
    utc = _require_aware(moment)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"
