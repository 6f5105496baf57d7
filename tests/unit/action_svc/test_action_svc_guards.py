"""Opt-in suppression and frequency cap rules."""

from __future__ import annotations

import pytest

from action_svc.domain.guards import OPT_IN_FIELD, CapRule, caps_for, suppression_reason
from action_svc.domain.model import Channel, FrequencyCap
from segshared.fields import field_spec


def test_opt_in_fields_are_registered_booleans() -> None:
    for channel, name in OPT_IN_FIELD.items():
        if name is None:
            assert channel == "webhook"
            continue
        spec = field_spec(name)
        assert spec is not None and spec.type == "boolean"


@pytest.mark.parametrize(
    ("channel", "profile", "reason"),
    [
        ("email", {"email_opt_in": "false"}, "opted out of email"),
        ("sms", {"sms_opt_in": "false", "email_opt_in": "true"}, "opted out of sms"),
        ("push", {"push_opt_in": "0"}, "opted out of push"),
        ("push", {"push_opt_in": "FALSE"}, "opted out of push"),
        ("email", {"email_opt_in": "true"}, None),
        ("email", {"email_opt_in": "1"}, None),
        ("email", {}, None),  # never told: allowed
        ("email", {"email_opt_in": None}, None),
        ("email", {"email_opt_in": ""}, None),
        ("email", {"sms_opt_in": "false"}, None),  # another channel's refusal
        ("webhook", {"email_opt_in": "false", "sms_opt_in": "false"}, None),
        ("sms", {"sms_opt_in": "maybe"}, "unreadable sms_opt_in value 'maybe'"),
    ],
)
def test_suppression_reason(channel: Channel, profile: dict[str, str | None], reason: str) -> None:
    assert suppression_reason(channel, profile) == reason


def test_caps_global_and_action_both_apply() -> None:
    caps: dict[Channel, FrequencyCap | None] = {
        "email": FrequencyCap(max=3, per_hours=24),
        "sms": None,
    }
    own = FrequencyCap(max=1, per_hours=168)
    assert caps_for("email", caps, own, action_id=17) == [
        CapRule("channel:email", 3, 86_400_000),
        CapRule("action:17", 1, 604_800_000),
    ]
    assert caps_for("email", caps, None) == [CapRule("channel:email", 3, 86_400_000)]
    assert caps_for("sms", caps, None) == []
    assert caps_for("push", caps, own, action_id=2) == [CapRule("action:2", 1, 604_800_000)]
    with pytest.raises(ValueError, match="action_id"):
        caps_for("push", caps, own)
