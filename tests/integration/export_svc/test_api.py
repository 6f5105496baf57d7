"""export-svc's HTTP API against real Redis and PostgreSQL: jobs, downloads, streams."""

from __future__ import annotations

import pytest

from export_svc.domain.jobs import ExportSpec, Progress
from export_svc.entrypoints.access import can_see_anonymized
from export_svc.service_layer.exports import Tracker, export_text, plan_of
from export_svc.service_layer.streaming import Tuning
from tests.integration.export_svc.conftest import Harness, PeerStub, Seeder
from tests.integration.export_svc.helpers import LABELS, expected_order, parse_csv, profiles

pytestmark = pytest.mark.integration
SEGMENT = 5
COLUMNS = ["player_id", "bets_count", "net_result", "last_bet_at", "country"]


@pytest.fixture
def seeded(seeder: Seeder, peers_stub: PeerStub) -> dict[str, dict[str, str]]:
    data = profiles(600)
    seeder.players(data)
    members = {p for i, p in enumerate(sorted(data)) if i % 3 != 0}
    seeder.members("segment", SEGMENT, members)
    peers_stub.segments[SEGMENT] = "VIPs at risk"
    return {p: data[p] for p in members}


async def _job(h: Harness, body: dict[str, object]) -> dict[str, object]:
    created = await h.client.post("/exports", json=body)
    assert created.status_code == 202, created.text
    assert created.json()["status"] == "queued"
    await h.run_jobs()
    status = await h.client.get(f"/exports/{created.json()['id']}")
    assert status.status_code == 200
    job: dict[str, object] = status.json()
    return job


async def test_job_exports_every_member_with_its_values(
    harness: Harness, seeded: dict[str, dict[str, str]]
) -> None:
    job = await _job(harness, {"segment_id": SEGMENT, "columns": COLUMNS})
    assert job["status"] == "succeeded", job
    progress = job["progress"]
    assert progress == {"phase": "done", "total_rows": len(seeded), "rows_read": len(seeded),
                        "rows_written": len(seeded), "percent": 100.0}  # fmt: skip
    file = await harness.client.get(f"/exports/{job['id']}/file")
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("text/csv")
    assert "attachment" in file.headers["content-disposition"]
    header, rows = parse_csv(file.content)
    assert header == [LABELS[c] for c in COLUMNS]
    assert b"\r\n" in file.content and file.content.endswith(b"\r\n")
    got = {r[0]: r[1:] for r in rows}
    assert len(rows) == len(got) == len(seeded)
    want = {p: [v.get(c, "") for c in COLUMNS[1:]] for p, v in seeded.items()}
    assert got == want


@pytest.mark.parametrize(
    ("field", "kind"),
    [("country", "text"), ("net_result", "number"), ("bets_count", "number"),
     ("last_bet_at", "datetime"), ("email_opt_in", "boolean"), ("player_id", "text")],
)  # fmt: skip
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_sorted_exports_follow_the_documented_order(
    harness: Harness, seeded: dict[str, dict[str, str]], field: str, kind: str, order: str
) -> None:
    # sort_run_rows=1000 with 400 rows: one run; the stream below merges runs of 100.
    body = {"segment_id": SEGMENT, "columns": ["player_id", field], "sort": field, "order": order}
    job = await _job(harness, body)
    file = await harness.client.get(f"/exports/{job['id']}/file")
    _, rows = parse_csv(file.content)
    want = expected_order(seeded, set(seeded), field, kind, order == "desc")
    assert [r[0] for r in rows] == want
    harness.app.state.services.tuning.__init__(chunk_rows=50, prefetch=2, sort_run_rows=100)
    params = {"segment_id": SEGMENT, "columns": f"player_id,{field}", "sort": field,
              "order": order}  # fmt: skip
    streamed = await harness.client.get("/exports/stream", params=params)
    assert streamed.status_code == 200
    assert streamed.content == file.content


