"""Occurrences of schedules, checked against independent zoneinfo arithmetic and a brute force."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from action_svc.domain.schedule import (
    AnySchedule,
    next_occurrence,
    occurrence_id,
    occurrences_between,
)
from action_svc.domain.timing import CronSchedule, EveryDay, EveryHours, EveryWeek

MALTA = ZoneInfo("Europe/Malta")  # 2026: CET->CEST 03-29 02:00, CEST->CET 10-25 03:00


def utc(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, us, tzinfo=UTC)


def local(
    zone: ZoneInfo, y: int, m: int, d: int, h: int, mi: int = 0, *, fold: int = 0
) -> datetime:
    """The UTC instant of a local wall time (fold=1: the second pass of a repeated hour)."""
    return datetime(y, m, d, h, mi, tzinfo=zone, fold=fold).astimezone(UTC)


def test_daily_stays_at_local_time_across_both_dst_changes() -> None:
    daily = EveryDay(at="09:00", timezone="Europe/Malta")
    spring = occurrences_between(daily, utc(2026, 3, 26), utc(2026, 4, 1))
    assert spring == [local(MALTA, 2026, 3, d, 9, 0) for d in range(26, 32)]
    # Same wall time, different UTC hour on each side of the change.
    assert [o.hour for o in spring] == [8, 8, 8, 7, 7, 7]
    autumn = occurrences_between(daily, utc(2026, 10, 23), utc(2026, 10, 28))
    assert [o.astimezone(MALTA).time().isoformat() for o in autumn] == ["09:00:00"] * 5
    assert [o.hour for o in autumn] == [7, 7, 8, 8, 8]
    assert all(o.tzinfo is UTC for o in autumn)


def test_time_skipped_by_spring_forward_fires_once_at_same_elapsed_moment() -> None:
    daily = EveryDay(at="02:30", timezone="Europe/Malta")
    found = occurrences_between(daily, utc(2026, 3, 28), utc(2026, 3, 30, 12))
    # 02:30 does not exist on 29 March: it fires at 01:30 UTC, which Malta shows as 03:30.
    assert found == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    assert found[1].astimezone(MALTA).strftime("%H:%M") == "03:30"


def test_time_repeated_by_fall_back_fires_only_on_first_pass() -> None:
    daily = EveryDay(at="02:30", timezone="Europe/Malta")
    found = occurrences_between(daily, utc(2026, 10, 24), utc(2026, 10, 26, 12))
    first_pass = local(MALTA, 2026, 10, 25, 2, 30, fold=0)
    assert first_pass == utc(2026, 10, 25, 0, 30)
    assert found == [utc(2026, 10, 24, 0, 30), first_pass, utc(2026, 10, 26, 1, 30)]
    # Asked from inside the repeated hour, the next one is the next day's.
    assert next_occurrence(daily, utc(2026, 10, 25, 1, 10)) == utc(2026, 10, 26, 1, 30)


def test_weekly_in_new_york_across_dst() -> None:
    ny = ZoneInfo("America/New_York")
    weekly = EveryWeek(weekday="monday", at="08:15", timezone="America/New_York")
    found = occurrences_between(weekly, utc(2026, 2, 25), utc(2026, 3, 24))
    mondays = [datetime(2026, 3, 2) + timedelta(weeks=i) for i in range(4)]
    assert found == [local(ny, m.year, m.month, m.day, 8, 15) for m in mondays]
    assert [o.hour for o in found] == [13, 12, 12, 12]  # EST, then EDT from 8 March
    # From exactly an occurrence, the next is a week later.
    assert next_occurrence(weekly, found[0]) == found[1]


_DAYS = {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}


def _values(field: str, low: int, high: int) -> set[int]:
    """The values of one cron field: *, */n, a, a-b, a-b/n, lists; day names."""
    found: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = low, high
        else:
            a, _, b = span.partition("-")
            first = _DAYS[a] if a in _DAYS else int(a)
            last = (_DAYS[b] if b in _DAYS else int(b)) if b else first
        found.update(range(first, last + 1, int(step or 1)))
    return found


def _matcher(expr: str) -> Callable[[datetime], bool]:
    """An independent matcher for the expressions below (no day-of-month/week OR needed)."""
    minute, hour, dom, month, dow = expr.split()
    sets = [
        _values(minute, 0, 59), _values(hour, 0, 23), _values(dom, 1, 31),
        _values(month, 1, 12), {d % 7 for d in _values(dow, 0, 7)},
    ]  # fmt: skip
    assert dom == "*" or dow == "*"

    def match(w: datetime) -> bool:
        values = (w.minute, w.hour, w.day, w.month, (w.weekday() + 1) % 7)
        return all(v in allowed for v, allowed in zip(values, sets, strict=True))

    return match


def _brute_force(expr: str, zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Every matching local wall minute, fired once at its fold=0 instant, within (start, end]."""
    match = _matcher(expr)
    wall = start.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0) - timedelta(hours=3)
    last = end.astimezone(zone).replace(tzinfo=None) + timedelta(hours=3)
    found: set[datetime] = set()
    while wall <= last:
        if match(wall):
            moment = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
            if start < moment <= end:
                found.add(moment)
        wall += timedelta(minutes=1)
    return sorted(found)


