"""Reading uploaded player lists."""

from __future__ import annotations

import pytest

from card_svc.service_layer.uploads import UploadError, parse_player_ids


def test_csv_with_a_player_id_column() -> None:
    assert parse_player_ids(b"name,player_id\nann,100001\nbob,100002\n\nann,100001\n") == [
        "100001",
        "100002",
    ]


def test_one_id_per_line_with_bom() -> None:
    assert parse_player_ids("\ufeff100001\r\n100002\r\n".encode()) == ["100001", "100002"]


def test_bad_ids_are_named_by_line() -> None:
    with pytest.raises(UploadError) as err:
        parse_player_ids(b"player_id\n100001\nbad id!\n\n" + b"x" * 65 + b"\n")
    assert [e["line"] for e in err.value.errors] == [3, 5]
    assert "line 3" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"player_id\n", b"\xff\xfe"])
def test_unusable_files(content: bytes) -> None:
    with pytest.raises(UploadError):
        parse_player_ids(content)


def test_old_mac_and_windows_line_ends_separate_rows() -> None:
    assert parse_player_ids(b"player_id\r100001\r\n100002\r100003\n") == [
        "100001",
        "100002",
        "100003",
    ]


def test_a_stray_carriage_return_is_a_bad_line_not_a_crash() -> None:
    with pytest.raises(UploadError, match="line 2"):
        parse_player_ids(b"100001\r\x10\x00")
