"""CSV cells: RFC 4180 quoting, formula neutralization, masking, header and BOM."""

from __future__ import annotations

import csv
import io

import pytest

from export_svc.domain.cells import BOM, chunk_lines, chunk_text, header_line
from export_svc.domain.columns import resolve_plan
from segshared.rules import RuleError


@pytest.mark.parametrize(
    ("raw", "cell"),
    [("plain", "plain"), ("=1+1", "'=1+1"), ("+41", "'+41"), ("-cmd", "'-cmd"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "\"'\rx\""), ("a,b", '"a,b"'),
     ('say "hi"', '"say ""hi"""'), ("two\nlines", '"two\nlines"'), ("", ""),
     ("=a,b", "\"'=a,b\"")],
)  # fmt: skip
def test_text_cells_are_quoted_and_neutralized(raw: str, cell: str) -> None:
    plan = resolve_plan(["player_id", "country"], sort=None, descending=False,
                        can_see_anonymized=False)  # fmt: skip
    assert chunk_lines(plan, ["1", raw]) == [f"1,{cell}"]


@pytest.mark.parametrize(
    ("raw", "cell"),
    [("-12.5", "-12.5"), ("-1e-05", "-1e-05"), ("+7", "+7"), ("3", "3"), ("-0", "-0"),
     ("=1+1", "'=1+1"), ("-1+cmd", "'-1+cmd"), ("", "")],
)  # fmt: skip
def test_plain_numbers_of_numeric_fields_are_left_alone(raw: str, cell: str) -> None:
    plan = resolve_plan(["player_id", "net_result"], sort=None, descending=False,
                        can_see_anonymized=False)  # fmt: skip
    assert chunk_lines(plan, ["1", raw, "2", "5"]) == [f"1,{cell}", "2,5"]


def test_chunks_are_rfc4180_and_read_back() -> None:
    plan = resolve_plan(["player_id", "country", "bets_count"], sort=None, descending=False,
                        can_see_anonymized=False)  # fmt: skip
    flat = ["1", 'a "b", c', "3", "2", "Åland\r\nx", "4"]
    text = chunk_text(plan, flat)
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["1", 'a "b", c', "3"], ["2", "Åland\r\nx", "4"]
    ]  # fmt: skip


def test_masked_columns_are_not_read_and_read_as_stars() -> None:
    plan = resolve_plan(["player_id", "email", "bets_count"], sort=None, descending=False,
                        can_see_anonymized=False)  # fmt: skip
    assert plan.fetched == ("bets_count",)
    assert chunk_lines(plan, ["1", "3", "2", ""]) == ["1,***,3", "2,***,"]
    shown = resolve_plan(["player_id", "email"], sort=None, descending=False,
                         can_see_anonymized=True)  # fmt: skip
    assert chunk_lines(shown, ["1", "a@b.c"]) == ["1,a@b.c"]


def test_header_uses_labels_and_the_bom_is_optional() -> None:
    plan = resolve_plan(["player_id", "net_result", "attributes.vip_tier"], sort=None,
                        descending=False, can_see_anonymized=False)  # fmt: skip
    assert header_line(plan.columns) == "Player ID,Net result,vip_tier\r\n"
    assert BOM.encode("utf-8") == b"\xef\xbb\xbf"


def test_plans_refuse_unknown_fields_and_sorting_by_a_masked_one() -> None:
    with pytest.raises(RuleError, match="columns\\[1\\]"):
        resolve_plan(["player_id", "nope"], sort=None, descending=False, can_see_anonymized=False)
    with pytest.raises(RuleError, match="anonymized"):
        resolve_plan(None, sort="email", descending=False, can_see_anonymized=False)
    plan = resolve_plan(None, sort="net_result", descending=True, can_see_anonymized=False)
    assert plan.fetched == ("net_result",) and plan.position("net_result") == 1
