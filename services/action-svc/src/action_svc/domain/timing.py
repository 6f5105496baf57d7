"""Recurrence definitions of scheduled actions, validated with messages that say what to fix."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Literal

from croniter import (  # type: ignore[import-untyped]
    CroniterBadDateError,
    croniter,
)
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
MAX_HOURS = 8760
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_CRON_FIELDS = ("minute", "hour", "day of month", "month", "day of week")
_CRON_RANGES = ("0-59", "0-23", "1-31", "1-12 or jan-dec", "0-7 or sun-sat")
_BRACKETED = re.compile(r"^\[[^\]]*\]\s*")  # croniter repeats the expression; we name the field
_CRON_ALIASES = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"})
# A fixed reference keeps validation independent of the wall clock.
_REFERENCE = datetime(2000, 1, 1)


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(name: str) -> str:
    """``name`` when it is an IANA time zone, else ValueError suggesting the closest."""
    if name in _zone_names():
        return name
    close = difflib.get_close_matches(name, sorted(_zone_names()), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ", e.g. 'Europe/Malta' or 'UTC'"
    raise ValueError(f"{name!r} is not an IANA time zone{hint}")


def check_time_of_day(text: str) -> str:
    """``text`` as HH:MM (24-hour), else ValueError."""
    match = _TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{text!r} is not a time of day; use 24-hour HH:MM, e.g. '09:00'")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _bad_cron(expr: str, why: str) -> ValueError:
    return ValueError(f"{expr!r} is not a valid cron expression: {why}")


def check_cron(expr: str) -> str:
    """``expr`` when it is a 5-field cron expression (or @daily...) that ever fires."""
    expr = " ".join(expr.split())
    if expr.startswith("@"):
        if expr not in _CRON_ALIASES:
            raise _bad_cron(expr, f"the aliases are {', '.join(sorted(_CRON_ALIASES))}")
    elif len(expr.split(" ")) != 5:
        raise _bad_cron(
            expr, "write 5 fields: minute hour day-of-month month day-of-week, e.g. '0 9 * * 1'"
        )
    else:
        # Check fields one at a time so the message names the wrong one.
        for i, (part, name) in enumerate(zip(expr.split(" "), _CRON_FIELDS, strict=True)):
            probe = ["*"] * 5
            probe[i] = part
            try:
                croniter(" ".join(probe), _REFERENCE)
            except (ValueError, KeyError) as exc:
                why = _BRACKETED.sub("", str(exc)).removeprefix("is ") or "not understood"
                raise _bad_cron(
                    expr,
                    f"the {name} field {part!r} is invalid ({why}); allowed: {_CRON_RANGES[i]}",
                ) from None
    try:
        croniter(expr, _REFERENCE).get_next(datetime)
    except CroniterBadDateError:
        raise _bad_cron(expr, "it never fires (no such date, e.g. February 30)") from None
    except (ValueError, KeyError) as exc:
        raise _bad_cron(expr, str(exc)) from None
    return expr


TimeZone = Annotated[str, AfterValidator(check_timezone)]
TimeOfDay = Annotated[str, AfterValidator(check_time_of_day)]
CronExpr = Annotated[str, Field(max_length=200), AfterValidator(check_cron)]


class _Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EveryHours(_Schedule):
    """Every N hours, counted from ``starting_at`` (default: the Unix epoch, on the hour)."""

    every: Literal["hours"] = "hours"
    hours: int = Field(ge=1, le=MAX_HOURS)
    starting_at: AwareDatetime | None = None


class EveryDay(_Schedule):
    """Every day at a local wall-clock time."""

    every: Literal["day"] = "day"
    at: TimeOfDay
    timezone: TimeZone


class EveryWeek(_Schedule):
    """Every week on a weekday at a local wall-clock time."""

    every: Literal["week"] = "week"
    weekday: Weekday
    at: TimeOfDay
    timezone: TimeZone


class CronSchedule(_Schedule):
    """A 5-field cron expression read in a time zone's wall-clock time."""

    every: Literal["cron"] = "cron"
    cron: CronExpr
    timezone: TimeZone


Schedule = Annotated[EveryHours | EveryDay | EveryWeek | CronSchedule, Field(discriminator="every")]
