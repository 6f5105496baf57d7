"""Next runs of daily and weekly schedules in a time zone, and the on-change debounce."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from export_svc.domain.jobs import Phase, Progress, file_name
from export_svc.domain.schedules import Recurrence, change_due, check_recurrence, next_run
from segshared.rules import RuleError

MALTA = ZoneInfo("Europe/Malta")


def test_daily_runs_at_local_time_through_daylight_saving() -> None:
    rec = Recurrence("daily", time(8, 0), None, "Europe/Malta")
    before = datetime(2026, 3, 28, 8, 0, tzinfo=MALTA)  # CET, UTC+1
    after = next_run(rec, before.astimezone(UTC))  # strictly after: the next day
    assert after == datetime(2026, 3, 29, 8, 0, tzinfo=MALTA)  # CEST, UTC+2
    assert after is not None and after.utcoffset() == timedelta(0)
    assert after.hour == 6


def test_weekly_runs_on_its_weekday() -> None:
    rec = check_recurrence("weekly", "23:30", "Sunday", "America/New_York")
    start = datetime(2026, 1, 7, tzinfo=UTC)  # a Wednesday
    first = next_run(rec, start)
    assert first is not None
    local = first.astimezone(ZoneInfo("America/New_York"))
    assert (local.weekday(), local.hour, local.minute) == (6, 23, 30)
    second = next_run(rec, first)
    assert second is not None and second - first == timedelta(days=7)


def test_a_nonexistent_local_time_runs_after_the_gap() -> None:
    rec = Recurrence("daily", time(2, 30), None, "Europe/Malta")
    run = next_run(rec, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert run is not None and run.astimezone(MALTA).hour == 3


@pytest.mark.parametrize(
    ("kind", "at", "weekday", "zone", "where"),
    [("daily", None, None, None, "at"), ("daily", "25:00", None, None, "at"),
     ("weekly", "08:00", "someday", None, "weekday"),
     ("daily", "08:00", None, "Mars/Base", "timezone")],
)  # fmt: skip
def test_bad_recurrences_name_their_part(
    kind: str, at: str | None, weekday: str | None, zone: str | None, where: str
) -> None:
    with pytest.raises(RuleError) as err:
        check_recurrence(kind, at, weekday, zone)  # type: ignore[arg-type]
    assert err.value.path == where


def test_change_debounce_and_max_delay() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    d, m = timedelta(seconds=60), timedelta(seconds=300)
    assert not change_due(first_change=None, last_change=None, now=t0, debounce=d, max_delay=m)
    kw = {"debounce": d, "max_delay": m}
    assert not change_due(first_change=t0, last_change=t0 + timedelta(seconds=30),
                          now=t0 + timedelta(seconds=89), **kw)  # fmt: skip
    assert change_due(first_change=t0, last_change=t0 + timedelta(seconds=30),
                      now=t0 + timedelta(seconds=90), **kw)  # fmt: skip
    assert change_due(first_change=t0, last_change=t0 + timedelta(seconds=299),
                      now=t0 + timedelta(seconds=300), **kw)  # fmt: skip


def test_progress_and_file_names() -> None:
    assert Progress(Phase.READING, 200, 100, 100, sorted=False).percent == 50.0
    assert Progress(Phase.READING, 200, 200, 0, sorted=True).percent == 50.0
    assert Progress(Phase.WRITING, 200, 200, 200, sorted=True).percent == 99.9
    assert Progress(Phase.DONE, 0, 0, 0, sorted=True).percent == 100.0
    at = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    name = file_name(kind="segment", source_id=5, name="VIPs at risk!", at=at, token="ab12")
    assert name == "segment-5-vips-at-risk-20260131T120000Z-ab12.csv"
