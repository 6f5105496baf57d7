"""Webhook decisions, pure: outcomes, backoff bounds, Retry-After, headers, decoding."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import orjson
import pytest

from action_svc.domain.webhook_policy import (
    Attempt,
    RetryPolicy,
    decide,
    decode_command,
    request_body,
    request_headers,
)
from segshared.contracts import DecodeError, DispatchCommand

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, base_s=1.0, cap_s=30.0)


def _top(_: float = 0.0) -> float:
    return 1.0  # the top of the jitter range: the delay is its ceiling


def command(**webhook: object) -> dict[str, object]:
    return {
        "event_id": "k1", "version": 1, "occurred_at": "2024-05-01T12:00:00Z", "type": "dispatch",
        "idempotency_key": "k1", "action_id": 7, "action_name": "hook", "channel": "webhook",
        "player_id": "p1", "occurrence": "o1", "reason": "entered", "target_kind": "segment",
        "target_id": 3, "webhook": {"url": "https://hooks.example.com/x", **webhook},
    }  # fmt: skip


def test_2xx_is_delivered() -> None:
    d = decide(Attempt(204), 3, POLICY, now=NOW, rng=_top)
    assert (d.outcome, d.reason) == ("delivered", "attempt 3: HTTP 204")


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_retryable_status_is_a_failed_attempt_with_a_delay(status: int) -> None:
    d = decide(Attempt(status), 1, POLICY, now=NOW, rng=_top)
    assert (d.outcome, d.reason, d.delay_s) == ("failed", f"attempt 1: HTTP {status}", 1.0)


def test_errors_without_response_are_retried() -> None:
    d = decide(Attempt(None, "timeout: no response within 5s"), 2, POLICY, now=NOW, rng=_top)
    assert (d.outcome, d.delay_s) == ("failed", 2.0)
    assert d.reason == "attempt 2: timeout: no response within 5s"


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301, 302])
def test_client_errors_and_redirects_dead_letter_at_once(status: int) -> None:
    d = decide(Attempt(status), 1, POLICY, now=NOW, rng=_top)
    assert (d.outcome, d.dlq_reason) == ("dead_lettered", "http_status")
    assert d.reason == f"attempt 1: HTTP {status}"


def test_refused_target_dead_letters_with_its_reason() -> None:
    d = decide(Attempt(None, "blocked_address: 10.0.0.5 ..."), 1, POLICY, now=NOW, rng=_top)
    assert (d.outcome, d.dlq_reason) == ("dead_lettered", "refused_target")
    d = decide(Attempt(None, "invalid_url: the URL must..."), 1, POLICY, now=NOW, rng=_top)
    assert (d.outcome, d.dlq_reason) == ("dead_lettered", "invalid_url")


def test_the_last_attempt_gives_up() -> None:
    d = decide(Attempt(503), POLICY.max_attempts, POLICY, now=NOW, rng=_top)
    assert d.outcome == "dead_lettered" and d.dlq_reason == "max_attempts"
    assert d.reason == "attempt 4: HTTP 503; gave up after 4 attempts"


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=30, base_s=1.0, cap_s=30.0)
    delays = [decide(Attempt(503), n, policy, now=NOW, rng=_top).delay_s for n in range(1, 8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_jitter_stays_within_bounds_with_a_seeded_rng() -> None:
    policy = RetryPolicy(max_attempts=30, base_s=0.5, cap_s=20.0)
    rng = random.Random(42)
    for n in range(1, 12):
        ceiling = min(policy.cap_s, policy.base_s * 2 ** (n - 1))
        delays = [decide(Attempt(503), n, policy, now=NOW, rng=rng.random).delay_s
                  for _ in range(200)]  # fmt: skip
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > 0.8 * ceiling and min(delays) < 0.2 * ceiling  # spread: jitter
    again = random.Random(42)
    first = decide(Attempt(503), 3, policy, now=NOW, rng=again.random).delay_s
    assert first == decide(Attempt(503), 3, policy, now=NOW, rng=random.Random(42).random).delay_s


def test_retry_after_wins_when_longer_but_never_beyond_the_cap() -> None:
    assert decide(Attempt(503, None, "12"), 1, POLICY, now=NOW, rng=_top).delay_s == 12.0
    assert decide(Attempt(429, None, "0"), 3, POLICY, now=NOW, rng=_top).delay_s == 4.0
    assert decide(Attempt(503, None, "3600"), 1, POLICY, now=NOW, rng=_top).delay_s == 30.0
    date = format_datetime(NOW + timedelta(seconds=20), usegmt=True)
    assert decide(Attempt(503, None, date), 1, POLICY, now=NOW, rng=_top).delay_s == 20.0
    assert decide(Attempt(503, None, "soon"), 1, POLICY, now=NOW, rng=_top).delay_s == 1.0


def test_headers_carry_key_attempt_and_action_and_cannot_be_forged() -> None:
    cmd = DispatchCommand.model_validate(command(headers={
        "Authorization": "Bearer t", "idempotency-key": "forged", "X-Playerseg-Attempt": "1",
        "Host": "evil.example", "content-type": "text/plain",
    }))  # fmt: skip
    headers = request_headers(cmd, 2)
    assert headers == {
        "Content-Type": "text/plain", "Authorization": "Bearer t", "Idempotency-Key": "k1",
        "X-Playerseg-Attempt": "2", "X-Playerseg-Action": "7",
    }  # fmt: skip


def test_body_is_the_rendered_template_else_the_command() -> None:
    raw = orjson.dumps(command())
    assert request_body(DispatchCommand.model_validate_json(raw), raw) == raw
    templated = DispatchCommand.model_validate(command(body='{"who": "p1"}'))
    assert request_body(templated, raw) == b'{"who": "p1"}'
    assert request_headers(templated, 1)["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"{nope", "malformed_json"),
        (b"[1]", "malformed_json"),
        (orjson.dumps({**command(), "version": 9}), "unsupported_version"),
        (orjson.dumps({**command(), "type": "other"}), "unknown_type"),
        (orjson.dumps({**command(), "player_id": ""}), "invalid"),
        (orjson.dumps({**command(), "channel": "email"}), "invalid"),
        (orjson.dumps({k: v for k, v in command().items() if k != "webhook"}), "invalid"),
    ],
)
def test_bad_records_fail_with_a_dead_letter_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_command(raw)
    assert caught.value.reason == reason


def test_a_valid_record_decodes() -> None:
    assert decode_command(orjson.dumps(command())).idempotency_key == "k1"