async def test_download_resumes_with_ranges(
    harness: Harness, seeded: dict[str, dict[str, str]]
) -> None:
    job = await _job(harness, {"segment_id": SEGMENT, "columns": COLUMNS, "bom": True})
    url = f"/exports/{job['id']}/file"
    whole = (await harness.client.get(url)).content
    assert whole.startswith("\ufeff".encode())
    assert len(whole) == job["bytes"]
    part = await harness.client.get(url, headers={"Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    assert whole[:100] + part.content == whole
    beyond = await harness.client.get(url, headers={"Range": f"bytes={len(whole) + 5}-"})
    assert beyond.status_code == 416


async def test_stream_starts_with_the_header_and_equals_the_job_file(
    harness: Harness, seeded: dict[str, dict[str, str]]
) -> None:
    job = await _job(harness, {"segment_id": SEGMENT, "columns": COLUMNS})
    whole = (await harness.client.get(f"/exports/{job['id']}/file")).content
    params = {"segment_id": SEGMENT, "columns": ",".join(COLUMNS)}
    async with harness.client.stream("GET", "/exports/stream", params=params) as response:
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    assert body.startswith((",".join(LABELS[c] for c in COLUMNS) + "\r\n").encode())
    _, rows = parse_csv(body)
    _, job_rows = parse_csv(whole)
    assert sorted(rows) == sorted(job_rows)


async def test_anonymized_fields_are_masked_unless_the_caller_may_see_them(
    harness: Harness, seeded: dict[str, dict[str, str]]
) -> None:
    params = {"segment_id": SEGMENT, "columns": "player_id,email"}
    masked = await harness.client.get("/exports/stream", params=params)
    _, rows = parse_csv(masked.content)
    assert {r[1] for r in rows} == {"***"}
    refused = await harness.client.get("/exports/stream", params={**params, "sort": "email"})
    assert refused.status_code == 422
    assert "email" in refused.json()["detail"]
    fields = (await harness.client.get("/fields")).json()["items"]
    assert {f["name"] for f in fields if f["masked"]} == {"email", "username"}

    harness.app.dependency_overrides[can_see_anonymized] = lambda: True
    try:
        shown = await harness.client.get("/exports/stream", params=params)
        job = await _job(harness, {"segment_id": SEGMENT, "columns": ["player_id", "email"]})
    finally:
        harness.app.dependency_overrides.clear()
    _, rows = parse_csv(shown.content)
    assert {r[0]: r[1] for r in rows} == {p: v["email"] for p, v in seeded.items()}
    _, job_rows = parse_csv((await harness.client.get(f"/exports/{job['id']}/file")).content)
    assert sorted(job_rows) == sorted(rows)


async def test_cells_a_spreadsheet_would_run_are_neutralized(
    harness: Harness, seeder: Seeder, peers_stub: PeerStub
) -> None:
    nasty = {
        "1": {"country": "=HYPERLINK(\"http://x\",\"y\")", "net_result": "-12.5"},
        "2": {"country": "+41", "net_result": "-1e-05"},
        "3": {"country": "-cmd|' /C calc'!A0", "net_result": "3"},
        "4": {"country": "@SUM(A1)", "net_result": "=1+1"},
        "5": {"country": "\tTAB", "net_result": "+7"},
        "6": {"country": "\rCR", "net_result": "0"},
        "7": {"country": "a,b \"quoted\"\nline", "net_result": "-0"},
    }  # fmt: skip
    seeder.players(nasty)
    seeder.members("card", 9, nasty)
    peers_stub.cards[9] = "Nasty"
    params = {"card_id": 9, "columns": "player_id,country,net_result", "sort": "player_id"}
    response = await harness.client.get("/exports/stream", params=params)
    _, rows = parse_csv(response.content)
    assert rows == [
        ["1", "'=HYPERLINK(\"http://x\",\"y\")", "-12.5"],
        ["2", "'+41", "-1e-05"],
        ["3", "'-cmd|' /C calc'!A0", "3"],
        ["4", "'@SUM(A1)", "'=1+1"],
        ["5", "'\tTAB", "+7"],
        ["6", "'\rCR", "0"],
        ["7", "a,b \"quoted\"\nline", "-0"],
    ]  # fmt: skip
    assert b'"a,b ""quoted""\nline"' in response.content


async def test_jobs_are_listed_and_deleted_with_their_file(
    harness: Harness, seeded: dict[str, dict[str, str]]
) -> None:
    job = await _job(harness, {"segment_id": SEGMENT})
    listed = (await harness.client.get("/exports", params={"source_id": SEGMENT})).json()
    assert job["id"] in [j["id"] for j in listed["items"]]
    path = harness.app.state.services.files.path(job["file_name"])
    assert path.is_file()
    assert (await harness.client.delete(f"/exports/{job['id']}")).status_code == 204
    assert not path.exists()
    assert (await harness.client.get(f"/exports/{job['id']}")).status_code == 404
    assert (await harness.client.get(f"/exports/{job['id']}/file")).status_code == 404


async def test_bad_requests_say_what_to_fix(harness: Harness, peers_stub: PeerStub) -> None:
    unknown = await harness.client.post("/exports", json={"segment_id": 404})
    assert unknown.status_code == 404
    column = await harness.client.post("/exports", json={"card_id": 1, "columns": ["nope"]})
    assert column.status_code == 422 and "nope" in column.json()["detail"]
    two = await harness.client.post("/exports", json={"card_id": 1, "segment_id": 2})
    assert two.status_code == 422
    peers_stub.bad_refs[99] = "include.and[1]"
    body = {"definition": {"include": {"and": [{"card": 1}, {"card": 99}]}}}
    rejected = await harness.client.post("/exports", json=body)
    assert rejected.status_code == 422
    assert rejected.json()["errors"] == [{"loc": "include.and[1]", "msg": "card 99 does not exist"}]


async def test_an_unsaved_definition_is_exported_by_its_set_algebra(
    harness: Harness, seeder: Seeder
) -> None:
    data = profiles(300, seed=11)
    seeder.players(data)
    ids = sorted(data)
    a, b, c = set(ids[:200]), set(ids[100:]), set(ids[150:180])
    for card_id, members in ((21, a), (22, b), (23, c)):
        seeder.members("card", card_id, members)
    definition = {"include": {"and": [{"card": 21}, {"card": 22}]}, "exclude": {"card": 23}}
    body = {"definition": definition, "columns": ["player_id", "bets_count"]}
    job = await _job(harness, body)
    assert job["source"] == {"kind": "definition", "id": None, "name": "unsaved segment"}
    _, rows = parse_csv((await harness.client.get(f"/exports/{job['id']}/file")).content)
    assert {r[0]: r[1] for r in rows} == {p: data[p]["bets_count"] for p in (a & b) - c}
    streamed = await harness.client.post("/exports/stream", json=body)
    assert sorted(parse_csv(streamed.content)[1]) == sorted(rows)


@pytest.mark.parametrize("sort", [None, "net_result"])
async def test_snapshot_holds_while_membership_changes(
    harness: Harness, seeder: Seeder, seeded: dict[str, dict[str, str]], sort: str | None
) -> None:
    """Players leave and join once the first chunk is read: the export is the membership at
    its start, each player once."""
    before = set(seeded)
    leaving = sorted(before)[::2]
    joining = [f"new-{i}" for i in range(200)]
    seeder.players({p: {"bets_count": "1"} for p in joining})
    spec = ExportSpec("segment", SEGMENT, None, ("player_id",), sort, False, False, False)
    tracker = Tracker(sorted=sort is not None)
    moved: list[bool] = []

    def move_members(progress: Progress) -> None:
        if progress.rows_read and not moved:
            moved.append(True)
            seeder.remove("segment", SEGMENT, leaving)
            seeder.members("segment", SEGMENT, joining)

    tracker.listeners.append(move_members)
    members = harness.app.state.services.members
    tuning = Tuning(chunk_rows=20, prefetch=1, sort_run_rows=50)
    stream = export_text(spec, plan_of(spec), members=members, tuning=tuning, tracker=tracker)
    _, rows = parse_csv("".join([text async for text in stream]).encode())
    assert moved
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == before
    assert tracker.progress().percent == 100.0
