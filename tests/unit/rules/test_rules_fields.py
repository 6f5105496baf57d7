"""The field registry and the Redis codec of profile values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segshared.contracts import PLAYER_EVENT_TYPES
from segshared.fields import (
    FIELD_SOURCES,
    FIELDS,
    METRIC_EVENTS,
    METRIC_SOURCES,
    SOURCE_EVENT_TYPES,
    FieldSpec,
    coerce_field_value,
    decode_field_value,
    encode_field_value,
    field_sources,
    field_spec,
    metric_kinds,
    parse_field_value,
    profile_change_field,
)

EXPECTED_TYPES = {
    "player_id": "text",
    "country": "text",
    "currency": "text",
    "language": "text",
    "email": "text",
    "username": "text",
    "affiliate": "text",
    "email_opt_in": "boolean",
    "sms_opt_in": "boolean",
    "push_opt_in": "boolean",
    "registered_at": "datetime",
    "first_seen_at": "datetime",
    "last_seen_at": "datetime",
    "last_login_at": "datetime",
    "logins_count": "integer",
    "bets_count": "integer",
    "total_wagered": "number",
    "biggest_bet": "number",
    "first_bet_at": "datetime",
    "last_bet_at": "datetime",
    "wins_count": "integer",
    "losses_count": "integer",
    "total_won": "number",
    "total_lost": "number",
    "net_result": "number",
    "biggest_win": "number",
    "best_multiplier": "number",
    "total_bonus": "number",
    "deposits_count": "integer",
    "total_deposited": "number",
    "last_deposit_at": "datetime",
    "withdrawals_count": "integer",
    "total_withdrawn": "number",
}


def test_registry_has_exactly_the_agreed_fields_and_types() -> None:
    assert {f.name: f.type for f in FIELDS} == EXPECTED_TYPES
    assert len({f.name for f in FIELDS}) == len(FIELDS)


def test_groups_metrics_and_anonymized_flags() -> None:
    groups = {f.name: f.group for f in FIELDS}
    assert groups["player_id"] == "identity"
    assert groups["country"] == groups["push_opt_in"] == groups["registered_at"] == "profile"
    activity = {f.name for f in FIELDS if f.group == "activity"}
    assert activity == {f.name for f in FIELDS if f.is_metric}
    assert {"first_seen_at", "bets_count", "net_result", "total_withdrawn"} <= activity
    assert {f.name for f in FIELDS if f.anonymized} == {"email", "username"}


def test_source_event_types_are_the_contract_types() -> None:
    assert set(SOURCE_EVENT_TYPES) == set(PLAYER_EVENT_TYPES)
    for name, sources in FIELD_SOURCES.items():
        assert sources, name
        assert sources <= set(SOURCE_EVENT_TYPES), name
    assert set(METRIC_SOURCES.values()) <= set(SOURCE_EVENT_TYPES)


@pytest.mark.parametrize(
    ("name", "sources"),
    [
        ("bets_count", {"bet_placed"}),
        ("net_result", {"bet_settled"}),
        ("country", {"player_registered", "profile_updated"}),
        ("last_seen_at", set(PLAYER_EVENT_TYPES)),
        ("attributes.vip_tier", {"profile_updated"}),
        ("total_deposited", {"deposit_made"}),
        ("no_such_field", set()),
    ],
)
def test_field_sources(name: str, sources: set[str]) -> None:
    assert field_sources(name) == sources


def test_custom_attribute_fields() -> None:
    spec = field_spec("attributes.vip_tier")
    assert spec is not None
    assert (spec.name, spec.type, spec.group) == ("attributes.vip_tier", "text", "custom")
    for bad in ("attributes.", "attributes.Vip", "attributes.1x", "attributes." + "a" * 65, "vip"):
        assert field_spec(bad) is None, bad
    assert field_spec("attributes." + "a" * 64) is not None


def test_metric_events_and_kinds() -> None:
    assert METRIC_EVENTS["bet_won"] == ("amount", "stake", "multiplier", "bonus")
    assert METRIC_EVENTS["player_logged_in"] == ()
    assert METRIC_SOURCES["bet_lost"] == "bet_settled"
    assert metric_kinds("bet_settled", "won") == ("bet_settled", "bet_won")
    assert metric_kinds("bet_settled", "lost") == ("bet_settled", "bet_lost")
    assert metric_kinds("deposit_made") == ("deposit_made",)
    assert metric_kinds("profile_updated") == ()


def test_profile_change_field() -> None:
    assert profile_change_field("country") == "country"
    assert profile_change_field("email_opt_in") == "email_opt_in"
    assert profile_change_field("vip_tier") == "attributes.vip_tier"
    assert profile_change_field("registered_at") == "attributes.registered_at"


def _spec(name: str) -> FieldSpec:
    spec = field_spec(name)
    assert spec is not None
    return spec


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("total_wagered", 12.5, "12.5"),
        ("total_wagered", 100.0, "100"),
        ("total_wagered", 7, "7"),
        ("total_wagered", -0.1, "-0.1"),
        ("bets_count", 3, "3"),
        ("bets_count", 4.0, "4"),
        ("email_opt_in", True, "true"),
        ("email_opt_in", False, "false"),
        ("country", "DE", "DE"),
        ("attributes.tier", 5, "5"),
        ("attributes.tier", True, "true"),
        (
            "last_bet_at",
            datetime(2021, 10, 31, 15, 38, 43, tzinfo=UTC),
            "2021-10-31T15:38:43.000000Z",
        ),
        (
            "last_bet_at",
            datetime(2021, 10, 31, 17, 38, 43, 5, tzinfo=timezone(timedelta(hours=2))),
            "2021-10-31T15:38:43.000005Z",
        ),
    ],
)
def test_encode(name: str, value: object, text: str) -> None:
    assert encode_field_value(_spec(name), value) == text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("total_wagered", True),
        ("total_wagered", "12"),
        ("total_wagered", math.nan),
        ("total_wagered", math.inf),
        ("bets_count", 1.5),
        ("email_opt_in", 1),
        ("last_bet_at", datetime(2021, 1, 1)),  # naive
        ("last_bet_at", "2021-01-01T00:00:00Z"),
        ("country", None),
    ],
)
def test_encode_refuses_values_of_the_wrong_type(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name.split(".")[-1]):
        encode_field_value(_spec(name), value)


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("total_wagered", "12.5", 12.5),
        ("total_wagered", b"3", 3.0),
        ("bets_count", "42", 42),
        ("bets_count", "4.0", 4),
        ("email_opt_in", "true", True),
        ("email_opt_in", b"false", False),
        ("country", "", ""),
        ("bets_count", "", None),
        ("country", None, None),
        ("last_bet_at", "2021-10-31T15:38:43Z", datetime(2021, 10, 31, 15, 38, 43, tzinfo=UTC)),
        (
            "last_bet_at",
            "2021-10-31T17:38:43+02:00",
            datetime(2021, 10, 31, 15, 38, 43, tzinfo=UTC),
        ),
        ("last_bet_at", "2021-10-31T15:38:43", datetime(2021, 10, 31, 15, 38, 43, tzinfo=UTC)),
    ],
)
def test_decode(name: str, raw: str | bytes | None, value: object) -> None:
    decoded = decode_field_value(_spec(name), raw)
    assert decoded == value
    assert type(decoded) is type(value)
    assert parse_field_value(_spec(name), raw) == value


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("total_wagered", "abc"),
        ("total_wagered", "nan"),
        ("bets_count", "1.5"),
        ("email_opt_in", "yes"),
        ("last_bet_at", "yesterday"),
    ],
)
def test_decode_refuses_malformed_strings(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=f"{name} is"):
        decode_field_value(_spec(name), raw)


_instants = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip(value: float) -> None:
    assert (
        decode_field_value(_spec("net_result"), encode_field_value(_spec("net_result"), value))
        == value
    )


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_integers_round_trip(value: int) -> None:
    assert (
        decode_field_value(_spec("bets_count"), encode_field_value(_spec("bets_count"), value))
        == value
    )


@given(_instants, _instants)
def test_datetimes_round_trip_and_sort_as_text(a: datetime, b: datetime) -> None:
    spec = _spec("last_bet_at")
    ta, tb = encode_field_value(spec, a), encode_field_value(spec, b)
    assert decode_field_value(spec, ta) == a
    assert (ta < tb) == (a < b)  # fixed width: Redis SORT ALPHA is chronological


def test_coerce_json_values() -> None:
    assert coerce_field_value(_spec("last_bet_at"), "2021-10-31T15:38:43Z") == datetime(
        2021, 10, 31, 15, 38, 43, tzinfo=UTC
    )
    assert coerce_field_value(_spec("attributes.tier"), 3) == "3"
    assert coerce_field_value(_spec("total_wagered"), 3) == 3.0
    assert coerce_field_value(_spec("email_opt_in"), None) is None
