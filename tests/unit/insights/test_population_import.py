"""`linkwork import-population`: the ONS single-year-of-age layout by LSOA, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwork.insights.models import CatchmentPopulation

pytestmark = pytest.mark.django_db
HEADER = "LSOA Code,LSOA Name,LA Code,All Ages," + ",".join([*map(str, range(90)), "90+"])


def _row(code: str, total: int | str, ages: list[int]) -> str:
    return f"{code},Beck {code[-3:]},E08000035,{total}," + ",".join(map(str, ages))


def _ages(**given: int) -> list[int]:
    ages = [0] * 91
    for key, value in given.items():
        ages[90 if key == "a90" else int(key[1:])] = value
    return ages


def test_loads_every_lsoa_and_replaces_the_last_release(tmp_path: Path, capsys):
    CatchmentPopulation.objects.create(lsoa="E01999999", all_ages=5, by_age=_ages(a1=5))
    path = tmp_path / "mye.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                _row("E01000001", '"1,250"', _ages(a0=250, a90=1000)),
                _row("W01000002", 30, _ages(a45=30)),
            ]
        ),
        encoding="utf-8",
    )
    call_command("import_population", str(path))
    assert "Loaded the population of 2 LSOAs." in capsys.readouterr().out
    rows = {row.lsoa: row for row in CatchmentPopulation.objects.all()}
    assert set(rows) == {"E01000001", "W01000002"}
    assert (rows["E01000001"].all_ages, rows["E01000001"].by_age[90]) == (1250, 1000)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["LSOA Code,LSOA Name,All Ages,0,1"], "no column for: 2, 3"),
        ([HEADER, _row("X01000001", 1, _ages(a1=1))], "line 2: LSOA code 'X01000001'"),
        (
            [HEADER, _row("E01000001", 10, _ages(a1=9))],
            "line 2: the ages add up to 9, not All Ages 10",
        ),
        (
            [HEADER, _row("E01000001", 1, _ages(a1=1)), _row("E01000001", 1, _ages(a1=1))],
            "line 3: LSOA E01000001 appears twice",
        ),
        ([HEADER], "no rows under its header"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_the_problem(tmp_path: Path, lines, message):
    CatchmentPopulation.objects.create(lsoa="E01999999", all_ages=5, by_age=_ages(a1=5))
    path = tmp_path / "mye.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_population", str(path))
    assert list(CatchmentPopulation.objects.values_list("lsoa", flat=True)) == ["E01999999"]


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_population", str(tmp_path / "none.csv"))