@pytest.mark.parametrize(
    ("expr", "zone", "start"),
    [
        ("30 * * * *", "Europe/Malta", utc(2026, 3, 28, 12)),
        ("30 * * * *", "Europe/Malta", utc(2026, 10, 24, 12)),
        ("*/20 1-3 * * *", "Europe/Malta", utc(2026, 10, 24, 12)),
        ("*/20 1-3 * * *", "Europe/Malta", utc(2026, 3, 28, 12)),
        ("0 9 * * mon-fri", "America/New_York", utc(2026, 3, 5)),
        ("0 9 * * 7", "America/New_York", utc(2026, 3, 6)),  # 7 is Sunday too
        ("15,45 1,2 * * *", "America/New_York", utc(2026, 10, 31)),
        ("*/15 1-3 * * *", "Australia/Lord_Howe", utc(2026, 4, 4)),  # 30-minute DST shift
        ("*/15 1-3 * * *", "Australia/Lord_Howe", utc(2026, 10, 3)),
        ("0 0 1,15 * *", "Asia/Kolkata", utc(2026, 1, 13)),
        ("0 12 * * 0", "UTC", utc(2026, 1, 1, 12)),
    ],
)
def test_cron_matches_brute_force(expr: str, zone: str, start: datetime) -> None:
    schedule = CronSchedule(cron=expr, timezone=zone)
    end = start + timedelta(days=3)
    expected = _brute_force(expr, ZoneInfo(zone), start, end)
    assert expected, "the window should contain occurrences"
    assert occurrences_between(schedule, start, end) == expected


def test_cron_in_utc_cross_checked_by_hand() -> None:
    weekdays = CronSchedule(cron="0 9 * * 1-5", timezone="UTC")
    found = occurrences_between(weekdays, utc(2026, 1, 1), utc(2026, 1, 31))
    expected = [utc(2026, 1, d, 9) for d in range(1, 32) if datetime(2026, 1, d).weekday() < 5]
    assert found == expected
    assert next_occurrence(CronSchedule(cron="@daily", timezone="UTC"), utc(2026, 1, 1)) == (
        utc(2026, 1, 2)
    )


def test_every_hours_anchored_on_starting_at_or_epoch() -> None:
    start = utc(2026, 1, 1, 10, 17)
    every5 = EveryHours(hours=5, starting_at=start)
    assert next_occurrence(every5, utc(2025, 1, 1)) == start  # not yet started
    assert next_occurrence(every5, start) == start + timedelta(hours=5)
    later = utc(2026, 6, 1, 3, 3, 3)
    nxt = next_occurrence(every5, later)
    assert (nxt - start) % timedelta(hours=5) == timedelta(0)
    assert nxt - timedelta(hours=5) <= later < nxt
    # Without starting_at the grid is whole hours since the epoch: 00:00 UTC for 24 hours.
    daily = EveryHours(hours=24)
    assert next_occurrence(daily, utc(2026, 3, 29, 0, 0, 1)) == utc(2026, 3, 30)
    # Elapsed time, not wall time: DST does not move it.
    assert [o.hour for o in occurrences_between(daily, utc(2026, 3, 27), utc(2026, 4, 1))] == [
        0
    ] * 5


def test_occurrences_between_is_half_open_and_limited() -> None:
    hourly = EveryHours(hours=1)
    found = occurrences_between(hourly, utc(2026, 1, 1, 0), utc(2026, 1, 1, 3))
    assert found == [utc(2026, 1, 1, 1), utc(2026, 1, 1, 2), utc(2026, 1, 1, 3)]
    assert occurrences_between(hourly, utc(2026, 1, 1), utc(2026, 2, 1), limit=2) == found[:2]
    assert occurrences_between(hourly, utc(2026, 1, 1, 3), utc(2026, 1, 1, 3)) == []
    with pytest.raises(ValueError):
        occurrences_between(hourly, utc(2026, 1, 1), utc(2026, 1, 2), limit=-1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        next_occurrence(EveryHours(hours=1), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="no time zone"):
        occurrence_id(datetime(2026, 1, 1))


def test_occurrence_id() -> None:
    assert occurrence_id(utc(2026, 12, 3, 9)) == "2026-12-03T09:00:00Z"
    assert occurrence_id(local(MALTA, 2026, 12, 3, 10)) == "2026-12-03T09:00:00Z"
    assert occurrence_id(utc(2026, 12, 3, 9, 0, 0, 1500)) == "2026-12-03T09:00:00.001500Z"


SCHEDULES: list[AnySchedule] = [
    EveryHours(hours=7, starting_at=utc(2026, 3, 29, 0, 59, 30)),
    EveryHours(hours=1),
    EveryDay(at="02:30", timezone="Europe/Malta"),
    EveryDay(at="00:00", timezone="Pacific/Apia"),
    EveryWeek(weekday="sunday", at="01:30", timezone="America/New_York"),
    CronSchedule(cron="*/7 1-3 * * *", timezone="Australia/Lord_Howe"),
    CronSchedule(cron="0 2 29 2 *", timezone="Europe/London"),
    CronSchedule(cron="30 2 * 3,10 0", timezone="Europe/Malta"),
]


@settings(max_examples=300, deadline=None)
@given(
    schedule=st.sampled_from(SCHEDULES),
    after=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1)),
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_next_occurrence_is_the_least_later_occurrence(
    schedule: AnySchedule, after: datetime, fraction: float
) -> None:
    after = after.replace(tzinfo=UTC)
    first = next_occurrence(schedule, after)
    second = next_occurrence(schedule, first)
    assert after < first < second
    assert first.tzinfo is UTC
    # Nothing fires in between: any moment in [after, first) leads to the same occurrence.
    # (timedelta * float rounds to microseconds: keep the moment strictly before ``first``)
    between = min(after + (first - after) * fraction, first - timedelta(microseconds=1))
    assert next_occurrence(schedule, between) == first
