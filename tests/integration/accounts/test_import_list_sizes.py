"""`linkwork import-list-sizes FILE` reads NHS England's "Patients Registered at a GP
Practice" CSV: each known practice's all ages, all sexes row is its list size for the extract
date; other practices and the breakdown rows are counted and skipped. Exit codes as
import-oruk: 0 all read, 1 some rows rejected, 2 nothing usable."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwork.accounts.list_sizes import parse_extract_date
from linkwork.accounts.models import (
    Organisation,
    OrganisationKind,
    PracticeListSize,
    latest_list_sizes,
)
from linkwork.audit.models import AuditEvent
from linkwork.cli import main
from tests.factories import OrganisationFactory

FIXTURE = Path(__file__).parents[2] / "fixtures" / "list_sizes" / "gp-reg-pat-prac-all.csv"
HEADER = (
    "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,"
    "POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def practices() -> dict[str, Organisation]:
    made = {
        code: OrganisationFactory(name=name, kind=OrganisationKind.GP_PRACTICE, ods_code=code)
        for code, name in [
            ("Z90001", "Alder Street Surgery"),
            ("Z90002", "Beech Grove Medical Centre"),
            ("Z90003", "Canal Side Practice"),
            ("Z90004", "Dale View Surgery"),
        ]
    }
    # A voluntary organisation is never a practice, whatever its code.
    OrganisationFactory(name="Y99901 Trust", kind=OrganisationKind.VCSE, ods_code="Y99901")
    return made


def run(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_list_sizes", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), f"{err.getvalue()}{error}"
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_imports_the_all_ages_all_sexes_row_of_each_known_practice(practices):
    code, _, err = run(FIXTURE)
    assert code == 0, err
    stored = {
        row.practice.ods_code: (row.extract_date, row.patients)
        for row in PracticeListSize.objects.select_related("practice")
    }
    january = dt.date(2026, 1, 1)
    assert stored == {
        "Z90001": (january, 8412),
        "Z90002": (january, 12960),
        "Z90003": (january, 6245),  # a lower-case code and a thousands separator
    }


def test_reports_what_it_read_matched_and_skipped(practices):
    _, out, _ = run(FIXTURE)
    assert "Read 10 rows" in out
    assert "Imported the list sizes of 3 practices (extract date 1 January 2026)" in out
    # Y99901 to Y99903: not Linkwork's practices, the unpublished number of one never checked.
    assert "Skipped 3 practices Linkwork does not know, 3 rows by sex or age and 1 rows" in out
    assert "Rejected 0 rows" in out
    assert "No list size in the file for: Dale View Surgery (Z90004)" in out


def test_importing_again_replaces_the_same_extract_and_keeps_older_ones(practices, tmp_path):
    run(write(tmp_path, "L,01DEC2025,GP,99X,E38999001,Z90001,BK1 1AE,ALL,ALL,8300\n"))
    run(FIXTURE)
    run(FIXTURE)
    rows = PracticeListSize.objects.filter(practice=practices["Z90001"])
    assert sorted(rows.values_list("extract_date", "patients")) == [
        (dt.date(2025, 12, 1), 8300),
        (dt.date(2026, 1, 1), 8412),
    ]
    latest = latest_list_sizes()
    assert latest[practices["Z90001"].pk].patients == 8412
    assert latest_list_sizes(on=dt.date(2025, 12, 31))[practices["Z90001"].pk].patients == 8300


def test_the_import_is_audited_with_counts_only(practices):
    run(FIXTURE)
    event = AuditEvent.objects.get(action="accounts.list_sizes_imported")
    assert event.detail["imported"] == 3
    assert event.detail["unknown_practices"] == 3


def test_an_older_layout_with_ccg_codes_and_dates_like_01_jan_2019(practices, tmp_path):
    header = (
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
        "NUMBER_OF_PATIENTS\n"
    )
    path = write(
        tmp_path, "GP_PRAC_PAT_LIST,01-Jan-2019,GP,99X,E38999001,Z90002,,ALL,ALL,11870\n", header
    )
    code, _, err = run(path)
    assert code == 0, err
    assert PracticeListSize.objects.get().extract_date == dt.date(2019, 1, 1)


def test_bad_rows_of_known_practices_are_rejected_by_line_and_exit_1(practices, tmp_path):
    path = write(
        tmp_path,
        "L,01JAN2026,GP,99X,E38999001,Z90001,BK1 1AE,ALL,ALL,8412\n"
        "L,01JAN2026,GP,99X,E38999001,Z90002,BK2 4QT,ALL,ALL,about 13000\n"
        "L,1st January,GP,99X,E38999001,Z90003,BK3 2LP,ALL,ALL,6245\n"
        "L,01JAN2026,GP,99X,E38999001,,BK3 2LP,ALL,ALL,6245\n"
        "L,01JAN2026,GP,99X,E38999001,Z90001,BK1 1AE,ALL,ALL,9000\n",
    )
    code, out, err = run(path)
    assert code == 1
    assert 'line 3: NUMBER_OF_PATIENTS "about 13000" is not a whole number' in err
    assert 'line 4: EXTRACT_DATE "1st January" is not a date' in err
    assert "line 5: CODE is empty" in err
    assert "line 6: practice Z90001 has a second all ages, all sexes row" in err
    assert "Rejected 4 rows" in out
    # The good row is kept: rejecting a row never loses the others.
    assert list(PracticeListSize.objects.values_list("patients", flat=True)) == [8412]


def test_a_file_naming_no_known_practice_imports_nothing_and_exits_2(practices, tmp_path):
    path = write(tmp_path, "L,01JAN2026,GP,99X,E38999001,Y99901,ZZ1 1ZZ,ALL,ALL,5530\n")
    code, _, err = run(path)
    assert code == 2
    assert "no list size was imported" in err
    assert not PracticeListSize.objects.exists()
    assert not AuditEvent.objects.filter(action="accounts.list_sizes_imported").exists()


def test_a_file_in_another_layout_exits_2_naming_the_missing_columns(practices, tmp_path):
    path = write(tmp_path, "Z90001,8412\n", header="PRACTICE,PATIENTS\n")
    code, _, err = run(path)
    assert code == 2
    assert "no EXTRACT_DATE, CODE, SEX, AGE, NUMBER_OF_PATIENTS column" in err


def test_a_missing_file_exits_2(tmp_path):
    code, _, err = run(tmp_path / "absent.csv")
    assert code == 2
    assert "no such file" in err


def test_an_empty_file_exits_2(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    code, _, err = run(path)
    assert code == 2
    assert "the file is empty" in err


@pytest.mark.parametrize(
    "text", ["01JAN2026", "01Jan2026", "01-Jan-2026", "01-Jan-26", "2026-01-01", "01/01/2026"]
)
def test_extract_dates_as_the_publication_has_written_them(text):
    assert parse_extract_date(text) == dt.date(2026, 1, 1)


# One command per test: a management command closes the database connection when it ends,
# which on PostgreSQL leaves nothing for a second command in the same test's transaction.
def test_the_hyphenated_command_exits_2_when_no_practice_is_known(practices, tmp_path):
    """`linkwork import-list-sizes FILE`, as a person types it."""
    path = write(tmp_path, "L,01JAN2026,GP,99X,E38999001,Y99901,ZZ1 1ZZ,ALL,ALL,5530\n")
    with pytest.raises(SystemExit) as exited:
        main(["import-list-sizes", str(path)])
    assert exited.value.code == 2


def test_the_hyphenated_command_exits_0_when_everything_was_read(practices, capsys):
    assert main(["import-list-sizes", str(FIXTURE)]) == 0
    assert "Imported the list sizes of 3 practices" in capsys.readouterr().out
