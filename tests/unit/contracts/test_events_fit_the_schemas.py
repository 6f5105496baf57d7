"""Events the code really produces validate against the published JSON Schemas (read from
docs/contracts/schemas), and records the code refuses are refused by the schemas too."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from card_svc.adapters.repository import CardRecord
from card_svc.domain.cards import Evaluation
from card_svc.domain.changes import backfill_cause, clock_cause, event_cause, membership_events
from card_svc.entrypoints.deps import ApiDeps
from playerseg.replay import bet_events, parse_bet
from playerseg.replay.source import iter_rows
from segment_svc.adapters.orm import SegmentRow
from segment_svc.domain.events import membership_event
from segment_svc.service_layer.lifecycle import record_lifecycle
from segshared.contracts import (
    BetPlaced,
    BetSettled,
    CardMembershipChanged,
    DepositMade,
    DispatchCommand,
    DispatchContent,
    PlayerLoggedIn,
    PlayerRegistered,
    ProfileUpdated,
    SegmentMembershipChanged,
    WebhookRequest,
    WithdrawalMade,
    encode,
)  # fmt: skip
from segshared.contracts.dead_letter import DeadLetter
from segshared.dlq import dead_letter_record
from tests.unit.contracts.schemas import problems

BETS = Path(__file__).resolve().parents[3] / "data" / "bustabit" / "bets.csv.gz"
AT = datetime(2021, 11, 2, 9, 30, tzinfo=UTC)


def _doc(raw: bytes) -> Any:
    return json.loads(raw)


def assert_fits(message: str, raw: bytes) -> None:
    found = problems(message, _doc(raw))
    assert not found, f"{message} {raw!r}: {found}"


def test_the_real_bets_mapped_by_the_replay_fit() -> None:
    rows = islice(iter_rows(BETS), 3000)
    events = [e for line, row in rows for e in bet_events(parse_bet(row, line=line))]
    outcomes = {e.data.outcome for e in events if isinstance(e, BetSettled)}
    assert outcomes == {"won", "lost"}
    assert any(isinstance(e, BetSettled) and e.data.bonus for e in events)
    for event in events:
        assert_fits(event.type, encode(event))


def test_each_player_event_type_built_by_its_model_fits() -> None:
    common: dict[str, Any] = {"version": 1, "player_id": "100006", "occurred_at": AT}
    events = [
        PlayerRegistered(event_id="r", type="player_registered", **common,
                         data={"country": "DE", "email": "a@b.c", "push_opt_in": True}),
        PlayerLoggedIn(event_id="l", type="player_logged_in", **common, data={"channel": "ios"}),
        DepositMade(event_id="d", type="deposit_made", **common, data={"amount": 50}),
        WithdrawalMade(event_id="w", type="withdrawal_made", **common,
                       data={"amount": 12.5, "currency": "EUR", "method": "iban"}),
        BetPlaced(event_id="p", type="bet_placed", **common, data={"bet_id": "1", "amount": 0}),
        BetSettled(event_id="s", type="bet_settled", **common,
                   data={"bet_id": "1", "outcome": "lost", "amount": 3}),
        ProfileUpdated(event_id="u", type="profile_updated", **common,
                       data={"changes": {"tier": "gold", "score": 3, "vip": None}}),
    ]  # fmt: skip
    for event in events:
        assert_fits(event.type, encode(event))


def test_card_membership_changes_as_card_svc_writes_them() -> None:
    evaluation = Evaluation(before=frozenset({1}), after=frozenset({2, 5}), entered=[2, 5],
                            exited=[1])  # fmt: skip
    for why in (event_cause("bet:4336:settled", AT), clock_cause(1, "100006", AT),
                backfill_cause(5, 2, "100006", AT, static=True)):  # fmt: skip
        raws = membership_events("100006", evaluation, why)
        assert len(raws) == 3
        for raw in raws:
            assert_fits("card_membership_changed", raw)
            CardMembershipChanged.model_validate_json(raw)


def test_segment_membership_changes_as_segment_svc_writes_them() -> None:
    for cause_event_id in ("card:2:entered:bet:4336:settled", None):
        doc = membership_event(event_id="seg:1:exited:x", occurred_at="2021-11-02T09:30:00Z",
                               player_id="100006", segment_id=1, change="exited",
                               cause="event", cause_event_id=cause_event_id)  # fmt: skip
        raw = json.dumps(doc).encode()
        assert_fits("segment_membership_changed", raw)
        SegmentMembershipChanged.model_validate_json(raw)


def test_lifecycle_events_as_the_services_write_them() -> None:
    outbox: list[tuple[str, bytes]] = []
    repo = SimpleNamespace(add_outbox=lambda key, value, **_: outbox.append((key, value)))
    row = SegmentRow(id=3, name="VIPs", description="", revision=2, cloned_from=1,
                     definition={"include": {"card": 1}, "exclude": None})  # fmt: skip
    for kind in ("segment_created", "segment_updated", "segment_cloned", "segment_deleted"):
        record_lifecycle(repo, kind=kind, row=row, now=AT)  # type: ignore[arg-type]
    assert [k for k, _ in outbox] == ["3"] * 4
    for _, raw in outbox:
        assert_fits("segment_lifecycle", raw)

    published: list[Any] = []
    deps = ApiDeps(settings=None, sessions=None, redis=None, segments=None,  # type: ignore[arg-type]
                   lifecycle=SimpleNamespace(publish=published.append))  # fmt: skip
    record = CardRecord(id=1, name="High rollers", description="", kind="rule", rule={},
                        revision=1, created_at=AT, updated_at=AT)  # fmt: skip

    for kind in ("card_created", "card_updated", "card_deleted"):
        asyncio.run(deps.announce(kind, record))
    assert len(published) == 3
    for event in published:
        assert_fits("card_lifecycle", encode(event))


def test_dispatch_commands_of_every_channel() -> None:
    base: dict[str, Any] = {
        "version": 1, "occurred_at": AT, "action_id": 7, "action_name": "Hot streak",
        "player_id": "100006", "occurrence": "o1", "target_kind": "segment", "target_id": 4,
    }  # fmt: skip
    commands = [
        DispatchCommand(event_id="k1", idempotency_key="k1", channel="email", reason="entered",
                        content=DispatchContent(subject="Hi", body="b", variables={"x": None}),
                        cause_event_id="seg:4:entered:x", **base),
        DispatchCommand(event_id="k2", idempotency_key="k2", channel="sms", reason="single_send",
                        content=DispatchContent(body="b"), **base),
        DispatchCommand(event_id="k3", idempotency_key="k3", channel="push", reason="scheduled",
                        content=DispatchContent(template_id="t9", title="t"), **base),
        DispatchCommand(event_id="k4", idempotency_key="k4", channel="webhook", reason="exited",
                        webhook=WebhookRequest(url="https://crm.example/hook", method="PUT",
                                               headers={"X-A": "1"}), **base),
    ]  # fmt: skip
    for command in commands:
        assert_fits("dispatch", encode(command))


def test_dead_letters_as_the_consumers_write_them() -> None:
    for key, value in ((b"100006", b"{not json"), (None, None), (b"\xff", b"\xfe\x00")):
        raw = dead_letter_record(topic="player.events", partition=3, offset=17, key=key,
                                 value=value, reason="malformed_json", detail="no")  # fmt: skip
        assert_fits("dead_letter", raw)
        DeadLetter.model_validate_json(raw)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"version": 0}, "version below 1"),
        ({"occurred_at": "2021-11-02T09:30:00"}, "a time without a zone"),
        ({"player_id": "has space"}, "a player id outside the allowed characters"),
        ({"data": {"bet_id": "1", "outcome": "draw", "amount": 1}}, "an unknown outcome"),
        ({"data": {"bet_id": "1", "outcome": "won", "amount": -1}}, "a negative amount"),
        ({"extra": 1}, "an unknown member"),
    ],
)
def test_what_the_code_refuses_the_schema_refuses(change: dict[str, Any], why: str) -> None:
    good = _doc(encode(BetSettled(event_id="s", type="bet_settled", version=1, player_id="1",
                                  occurred_at=AT, data={"bet_id": "1", "outcome": "won",
                                                        "amount": 1})))  # fmt: skip
    assert not problems("bet_settled", good)
    bad = {**good, **change}
    with pytest.raises(ValueError):
        BetSettled.model_validate(bad)
    assert problems("bet_settled", bad), why
