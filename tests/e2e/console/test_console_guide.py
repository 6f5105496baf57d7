"""Every numbered step of the Segments guide, in headless Chromium, on the real bets data.

The console of a stack that replayed the whole bets file is driven like an operator would:
create a segment from two cards with one exclude rule, execute it, change columns, sort both
ways, download the CSV, save, find it on the home screen, open its Table View, add an action,
edit, clone and delete it (a refused delete first), the Cards screen, and counts that follow
new events without a reload. Counts, members, order and CSV rows are compared with the
oracle (plain Python over the CSV). The tests run in file order and build on each other.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from segshared.topics import PLAYER_EVENTS
from tests.e2e.console.screens import Console
from tests.e2e.export_checks import read_csv, typed
from tests.e2e.kafka_io import big_bets, publish_events
from tests.e2e.pipeline import Pipeline
from tests.oracle.bets_oracle import Figures, Row, clock, player_figures, profile_row

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

A, B, C = "High rollers", "Frequent players", "Net losers"
NAME = "High-rolling regulars"
EDITED = "High-rolling regulars (edited)"
CLONE = "High-rolling regulars, copy"
COLUMNS = ["player_id", "bets_count", "total_wagered", "net_result", "biggest_bet", "email"]
SHOWN = ["Player ID", "Bets", "Total wagered", "Net result", "Biggest bet", "Email"]
PAGE = 25
TABLET = {"width": 820, "height": 1180}
HOME, CARDS = re.compile(r"#/segments$"), re.compile(r"#/cards$")


@pytest.fixture(scope="module")
def figures(oracle_rows: list[Row]) -> dict[str, Figures]:
    return player_figures(oracle_rows)


@pytest.fixture(scope="module")
def members(oracle_cards: dict[str, set[str]]) -> set[str]:
    """(High rollers AND Frequent players) minus Net losers, by the oracle."""
    return (oracle_cards[A] & oracle_cards[B]) - oracle_cards[C]


def _value(figures: dict[str, Figures], player: str, column: str) -> Any:
    return profile_row(figures[player])[column]


def _order(
    players: set[str], figures: dict[str, Figures], column: str, descending: bool
) -> list[str]:
    """The oracle's order: by value (missing last), ties by numeric player id ascending."""

    def key(p: str) -> tuple[Any, ...]:
        value = _value(figures, p, column)
        if value is None:
            return (1, 0, int(p))
        return (0, -value if descending else value, int(p))

    return sorted(players, key=key)


def _check_csv(
    body: bytes, want_order: list[str], figures: dict[str, Figures], labels: list[str]
) -> None:
    header, rows = read_csv(body)
    assert header == labels
    assert [r[0] for r in rows] == want_order
    for row in rows:
        player = row[0]
        for column, cell in zip(COLUMNS[1:], row[1:], strict=True):
            if column == "email":
                assert cell == "***", "anonymized fields are masked"
                continue
            assert typed(cell, _value(figures, player, column)) == _value(figures, player, column)


def test_home_shows_every_segment_with_its_count_and_history(
    console: Console, oracle_segments: dict[str, set[str]]
) -> None:
    console.open("#/segments")
    for name, players in oracle_segments.items():
        console.panel_count(name, len(players))
        chart = console.panel(name).locator("svg.spark")
        expect(chart).to_be_visible()
        # The workers sampled the sizes during the replay: real history at first sight.
        assert int(chart.get_attribute("data-points") or 0) >= 1
        expect(console.panel(name).locator(".changed")).to_contain_text("Last changed")
    console.shot("01-segments-home")


def test_the_menu_works_with_the_keyboard_at_tablet_width(console: Console) -> None:
    page = console.page
    page.set_viewport_size(TABLET)
    console.open("#/segments")
    console.shot("01b-segments-home-tablet")
    dots = console.panel("VIPs at risk").get_by_role("button", name="Menu of VIPs at risk")
    dots.focus()
    page.keyboard.press("Enter")
    expect(console.panel("VIPs at risk").get_by_role("menuitem", name="Table View")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dots).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")  # Add Action
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/segments/\d+/actions$"))
    console.loaded()
    console.shot("01c-add-action-tablet")


