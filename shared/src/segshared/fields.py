"""The player field registry: what a profile holds, which events change it, and its Redis codec.

Profile hashes in Redis hold every value as a string, so every service reads and writes them
through `encode_field_value` / `decode_field_value`: numbers as plain decimals ("12.5", "3"),
booleans "true"/"false", datetimes fixed-width ISO 8601 UTC with microseconds and "Z" (fixed width
keeps `SORT ... ALPHA` chronological). A missing value is an absent hash field, never a string.

A `profile_updated` change named like a profile field (country, email, ...) sets that field; any
other name sets the custom text field `attributes.<name>` (`profile_change_field`).
Count and total fields (`zero_default`) read 0 for a known player with no such events.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

FieldType = Literal["text", "number", "integer", "boolean", "datetime"]
FieldGroup = Literal["identity", "profile", "activity", "custom"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One player field as rules, tables and exports see it."""

    name: str
    label: str
    type: FieldType
    group: FieldGroup
    filterable: bool = True
    in_tables: bool = True
    is_metric: bool = False
    anonymized: bool = False
    description: str = ""
    zero_default: bool = False


#: The contract event types on player.events (segshared.contracts.PLAYER_EVENT_TYPES).
SOURCE_EVENT_TYPES: tuple[str, ...] = (
    "player_registered", "player_logged_in", "deposit_made", "withdrawal_made",
    "bet_placed", "bet_settled", "profile_updated",
)  # fmt: skip
_ANY = frozenset(SOURCE_EVENT_TYPES)
_PROFILE = frozenset({"player_registered", "profile_updated"})
_REGISTER, _LOGIN = frozenset({"player_registered"}), frozenset({"player_logged_in"})
_BET, _SETTLE = frozenset({"bet_placed"}), frozenset({"bet_settled"})
_DEPOSIT, _WITHDRAW = frozenset({"deposit_made"}), frozenset({"withdrawal_made"})


def _p(name: str, label: str, type_: FieldType, desc: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, label, type_, "profile", description=desc, **kw)


def _a(name: str, label: str, type_: FieldType, desc: str, zero: bool = False) -> FieldSpec:
    return FieldSpec(
        name, label, type_, "activity", is_metric=True, description=desc, zero_default=zero
    )


# (spec, the source event types that can change its value)
_ROWS: tuple[tuple[FieldSpec, frozenset[str]], ...] = (
    (FieldSpec("player_id", "Player ID", "text", "identity", description="Player id"), _ANY),
    (_p("country", "Country", "text", "Country code at registration or last update"), _PROFILE),
    (_p("currency", "Currency", "text", "Account currency"), _PROFILE),
    (_p("language", "Language", "text", "Preferred language"), _PROFILE),
    (_p("email", "Email", "text", "Email address", anonymized=True), _PROFILE),
    (_p("username", "Username", "text", "Username", anonymized=True), _PROFILE),
    (_p("affiliate", "Affiliate", "text", "Acquiring affiliate"), _PROFILE),
    (_p("email_opt_in", "Email opt-in", "boolean", "Accepts email"), _PROFILE),
    (_p("sms_opt_in", "SMS opt-in", "boolean", "Accepts SMS"), _PROFILE),
    (_p("push_opt_in", "Push opt-in", "boolean", "Accepts push notifications"), _PROFILE),
    (_p("registered_at", "Registered at", "datetime", "Time of player_registered"), _REGISTER),
    (_a("first_seen_at", "First seen", "datetime", "Oldest event of the player"), _ANY),
    (_a("last_seen_at", "Last seen", "datetime", "Newest event of the player"), _ANY),
    (_a("last_login_at", "Last login", "datetime", "Newest login"), _LOGIN),
    (_a("logins_count", "Logins", "integer", "Number of logins", True), _LOGIN),
    (_a("bets_count", "Bets", "integer", "Number of bets placed", True), _BET),
    (_a("total_wagered", "Total wagered", "number", "Sum of stakes", True), _BET),
    (_a("biggest_bet", "Biggest bet", "number", "Largest stake"), _BET),
    (_a("first_bet_at", "First bet", "datetime", "Oldest bet placed"), _BET),
    (_a("last_bet_at", "Last bet", "datetime", "Newest bet placed"), _BET),
    (_a("wins_count", "Wins", "integer", "Number of won bets", True), _SETTLE),
    (_a("losses_count", "Losses", "integer", "Number of lost bets", True), _SETTLE),
    (_a("total_won", "Total won", "number", "Sum of profits of won bets", True), _SETTLE),
    (_a("total_lost", "Total lost", "number", "Sum of stakes of lost bets", True), _SETTLE),
    (_a("net_result", "Net result", "number", "total_won - total_lost", True), _SETTLE),
    (_a("biggest_win", "Biggest win", "number", "Largest profit of a won bet"), _SETTLE),
    (_a("best_multiplier", "Best multiplier", "number", "Highest cash-out multiplier"), _SETTLE),
    (_a("total_bonus", "Total bonus", "number", "Sum of bonuses paid", True), _SETTLE),
    (_a("deposits_count", "Deposits", "integer", "Number of deposits", True), _DEPOSIT),
    (_a("total_deposited", "Total deposited", "number", "Sum of deposits", True), _DEPOSIT),
    (_a("last_deposit_at", "Last deposit", "datetime", "Newest deposit"), _DEPOSIT),
    (_a("withdrawals_count", "Withdrawals", "integer", "Number of withdrawals", True), _WITHDRAW),
    (_a("total_withdrawn", "Total withdrawn", "number", "Sum of withdrawals", True), _WITHDRAW),
)  # fmt: skip

