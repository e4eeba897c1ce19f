"""The shared reader of reviewed data files raises the app's own error, naming the field."""

from pathlib import Path

import pytest

from linkwork.core.reviewed import ReviewedReader, read_toml


class _FileError(ValueError):
    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: {field}: {message}")
        self.source = source
        self.field = field


def test_keys_name_what_is_missing_then_what_is_unknown() -> None:
    r = ReviewedReader("f.toml", _FileError)
    with pytest.raises(_FileError, match=r"f\.toml: top: missing a, b"):
        r.keys({}, "top", {"a", "b"})
    with pytest.raises(_FileError, match=r"unknown key\(s\) z") as caught:
        r.keys({"a": 1, "z": 2}, "top", {"a"})
    assert caught.value.field == "top"
    r.keys({"a": 1, "o": 2}, "top", {"a"}, {"o"})


def test_text_strips_or_collapses_and_refuses_blank() -> None:
    table = {"t": "  one\n  two  ", "blank": "  ", "n": 3}
    assert ReviewedReader("f", _FileError).text(table, "t") == "one\n  two"
    assert ReviewedReader("f", _FileError, collapse=True).text(table, "t") == "one two"
    for key in ("blank", "n"):
        with pytest.raises(_FileError, match=rf"x\.{key}: must be non-empty text"):
            ReviewedReader("f", _FileError).text(table, key, "x")


def test_table_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(_FileError, match="must be a table"):
        ReviewedReader("f", _FileError).table([1], "x")
    bad = tmp_path / "bad.toml"
    bad.write_text("key = ", encoding="utf-8")
    with pytest.raises(_FileError, match="cannot be read as TOML") as caught:
        read_toml(bad, _FileError)
    assert caught.value.source == str(bad)
    assert caught.value.field == ""
    good = tmp_path / "good.toml"
    good.write_text('key = "v"\n', encoding="utf-8")
    assert read_toml(good, _FileError) == {"key": "v"}
