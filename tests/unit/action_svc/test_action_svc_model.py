"""Action definitions: what is accepted, and that every refusal says where and what to fix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from action_svc.domain.model import (
    ActionSpec,
    EmailDefinition,
    EveryDay,
    EveryHours,
    PushDefinition,
    SmsDefinition,
    SpecError,
    SpecInvalid,
    WebhookDefinition,
    channel_definition,
    parse_spec,
    validate_spec,
)
from action_svc.domain.validation import check_timing


def spec(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": "Welcome",
        "target": {"kind": "segment", "id": 3},
        "type": "triggered",
        "channel": "email",
        "definition": {"subject": "Hi {{username|friend}}", "body": "Bets: {{bets_count}}"},
        "trigger": {"on": "entered"},
    }
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not None}


def problems(doc: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecInvalid) as info:
        parse_spec(doc)
    return {e.loc: e.msg for e in info.value.errors}


def test_valid_triggered_email() -> None:
    action = parse_spec(spec())
    assert isinstance(action.channel_config, EmailDefinition)
    assert action.variables == ["username", "bets_count"]
    assert action.trigger is not None and action.trigger.only_if_still_member
    assert validate_spec(action) == []
    # A stored spec round-trips through its JSON form.
    assert ActionSpec.model_validate(action.model_dump(mode="json")) == action


def test_variables_across_fields_including_custom_attributes() -> None:
    action = parse_spec(
        spec(
            channel="push",
            definition={
                "title": "{{ attributes.vip_tier }}",
                "body": "{{player_id}} {{country|MT}}",
                "deep_link": "app://p/{{player_id}}",
            },
        )
    )
    assert isinstance(action.channel_config, PushDefinition)
    assert action.variables == ["attributes.vip_tier", "player_id", "country"]


def test_each_channel_definition() -> None:
    assert isinstance(channel_definition("email", {"template_id": "welcome"}), EmailDefinition)
    assert isinstance(channel_definition("sms", {"body": "Hi"}), SmsDefinition)
    assert isinstance(channel_definition("push", {"template_id": "t"}), PushDefinition)
    hook = channel_definition(
        "webhook",
        {"url": "https://hooks.example.com/x?a=1", "headers": {"X-Api-Key": "k"}},
    )
    assert isinstance(hook, WebhookDefinition) and hook.method == "POST"


@pytest.mark.parametrize(
    ("channel", "definition", "loc", "message"),
    [
        ("email", {"subject": "x"}, "definition", "missing: body"),
        ("email", {"template_id": "t", "body": "x"}, "definition", "not both"),
        ("email", {"subjct": "x"}, "definition.subjct", "unknown field 'subjct'; allowed: "),
        ("sms", {}, "definition", "give template_id, or body"),
        ("push", {"body": "x"}, "definition", "missing: title"),
        ("sms", {"body": "x" * 1601}, "definition.body", "at most 1600"),
        ("webhook", {}, "definition.url", "required"),
        ("webhook", {"url": "ftp://x.example/"}, "definition.url", "http:// or https://"),
        ("webhook", {"url": "https://u:pw@x.example/"}, "definition.url", "credentials"),
        ("webhook", {"url": "https:///path"}, "definition.url", "no host"),
        ("webhook", {"url": "https://x/{{player_id}}"}, "definition.url", "placeholders"),
        ("webhook", {"url": "https://x.example", "method": "GET"}, "definition.method", "POST"),
        (
            "webhook",
            {"url": "https://x.example", "headers": {"Idempotency-Key": "k"}},
            "definition.headers",
            "cannot be overridden",
        ),
        (
            "webhook",
            {"url": "https://x.example", "headers": {"content-length": "1"}},
            "definition.headers",
            "cannot be overridden",
        ),
        (
            "webhook",
            {"url": "https://x.example", "headers": {"Bad Name": "v"}},
            "definition.headers",
            "not a valid HTTP token",
        ),
        (
            "webhook",
            {"url": "https://x.example", "headers": {"X-A": "v\r\nHost: evil"}},
            "definition.headers",
            "line break",
        ),
        (
            "webhook",
            {"url": "https://x.example", "headers": {"X-A": "1", "x-a": "2"}},
            "definition.headers",
            "twice",
        ),
    ],
)
def test_definition_errors(channel: str, definition: Any, loc: str, message: str) -> None:
    with pytest.raises(SpecInvalid) as info:
        channel_definition(channel, definition)
    found = {e.loc: e.msg for e in info.value.errors}
    assert loc in found, found
    assert message in found[loc]
    # The same problem, submitted within a whole spec, has the same location.
    assert message in problems(spec(channel=channel, definition=definition))[loc]


def test_definition_must_be_an_object() -> None:
    with pytest.raises(SpecInvalid, match="definition: must be an object with sms fields"):
        channel_definition("sms", ["body"])


def test_unknown_placeholder_names_field_and_suggests() -> None:
    found = problems(spec(definition={"subject": "{{balanse}}", "body": "{{bets_cont}} ok"}))
    assert found["definition.subject"].startswith(
        "unknown field 'balanse' in placeholder {{balanse}}; known fields: player_id, "
    )
    assert "attributes.<name>" in found["definition.subject"]
    assert "did you mean 'bets_count'?" in found["definition.body"]


def test_malformed_placeholder_located() -> None:
    found = problems(spec(definition={"subject": "Hi {{username", "body": "x"}))
    assert "never closed" in found["definition.subject"]


def test_webhook_body_template_is_checked() -> None:
    found = problems(
        spec(channel="webhook", definition={"url": "https://x.example", "body_template": "{{y}}"})
    )
    assert "unknown field 'y'" in found["definition.body_template"]


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"trigger": None}, "trigger", "required when type is 'triggered'"),
        ({"type": "single_send"}, "single_send", "required when type is 'single_send'"),
        ({"type": "scheduled", "trigger": None}, "schedule", "required when type is 'scheduled'"),
        ({"single_send": {}}, "single_send", "not allowed when type is 'triggered'"),
        (
            {"starts_at": "2026-02-01T00:00:00Z", "ends_at": "2026-01-01T00:00:00Z"},
            "ends_at",
            "later than starts_at",
        ),
    ],
)
def test_cross_field_errors(changes: dict[str, Any], loc: str, message: str) -> None:
    found = problems(spec(**changes))
    assert message in found[loc], found


def test_single_send_outside_window() -> None:
    base = {"type": "single_send", "trigger": None, "starts_at": "2026-01-10T00:00:00Z"}
    found = problems(spec(**base, single_send={"send_at": "2026-01-01T00:00:00Z"}))
    assert found["single_send.send_at"] == "is before starts_at"
    found = problems(
        spec(
            **base,
            ends_at="2026-01-20T00:00:00Z",
            single_send={"send_at": "2026-01-20T00:00:00Z"},
        )
    )
    assert found["single_send.send_at"] == "is not before ends_at"


@pytest.mark.parametrize(
    ("schedule", "loc", "message"),
    [
        (
            {"every": "cron", "cron": "61 * * * *", "timezone": "UTC"},
            "schedule.cron",
            "'61 * * * *' is not a valid cron expression: the minute field '61' is invalid",
        ),
        (
            {"every": "cron", "cron": "0 9 * * 8", "timezone": "UTC"},
            "schedule.cron",
            "day of week field '8' is invalid",
        ),
        (
            {"every": "cron", "cron": "0 9 * *", "timezone": "UTC"},
            "schedule.cron",
            "write 5 fields",
        ),
        (
            {"every": "cron", "cron": "0 0 * * * *", "timezone": "UTC"},
            "schedule.cron",
            "write 5 fields",
        ),
        (
            {"every": "cron", "cron": "0 0 30 2 *", "timezone": "UTC"},
            "schedule.cron",
            "never fires",
        ),
        ({"every": "cron", "cron": "@often", "timezone": "UTC"}, "schedule.cron", "aliases"),
        (
            {"every": "day", "at": "09:00", "timezone": "Europe/Malt"},
            "schedule.timezone",
            "'Europe/Malt' is not an IANA time zone; did you mean 'Europe/Malta'?",
        ),
        ({"every": "day", "at": "24:00", "timezone": "UTC"}, "schedule.at", "HH:MM"),
        ({"every": "day", "at": "9am", "timezone": "UTC"}, "schedule.at", "HH:MM"),
        (
            {"every": "week", "weekday": "funday", "at": "09:00", "timezone": "UTC"},
            "schedule.weekday",
            "monday",
        ),
        ({"every": "hours", "hours": 0}, "schedule.hours", "greater than or equal to 1"),
        ({"every": "hours", "hours": 8761}, "schedule.hours", "less than or equal to 8760"),
        (
            {"every": "hours", "hours": 2, "starting_at": "2026-01-01T00:00:00"},
            "schedule.starting_at",
            "timezone",
        ),
        ({"every": "month"}, "schedule.every", "must be one of 'hours', 'day', 'week', 'cron'"),
        ({"at": "09:00"}, "schedule.every", "required: one of"),
        ({"every": "day", "at": "09:00"}, "schedule.timezone", "required"),
    ],
)
def test_schedule_errors(schedule: dict[str, Any], loc: str, message: str) -> None:
    found = problems(spec(type="scheduled", trigger=None, schedule=schedule))
    assert loc in found, found
    assert message in found[loc]


def test_schedule_values_normalised() -> None:
    action = parse_spec(
        spec(
            type="scheduled",
            trigger=None,
            schedule={"every": "day", "at": "9:05", "timezone": "Europe/Malta"},
        )
    )
    assert action.schedule == EveryDay(at="09:05", timezone="Europe/Malta")
    hourly = parse_spec(
        spec(type="scheduled", trigger=None, schedule={"every": "hours", "hours": 6})
    )
    assert hourly.schedule == EveryHours(hours=6)


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"name": "  "}, "name", "at least 1"),
        ({"target": {"kind": "player", "id": 1}}, "target.kind", "'segment' or 'card'"),
        ({"target": {"kind": "card", "id": 0}}, "target.id", "greater than or equal to 1"),
        ({"channel": "fax"}, "channel", "'email', 'sms', 'push' or 'webhook'"),
        ({"trigger": {"on": "entered", "delay_s": 31 * 86400}}, "trigger.delay_s", "2592000"),
        ({"trigger": {"on": "left"}}, "trigger.on", "'entered' or 'exited'"),
        ({"frequency_cap": {"max": 0, "per_hours": 24}}, "frequency_cap.max", "greater than or"),
        ({"frequency_cap": {"max": 1, "per_hours": 0}}, "frequency_cap.per_hours", "equal to 1"),
        ({"starts_at": "2026-01-01T00:00:00"}, "starts_at", "timezone"),
        ({"colour": "red"}, "colour", "unknown field 'colour'; allowed: name, description"),
        ({"name": None}, "name", "required"),  # spec() drops None: the field is absent
    ],
)
def test_field_errors(changes: dict[str, Any], loc: str, message: str) -> None:
    found = problems(spec(**changes))
    assert loc in found, found
    assert message in found[loc]


def test_model_validate_keeps_locations_for_fastapi() -> None:
    with pytest.raises(ValidationError) as info:
        ActionSpec.model_validate(
            spec(trigger=None, definition={"subject": "{{nope}}", "body": "b"})
        )
    locs = {e["loc"] for e in info.value.errors()}
    assert locs == {("trigger",), ("definition", "subject")}


def test_several_problems_reported_together() -> None:
    found = problems(
        spec(
            type="scheduled",
            single_send={},
            definition={"subject": "{{nope}}", "body": "b"},
            starts_at="2026-02-01T00:00:00Z",
            ends_at="2026-01-01T00:00:00Z",
            schedule={"every": "hours", "hours": 1},
        )
    )
    assert set(found) == {"definition.subject", "trigger", "single_send", "ends_at"}


def test_spec_error_text_and_exception_message() -> None:
    exc = SpecInvalid([SpecError("a.b", "bad"), SpecError("", "whole")])
    assert str(exc) == "a.b: bad; whole"


def test_check_timing() -> None:
    now = datetime(2026, 1, 15, tzinfo=UTC)
    action = parse_spec(
        spec(
            type="single_send",
            trigger=None,
            single_send={"send_at": "2026-01-01T00:00:00Z"},
            ends_at="2026-01-02T00:00:00Z",
        )
    )
    assert {e.loc for e in check_timing(action, now)} == {"ends_at", "single_send.send_at"}
    assert check_timing(parse_spec(spec()), now) == []