def test_create_execute_columns_sort_download_and_save(
    console: Console, members: set[str], figures: dict[str, Figures]
) -> None:
    page = console.page
    console.open("#/segments")
    page.get_by_role("link", name="Create Segment").first.click()  # 1
    console.loaded()
    page.get_by_label("Name", exact=True).fill(NAME)  # 2
    page.get_by_role("button", name="Execute").click()  # 3: Filters are needed first
    expect(page.locator("section.block.include .node-error").first).to_contain_text(
        "Add at least one rule"
    )
    console.add_reference("include", A)  # 4, 5
    console.add_reference("include", B)
    console.add_reference("exclude", C)
    expect(page.locator("section.block.include .picker-button")).to_have_text(
        [f"Card: {A} (627)", f"Card: {B} (643)"]
    )
    console.shot("02-create-filters")

    page.get_by_role("button", name="Execute").click()  # 6
    expect(page.locator("output.exec-count")).to_have_text(f"{len(members)} players match")
    console.wait_table()  # 7: the matching players, first page by player id
    assert [r[0] for r in console.rows()] == sorted(members, key=int)[:PAGE]
    console.shot("03-create-executed")

    console.set_columns(add=("biggest_bet", "email"), remove=("last_bet_at",))  # 10
    assert console.headers() == SHOWN
    assert {row[-1] for row in console.shown()} == {"***"}, "anonymized fields are masked"
    for order, descending in (("ascending", False), ("descending", True)):  # 12
        console.sort_by("Net result", order)
        want = _order(members, figures, "net_result", descending)[:PAGE]
        rows = console.rows()
        assert [r[0] for r in rows] == want
        assert [r[3] for r in rows] == [_value(figures, p, "net_result") for p in want]
    console.shot("04-create-columns-sorted")

    body = console.download_csv("execute.csv")  # 11: what is shown, for every member
    _check_csv(body, _order(members, figures, "net_result", True), figures, console.headers())

    page.get_by_role("button", name="Save").click()  # 8, 13
    expect(page).to_have_url(HOME)
    console.loaded()
    console.panel_count(NAME, len(members))  # 9
    console.shot("05-home-after-save")


def test_table_view_remembers_columns_sorts_and_downloads(
    console: Console, members: set[str], figures: dict[str, Figures]
) -> None:
    console.open("#/segments")
    console.menu(NAME, "Table View")  # Download 1, 2
    console.loaded()
    console.wait_table()
    assert console.headers() == SHOWN, "Column Settings are kept after Save"
    console.set_columns(remove=("email",))  # 3
    console.set_columns(add=("email",))
    console.sort_by("Total wagered", "descending")  # 5
    want = _order(members, figures, "total_wagered", True)
    assert [r[0] for r in console.rows()] == want[:PAGE]
    console.page.get_by_role("button", name="Next").click()
    console.wait_table()
    assert [r[0] for r in console.rows()] == want[PAGE : 2 * PAGE]
    console.shot("06-table-view")
    _check_csv(console.download_csv("table.csv"), want, figures, console.headers())  # 4


def test_add_action_shows_validation_errors_then_lists_the_action(console: Console) -> None:
    page = console.page
    console.open("#/segments")
    console.menu(NAME, "Add Action")
    console.loaded()
    page.get_by_label("Scheduled recurring").check()
    page.get_by_label("Repeat").select_option("cron")
    expect(page.get_by_label("Hours", exact=True)).to_be_hidden()
    page.get_by_label("Cron (minute hour day month weekday)").fill("61 9 * * *")
    page.get_by_label("Name", exact=True).fill("Weekly digest")
    page.get_by_label("Subject").fill("This week")
    page.get_by_label("Body").fill("Hello {{player_id}}")
    page.get_by_role("button", name="Create action").click()
    expect(page.locator('[data-error-for="schedule.cron"]')).to_contain_text("minute field")

    page.get_by_label("Triggered on entry").check()
    expect(page.get_by_label("Repeat")).to_be_hidden()
    page.get_by_label("Body").fill("")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Name", exact=True).fill("Welcome, regular")
    page.get_by_label("Subject").fill("Hi {{username|there}}")
    page.get_by_role("button", name="Create action").click()
    error = page.locator('[data-error-for="definition"]')
    expect(error).to_contain_text("missing: body")
    console.shot("07-add-action-error")
    page.get_by_label("Body").fill("Your biggest stake so far: {{biggest_bet}}")
    page.get_by_role("button", name="Create action").click()
    row = page.locator("section.action-list tbody tr").filter(has_text="Welcome, regular")
    expect(row).to_contain_text("Triggered on entry")
    expect(row).to_contain_text("active")
    expect(error).to_be_empty()
    console.shot("08-add-action")


