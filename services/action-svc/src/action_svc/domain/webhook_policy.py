"""Webhook delivery policy, pure: what an attempt came to, what to do next, what to send.

The I/O lives in ``adapters/webhook_client.py`` (HTTP) and ``adapters/webhook_state.py``
(Redis); ``service_layer/webhooks.py`` runs the delivery with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import ValidationError

from action_svc.domain.backoff import backoff_delay_s, is_retryable, retry_after_s
from segshared.contracts.codec import DecodeError, decode_contract
from segshared.contracts.dispatch import DISPATCH_VERSION, DispatchCommand

# Ours alone: an action's headers must not forge the key or attempt, nor pick the Host.
_RESERVED = frozenset({"idempotency-key", "x-playerseg-attempt", "x-playerseg-action", "host",
                       "content-length", "transfer-encoding", "connection"})  # fmt: skip
# Labels of refusals made before a request went out, as dead-letter reasons.
_DLQ_REASONS = {"blocked_address": "refused_target"}


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one HTTP attempt came to: a status, or an error label (``label: detail``)."""

    status: int | None
    error: str | None = None
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    base_s: float
    cap_s: float


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do after an attempt; ``reason`` goes to the dispatch log."""

    outcome: Literal["delivered", "failed", "dead_lettered"]
    reason: str
    dlq_reason: str = ""
    delay_s: float = 0.0


def describe(attempt: Attempt) -> str:
    """``HTTP 503`` or the error of an attempt without a response."""
    return f"HTTP {attempt.status}" if attempt.status is not None else str(attempt.error)


def decide(
    attempt: Attempt, n: int, policy: RetryPolicy, *, now: datetime, rng: Callable[[], float]
) -> Decision:
    """The outcome of attempt ``n`` (1 = the first): delivered, retry later, or give up."""
    what = f"attempt {n}: {describe(attempt)}"
    if attempt.status is not None and 200 <= attempt.status <= 299:
        return Decision("delivered", what)
    if not is_retryable(attempt.status, attempt.error):
        if attempt.status is not None:
            return Decision("dead_lettered", what, "http_status")
        label = str(attempt.error).split(":", 1)[0].strip()
        return Decision("dead_lettered", what, _DLQ_REASONS.get(label, label))
    if n >= policy.max_attempts:
        return Decision("dead_lettered", f"{what}; gave up after {n} attempts", "max_attempts")
    delay = backoff_delay_s(n, base_s=policy.base_s, cap_s=policy.cap_s, rng=rng)
    asked = retry_after_s(attempt.retry_after, now)
    if asked is not None:  # honoured when longer, but never beyond our own cap
        delay = max(delay, min(asked, policy.cap_s))
    return Decision("failed", what, delay_s=delay)


def request_headers(command: DispatchCommand, n: int) -> dict[str, str]:
    """The headers of attempt ``n``: the action's own, then ours (which win)."""
    headers = {"Content-Type": "application/json"}
    assert command.webhook is not None
    for name, value in command.webhook.headers.items():
        lower = name.lower()
        if lower == "content-type":
            headers["Content-Type"] = value  # a body template may be other than JSON
        elif lower not in _RESERVED:
            headers[name] = value
    headers["Idempotency-Key"] = command.idempotency_key
    headers["X-Playerseg-Attempt"] = str(n)
    headers["X-Playerseg-Action"] = str(command.action_id)
    return headers


def request_body(command: DispatchCommand, raw: bytes) -> bytes:
    """The rendered body template if the action has one, else the command's JSON."""
    assert command.webhook is not None
    return raw if command.webhook.body is None else command.webhook.body.encode()


def decode_command(raw: bytes | None) -> DispatchCommand:
    """A webhook dispatch command, or ``DecodeError`` with the dead-letter reason."""
    if not raw:
        raise DecodeError("empty", "the record has no value")
    try:
        command = DispatchCommand.model_validate_json(raw)
    except ValidationError:
        command = _decode_slowly(raw)  # to find out why, with the reason the DLQ wants
    if command.version > DISPATCH_VERSION:
        raise DecodeError(
            "unsupported_version", f"dispatch version {command.version} > {DISPATCH_VERSION}"
        )
    if command.channel != "webhook" or command.webhook is None:
        raise DecodeError("invalid", "a webhook dispatch needs channel 'webhook' and 'webhook'")
    return command


def _decode_slowly(raw: bytes) -> DispatchCommand:
    command: DispatchCommand = decode_contract(raw, DispatchCommand, {"dispatch": DISPATCH_VERSION})
    return command