FIELDS: tuple[FieldSpec, ...] = tuple(spec for spec, _ in _ROWS)
FIELD_SOURCES: dict[str, frozenset[str]] = {spec.name: sources for spec, sources in _ROWS}
_BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in FIELDS}
#: Profile fields a profile_updated change may set by name (the rest go to attributes.<name>).
PROFILE_UPDATABLE: frozenset[str] = frozenset(
    s.name for s in FIELDS if s.group == "profile" and s.name != "registered_at"
)
ATTRIBUTE_PREFIX = "attributes."
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

#: Event kind usable in a metric -> its numeric properties (every kind also has occurred_at).
METRIC_EVENTS: dict[str, tuple[str, ...]] = {
    "player_logged_in": (),
    "deposit_made": ("amount",),
    "withdrawal_made": ("amount",),
    "bet_placed": ("amount",),
    "bet_settled": ("amount",),
    "bet_won": ("amount", "stake", "multiplier", "bonus"),
    "bet_lost": ("amount",),
}
#: Metric event kind -> the contract event type it comes from (bet_won/bet_lost split bet_settled).
METRIC_SOURCES: dict[str, str] = {k: k for k in METRIC_EVENTS} | {
    "bet_won": "bet_settled",
    "bet_lost": "bet_settled",
}
TIME_PROPERTY = "occurred_at"


@lru_cache(maxsize=4096)
def field_spec(name: str) -> FieldSpec | None:
    """The spec of a registered field or a custom `attributes.<name>` text field, else None."""
    spec = _BY_NAME.get(name)
    if spec is not None or not name.startswith(ATTRIBUTE_PREFIX):
        return spec
    attr = name[len(ATTRIBUTE_PREFIX) :]
    if not ATTRIBUTE_NAME.match(attr):
        return None
    return FieldSpec(name, attr, "text", "custom", description="Custom attribute (profile_updated)")


def field_sources(name: str) -> frozenset[str]:
    """Contract event types that can change field `name` (empty for an unknown field)."""
    if name in FIELD_SOURCES:
        return FIELD_SOURCES[name]
    return frozenset({"profile_updated"}) if field_spec(name) is not None else frozenset()


def profile_change_field(name: str) -> str:
    """The field a profile_updated change called `name` sets."""
    return name if name in PROFILE_UPDATABLE else ATTRIBUTE_PREFIX + name


def metric_kinds(event_type: str, outcome: str | None = None) -> tuple[str, ...]:
    """Metric event kinds one contract event counts as (a won bet_settled is also bet_won)."""
    if event_type == "bet_settled":
        return ("bet_settled", "bet_won" if outcome == "won" else "bet_lost")
    return (event_type,) if event_type in METRIC_EVENTS else ()


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text; text without a zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time, e.g. 2024-01-31T00:00:00Z") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _number_text(value: float) -> str | None:
    if not math.isfinite(value):
        return None
    if isinstance(value, int) or (value.is_integer() and abs(value) < 2**53):
        return str(int(value))
    return repr(float(value))


def encode_field_value(spec: FieldSpec, value: Any) -> str:
    """The Redis string of a typed value; raises ValueError when it does not fit the field type."""
    kind = spec.type
    if kind == "boolean" or (kind == "text" and isinstance(value, bool)):
        if isinstance(value, bool):
            return "true" if value else "false"
    elif kind == "datetime":
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    elif kind == "text":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and (text := _number_text(value)) is not None:
            return text
    elif (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (kind == "number" or isinstance(value, int) or value.is_integer())
        and (text := _number_text(value)) is not None
    ):
        return text
    raise ValueError(f"{spec.name} is {spec.type}: cannot store {value!r}")


def decode_field_value(spec: FieldSpec, raw: str | bytes | None) -> Any:
    """The typed value of a Redis string (None when absent); raises ValueError when malformed."""
    if raw is None:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    if spec.type == "text":
        return text
    if text == "":
        return None
    try:
        if spec.type == "datetime":
            return parse_datetime(text)
        if spec.type == "boolean":
            return {"true": True, "false": False, "1": True, "0": False}[text.lower()]
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        if spec.type == "number":
            return number
        if text.lstrip("+-").isdigit():
            return int(text)
        if not number.is_integer():
            raise ValueError(text)
        return int(number)
    except (ValueError, KeyError, OverflowError):
        raise ValueError(f"{spec.name} is {spec.type}: cannot read {text!r}") from None


parse_field_value = decode_field_value


def coerce_field_value(spec: FieldSpec, value: Any) -> Any:
    """A JSON-ish value (event data, ISO strings) as the field's typed value; None stays None."""
    if value is None:
        return None
    if isinstance(value, str) and spec.type != "text":
        return decode_field_value(spec, value)
    return decode_field_value(spec, encode_field_value(spec, value))