def test_a_delete_is_refused_while_an_action_uses_the_segment(console: Console) -> None:
    page = console.page
    console.open("#/segments")
    console.menu(NAME, "Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    refusal = page.get_by_role("alertdialog")
    expect(refusal).to_contain_text("was not deleted")
    expect(refusal).to_contain_text("Welcome, regular")
    console.shot("09-delete-refused")
    refusal.get_by_role("button", name="OK").click()
    expect(console.panel(NAME)).to_be_visible()


def test_edit_shows_api_errors_next_to_the_rule_then_saves(
    console: Console, oracle_segments: dict[str, set[str]], members: set[str]
) -> None:
    page = console.page
    console.open("#/segments")
    console.menu("VIPs at risk", "Edit")
    console.loaded()
    console.add_reference("include", "Reactivation campaign")  # which reads VIPs at risk
    page.get_by_role("button", name="Save").click()
    rule = page.locator("section.block.include li.rule").last
    expect(rule.locator(".node-error")).to_contain_text("cycle")
    console.shot("10-edit-cycle-error")
    page.get_by_role("link", name="Cancel").click()
    console.loaded()
    console.panel_count("VIPs at risk", len(oracle_segments["VIPs at risk"]))

    console.menu(NAME, "Edit")
    console.loaded()
    expect(page.get_by_label("Name", exact=True)).to_have_value(NAME)
    page.get_by_label("Name", exact=True).fill(EDITED)
    page.get_by_label("Description", exact=True).fill("Big, frequent and not losing")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(HOME)
    console.loaded()
    console.panel_count(EDITED, len(members))
    expect(console.panel(EDITED)).to_contain_text("Big, frequent and not losing")


def test_clone_then_delete_the_clone(console: Console, members: set[str]) -> None:
    page = console.page
    console.open("#/segments")
    console.menu(EDITED, "Clone")
    page.get_by_role("dialog").get_by_label("Name of the copy").fill(CLONE)
    page.get_by_role("dialog").get_by_role("button", name="Clone").click()
    console.panel_count(CLONE, len(members))
    console.shot("11-cloned")
    console.menu(CLONE, "Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(console.panel(CLONE)).to_have_count(0)
    expect(console.panel(EDITED)).to_be_visible()


def test_cards_screen_table_view_csv_and_card_creation(
    console: Console, oracle_cards: dict[str, set[str]], figures: dict[str, Figures]
) -> None:
    page = console.page
    console.open("#/segments")
    page.get_by_role("navigation").get_by_role("link", name="Cards").click()
    console.loaded()
    for name, players in oracle_cards.items():
        console.panel_count(name, len(players))
    console.shot("12-cards-home")

    console.menu(A, "Table View")
    console.loaded()
    console.wait_table()
    console.set_columns(add=("biggest_bet", "email"), remove=("last_bet_at",))
    console.sort_by("Biggest bet", "descending")
    want = _order(oracle_cards[A], figures, "biggest_bet", True)
    assert [r[0] for r in console.rows()] == want[:PAGE]
    _check_csv(console.download_csv("card.csv"), want, figures, console.headers())
    console.shot("13-card-table-view")

    console.open("#/cards")
    page.get_by_role("link", name="Create Card").first.click()
    console.loaded()
    page.get_by_label("Name", exact=True).fill("Heavy losers")
    condition = page.locator("li.rule .condition").first
    condition.get_by_label("Condition on").select_option("field")
    condition.get_by_label("Field").select_option("net_result")
    condition.get_by_label("Operator").select_option("lt")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("li.rule .node-error").first).to_contain_text("Give a value")
    condition.get_by_label("Value").fill("-10000")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(CARDS)
    console.loaded()
    heavy = {p for p, f in figures.items() if f.net_result < -10000}
    console.panel_count("Heavy losers", len(heavy))
    console.shot("14-card-created")

    console.menu("Heavy losers", "Add Action")
    console.loaded()
    expect(page.get_by_role("heading", name='Add Action to "Heavy losers"')).to_be_visible()


def test_counts_and_charts_follow_new_events_without_a_reload(
    console: Console,
    replayed: Pipeline,
    oracle_rows: list[Row],
    oracle_cards: dict[str, set[str]],
) -> None:
    console.open("#/cards")
    chart = console.panel(A).locator("svg.spark")
    before = int(chart.get_attribute("data-points") or 0)
    newcomers = [f"console-live-{i}" for i in range(40)]
    at = clock(oracle_rows).isoformat().replace("+00:00", "Z")
    publish_events(replayed.stack.bootstrap, PLAYER_EVENTS, big_bets(newcomers, at, tag="live"),
                   replayed.partitions)  # fmt: skip
    console.panel_count(A, len(oracle_cards[A]) + len(newcomers))
    expect(chart).not_to_have_attribute("data-points", str(before), timeout=30_000)
    console.shot("15-live-update")


def test_a_wrong_key_is_refused_on_the_login_screen(console: Console) -> None:
    page = console.page
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"#/login$"))
    console.open("#/segments")  # without a key every screen leads to the login
    expect(page).to_have_url(re.compile(r"#/login$"))
    console.try_key("psk_000000000000_not-a-real-secret")
    expect(page.locator("#login-error")).to_contain_text("not valid")
    expect(page).to_have_url(re.compile(r"#/login$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
