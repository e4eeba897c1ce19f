"""The definition loader refuses broken files, naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwork.outcomes import DefinitionError, load_definition, load_directory
from linkwork.outcomes.definitions import bundled_directory

VALID = """\
id = "demo"
name = "Demo scale"
version = "1.0.0"
licence = "test only"
requires_registration = false
source = "unit test"
authored_by = "Linkwork outcomes library"
checked_by = "pending review"
response_format = "items"

[scoring]
method = "sum"

[option_sets]
three = [
  { value = 0, label = "low" },
  { value = 1, label = "middle" },
  { value = 2, label = "high" },
]

[[items]]
id = "first"
text = "First"
options = "three"

[[items]]
id = "second"
text = "Second"
options = "three"

[[bands]]
on = "total"
label = "lower"
min = 0
max = 1

[[bands]]
on = "total"
label = "upper"
min = 2
max = 4
"""


def write(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejects(tmp_path: Path, text: str, field: str, message: str, name: str = "demo.toml") -> None:
    path = write(tmp_path, text, name)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert caught.value.source == str(path)
    assert caught.value.field == field
    assert message in caught.value.message
    assert name in str(caught.value)


def test_loader_accepts_valid_definition(tmp_path: Path) -> None:
    inst = load_definition(write(tmp_path, VALID))
    assert (inst.id, inst.total_range, len(inst.bands)) == ("demo", (0, 4), 2)


def test_loader_rejects_unknown_top_level_key(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace('name = "Demo scale"', 'name = "D"\ncolour = "red"'),
        "colour",
        "unknown key",
    )


def test_loader_rejects_missing_required_field(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace('checked_by = "pending review"\n', ""),
        "checked_by",
        "missing required field",
    )


def test_loader_rejects_empty_checked_by(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace('checked_by = "pending review"', 'checked_by = ""'),
        "checked_by",
        "non-empty string",
    )


def test_loader_rejects_unknown_key_in_item(tmp_path: Path) -> None:
    text = VALID.replace('text = "First"', 'text = "First"\nweight = 2')
    rejects(tmp_path, text, "items[0].weight", "unknown key")


def test_loader_rejects_overlapping_bands(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace("min = 2\nmax = 4", "min = 1\nmax = 4"),
        "bands (on = 'total')",
        "overlap",
    )


def test_loader_rejects_gap_between_bands(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace("min = 2\nmax = 4", "min = 3\nmax = 4"),
        "bands (on = 'total')",
        "gap",
    )


def test_loader_rejects_bands_not_reaching_maximum(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace("min = 2\nmax = 4", "min = 2\nmax = 3"),
        "bands (on = 'total')",
        "not at the maximum 4",
    )


def test_loader_rejects_bands_not_starting_at_minimum(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace("min = 0\nmax = 1", "min = 1\nmax = 1"),
        "bands (on = 'total')",
        "not at the minimum 0",
    )


def test_loader_rejects_band_on_unknown_item(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace('on = "total"\nlabel = "upper"', 'on = "third"\nlabel = "u"'),
        "bands[1].on",
        "neither 'total' nor an item id",
    )


def test_loader_rejects_wrong_type(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace("requires_registration = false", "requires_registration = 0"),
        "requires_registration",
        "true or false",
    )


def test_loader_rejects_option_values_with_gap(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace('value = 2, label = "high"', 'value = 3, label = "high"'),
        "option_sets.three[2].value",
        "no gaps",
    )


def test_loader_rejects_unknown_option_set(tmp_path: Path) -> None:
    text = VALID.replace('text = "Second"\noptions = "three"', 'text = "Second"\noptions = "four"')
    rejects(tmp_path, text, "items[1].options", "no option set called 'four'")


def test_loader_rejects_id_not_matching_file_name(tmp_path: Path) -> None:
    rejects(tmp_path, VALID, "id", "must match the file name 'other'", name="other.toml")


def test_loader_rejects_invalid_toml_syntax(tmp_path: Path) -> None:
    rejects(tmp_path, VALID + "\n[scoring\n", "", "not valid TOML")


def test_loader_rejects_incomplete_conversion_table(tmp_path: Path) -> None:
    text = VALID.replace(
        'method = "sum"\n',
        'method = "sum"\n\n[scoring.conversion]\nname = "metric"\nsource = "t"\n'
        "table = [[0, 0.0], [1, 1.5], [2, 2.5], [3, 3.5]]\n",
    )
    rejects(tmp_path, text, "scoring.conversion.table", "stops at 3")


def test_loader_rejects_falling_conversion_table(tmp_path: Path) -> None:
    text = VALID.replace(
        'method = "sum"\n',
        'method = "sum"\n\n[scoring.conversion]\nname = "metric"\nsource = "t"\n'
        "table = [[0, 0.0], [1, 1.5], [2, 1.0], [3, 3.5], [4, 4.0]]\n",
    )
    rejects(tmp_path, text, "scoring.conversion.table[2][1]", "must not fall")


def test_loader_rejects_flag_outside_range(tmp_path: Path) -> None:
    text = VALID + '\n[[flags]]\nid = "alert"\non = "first"\nmin = 1\nmax = 3\nnote = "x"\n'
    rejects(tmp_path, text, "flags[0]", "min <= max <= 2")


def test_loader_rejects_lonely_cutoff_outside_total_range(tmp_path: Path) -> None:
    text = VALID + '\n[lonely]\non = "total"\ndefault_cutoff = 9\nnote = "x"\n'
    rejects(tmp_path, text, "lonely.default_cutoff", "outside the total range 0-4")


def test_loader_rejects_bad_version(tmp_path: Path) -> None:
    rejects(
        tmp_path,
        VALID.replace('version = "1.0.0"', 'version = "one"'),
        "version",
        "must look like 1.0.0",
    )


def test_loader_rejects_unsupported_eq5d_method(tmp_path: Path) -> None:
    text = (bundled_directory() / "eq5d5l.toml").read_text(encoding="utf-8")
    rejects(
        tmp_path,
        text.replace('id = "uk_5l_2026"', 'id = "uk_3l"'),
        "eq5d.methods[1].id",
        "'uk_3l' is not one of",
        name="eq5d5l.toml",
    )


def test_loader_directory_error_names_broken_file(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    broken = write(
        tmp_path, VALID.replace("demo", "second").replace("min = 0", "min = 5"), name="second.toml"
    )
    with pytest.raises(DefinitionError, match=r"second\.toml") as caught:
        load_directory(tmp_path)
    assert caught.value.source == str(broken)


def test_loader_directory_without_definitions_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="no instrument definitions"):
        load_directory(tmp_path)


def test_loader_bundled_definitions_reload_cleanly() -> None:
    assert len(load_directory(bundled_directory())) == 11
