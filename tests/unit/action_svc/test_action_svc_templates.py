"""Placeholders: parsing, unknown names, rendering with fallbacks and escaping."""

from __future__ import annotations

import html
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from action_svc.domain.templates import (
    TemplateError,
    json_escape,
    parse,
    placeholders,
    render,
    unknown_placeholders,
)


def test_placeholders_in_order_distinct_with_whitespace_and_fallbacks() -> None:
    text = "Hi {{username}}, {{ country | n/a }} / {{username}} {{attributes.vip_tier}}"
    assert placeholders(text) == ["username", "country", "attributes.vip_tier"]
    assert [p.fallback for p in parse(text)] == [None, "n/a", None, None]
    assert placeholders("no placeholders, {single} braces and }} stray closers") == []


def test_unknown_placeholders() -> None:
    known = {"username", "country"}
    assert unknown_placeholders("{{username}} {{balanse}} {{x}} {{balanse}}", known) == [
        "balanse",
        "x",
    ]


def test_render_values_fallbacks_and_missing() -> None:
    text = "Hi {{ username | friend }}! From {{country}}. Bets: {{bets_count|0}}."
    assert render(text, {"username": "ann", "country": "MT", "bets_count": "3"}) == (
        "Hi ann! From MT. Bets: 3."
    )
    # Missing, None and "" all take the fallback, or render as nothing.
    assert render(text, {"username": None, "bets_count": ""}) == "Hi friend! From . Bets: 0."


def test_fallback_is_trimmed_and_may_contain_spaces_and_pipes() -> None:
    assert render("{{ x |  dear player | vip  }}", {}) == "dear player | vip"


def test_json_body_with_nested_objects_renders_and_escapes() -> None:
    body = '{"player": "{{player_id}}", "meta": {"name": "{{username}}"}}'
    values = {"player_id": "p1", "username": 'evil", "admin": true, "x": "\n'}
    out = render(body, values, escape=json_escape)
    assert json.loads(out) == {"player": "p1", "meta": {"name": values["username"]}}


def test_html_escape_applies_to_values_not_literal_text() -> None:
    assert render("<b>{{u}}</b>", {"u": "<script>"}, escape=html.escape) == (
        "<b>&lt;script&gt;</b>"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi {{username", "position 3 is never closed"),
        ("Hi {{ user name }}", "is not a placeholder"),
        ("{{}}", "is not a placeholder"),
        ("{{{username}}}", "is not a placeholder"),
        ("{{ a {{ b }}", "not closed before the next"),
        ("{{ 9lives }}", "is not a placeholder"),
    ],
)
def test_malformed_placeholders_are_errors(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        placeholders(text)
    with pytest.raises(TemplateError):
        render(text, {})


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200))
def test_text_without_braces_renders_unchanged(text: str) -> None:
    assert render(text, {"x": "y"}) == text
    assert placeholders(text) == []


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abc {}\n", max_size=10).filter(lambda s: "{{" not in s),
            st.sampled_from(["player_id", "country", "attributes.tier"]),
            st.text(alphabet="xyz{<\"'", max_size=8),
        ),
        max_size=5,
    )
)
def test_render_replaces_exactly_the_placeholders(parts: list[tuple[str, str, str]]) -> None:
    # Literal chunks may end with "{" or start with "}", so pad them with a separator.
    text = "".join(f"{lit}|{{{{{name}}}}}|" for lit, name, _ in parts)
    values = {name: value for _, name, value in parts}
    expected = "".join(f"{lit}|{values[name]}|" for lit, name, _ in parts)
    assert render(text, values) == expected
