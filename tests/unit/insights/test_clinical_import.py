"""Clinical measures and health-care use from GP and hospital records: rows matched by NHS
number, every bad row named by line and column and never written, units converted only
where the conversion is standard, re-imports that change nothing, and rows that only the
people doing casework in the person's scheme can read."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.cli import main
from linkwork.insights.clinical import (
    ClinicalFileError,
    hba1c_from_percent,
    import_care_use,
    import_clinical,
)
from linkwork.insights.models import CareUse, ClinicalMeasure
from tests.factories import MembershipFactory, PersonFactory, ReferralFactory, SchemeFactory

TODAY = dt.date(2026, 1, 31)
# Valid NHS numbers (modulus 11), written as GP systems may send them.
FIRST = "9434765919"
SECOND = "9434765870"
NOBODY = "9434765862"


def lines(text: str) -> io.StringIO:
    return io.StringIO(text.lstrip())


@pytest.fixture
def people(db: None) -> dict[str, object]:
    return {
        FIRST: PersonFactory(nhs_number=FIRST, given_name="Zebedee", family_name="Quillfeather"),
        SECOND: PersonFactory(nhs_number=SECOND),
    }


CLINICAL = """
NHS Number,Measure,Value,Unit,Measured On,Surname
943 476 5919,hba1c,58,mmol/mol,2025-03-04,Quillfeather
943-476-5919,HbA1c,7.5,%,2025-09-30,Quillfeather
9434765919,bmi,31.24,kg/m2,04/03/2025,Quillfeather
9434765919,systolic_bp,142,mmHg,04-Mar-2025,Quillfeather
9434765919,diastolic_bp,88,mm[Hg],2025-03-04,Quillfeather
9434765919,total_cholesterol,201,mg/dL,2025-03-04,Quillfeather
9434765870,smoking_status,Ex-smoker,,2025-03-04,Other
9434765870,total_cholesterol,4.8,,2025-03-04,Other
"""


def test_hba1c_percent_converts_by_the_master_equation():
    # 6.5% is the diagnostic threshold, 48 mmol/mol; 7.0% is 53 mmol/mol.
    assert round(hba1c_from_percent(6.5)) == 48
    assert round(hba1c_from_percent(7.0)) == 53
    assert hba1c_from_percent(7.5) == pytest.approx((7.5 - 2.152) / 0.09148)


def test_clinical_rows_are_matched_by_nhs_number_and_stored_in_their_units(people):
    report = import_clinical(lines(CLINICAL), today=TODAY)
    assert report.rejected == []
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (8, 8, 0, 0)
    stored = {
        (row.person.nhs_number, row.measure, row.measured_on): (row.value, row.category)
        for row in ClinicalMeasure.objects.select_related("person")
    }
    assert stored == {
        (FIRST, "hba1c", dt.date(2025, 3, 4)): (58.0, ""),
        (FIRST, "hba1c", dt.date(2025, 9, 30)): (58.0, ""),  # 7.5% is 58.46 mmol/mol
        (FIRST, "bmi", dt.date(2025, 3, 4)): (31.2, ""),
        (FIRST, "systolic_bp", dt.date(2025, 3, 4)): (142.0, ""),
        (FIRST, "diastolic_bp", dt.date(2025, 3, 4)): (88.0, ""),
        (FIRST, "total_cholesterol", dt.date(2025, 3, 4)): (5.2, ""),  # 201 / 38.665
        (SECOND, "smoking_status", dt.date(2025, 3, 4)): (None, "ex"),
        (SECOND, "total_cholesterol", dt.date(2025, 3, 4)): (4.8, ""),
    }
    (event,) = AuditEvent.objects.filter(action="insights.clinical_imported")
    assert event.detail == {
        "rows_read": 8,
        "created": 8,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }


def test_importing_the_same_file_again_changes_nothing(people):
    import_clinical(lines(CLINICAL), today=TODAY)
    before = list(ClinicalMeasure.objects.order_by("pk").values())
    again = import_clinical(lines(CLINICAL), today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert list(ClinicalMeasure.objects.order_by("pk").values()) == before


def test_a_corrected_value_replaces_the_stored_one(people):
    import_clinical(lines(CLINICAL), today=TODAY)
    corrected = "nhs_number,measure,value,measured_on\n9434765919,bmi,30.9,2025-03-04\n"
    report = import_clinical(lines(corrected), today=TODAY)
    assert (report.created, report.updated) == (0, 1)
    assert ClinicalMeasure.objects.get(measure="bmi").value == 30.9
    assert ClinicalMeasure.objects.count() == 8


BAD_CLINICAL = [
    ("0000000001,bmi,30,kg/m2,2025-01-01", "nhs_number", "not a valid NHS number"),
    (f"{NOBODY},bmi,30,kg/m2,2025-01-01", "nhs_number", "matches no person"),
    ("9434765919,weight,80,kg,2025-01-01", "measure", "is not one of hba1c"),
    ("9434765919,bmi,thirty,kg/m2,2025-01-01", "value", "is not a number"),
    ("9434765919,bmi,95,kg/m2,2025-01-01", "value", "outside 10 to 80 kg/m2"),
    ("9434765919,hba1c,6.5,,2025-01-01", "value", "give the unit %"),
    ("9434765919,hba1c,250,mmol/mol,2025-01-01", "value", "outside 20 to 200 mmol/mol"),
    ("9434765919,systolic_bp,19,kPa,2025-01-01", "unit", "is not a unit of systolic_bp"),
    ("9434765919,smoking_status,sometimes,,2025-01-01", "value", "never, ex or current"),
    ("9434765919,bmi,30,kg/m2,yesterday", "measured_on", "is not a date"),
    ("9434765919,bmi,30,kg/m2,2026-02-01", "measured_on", "is in the future"),
    ("9434765919,bmi,30,kg/m2,", "measured_on", "is empty"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_CLINICAL)
def test_each_bad_clinical_row_is_named_by_line_and_column_and_not_written(
    people, row, column, reason
):
    text = f"nhs_number,measure,value,unit,measured_on\n9434765870,bmi,27,kg/m2,2025-01-01\n{row}\n"
    report = import_clinical(lines(text), today=TODAY)
    (rejected,) = report.rejected
    assert rejected[:2] == (3, column)
    assert reason in rejected[2]
    assert rejected[2].startswith(f"{column}: ")
    # Never the person's NHS number or name, whatever the column.
    assert "9434765919" not in rejected[2]
    assert "943 476" not in rejected[2]
    assert report.created == 1
    assert ClinicalMeasure.objects.count() == 1


def test_a_second_reading_of_the_same_measure_on_the_same_day_is_rejected(people):
    text = (
        "nhs_number,measure,value,measured_on\n"
        "9434765919,systolic_bp,150,2025-01-01\n"
        "9434765919,systolic_bp,138,2025-01-01\n"
    )
    report = import_clinical(lines(text), today=TODAY)
    assert report.rejected == [
        (
            3,
            "measured_on",
            "measured_on: the same person's systolic_bp on this day is on line 2 too",
        )
    ]
    assert ClinicalMeasure.objects.get().value == 150


def test_a_number_shared_by_two_records_matches_neither(people):
    PersonFactory(nhs_number=SECOND)
    text = "nhs_number,measure,value,measured_on\n9434765870,bmi,27,2025-01-01\n"
    report = import_clinical(lines(text), today=TODAY)
    assert report.rejected == [
        (
            2,
            "nhs_number",
            "nhs_number: matches more than one person in Linkwork: merge their records first",
        )
    ]
    assert not ClinicalMeasure.objects.exists()


def test_a_file_without_a_needed_column_is_refused_whole(people):
    with pytest.raises(ClinicalFileError, match="no measured_on column"):
        import_clinical(lines("nhs_number,measure,value\n9434765919,bmi,30\n"), today=TODAY)
    with pytest.raises(ClinicalFileError, match="empty"):
        import_clinical(lines(""), today=TODAY)


CARE_USE = """
nhs_number,setting,period_start,period_end,count
9434765919,gp_appointment,2025-01-01,2025-12-31,7
9434765919,A&E,2025-01-01,2025-12-31,2
9434765919,non_elective_admission,2025-06-14,,
9434765919,elective_admission,2025-01-01,2025-12-31,0
9434765870,outpatient_attendance,01/02/2025,28/02/2025,3
"""


def test_care_use_rows_are_stored_per_person_setting_and_period(people):
    report = import_care_use(lines(CARE_USE), today=TODAY)
    assert report.rejected == []
    assert report.created == 5
    stored = {
        (row.person.nhs_number, row.setting, row.period_start, row.period_end): row.count
        for row in CareUse.objects.select_related("person")
    }
    assert stored == {
        (FIRST, "gp_appointment", dt.date(2025, 1, 1), dt.date(2025, 12, 31)): 7,
        (FIRST, "ae_attendance", dt.date(2025, 1, 1), dt.date(2025, 12, 31)): 2,
        # One event: its day is the period, and it counts once.
        (FIRST, "non_elective_admission", dt.date(2025, 6, 14), dt.date(2025, 6, 14)): 1,
        (FIRST, "elective_admission", dt.date(2025, 1, 1), dt.date(2025, 12, 31)): 0,
        (SECOND, "outpatient_attendance", dt.date(2025, 2, 1), dt.date(2025, 2, 28)): 3,
    }
    again = import_care_use(lines(CARE_USE), today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert CareUse.objects.count() == 5


BAD_CARE_USE = [
    (f"{NOBODY},gp_appointment,2025-01-01,2025-01-31,1", "nhs_number", "matches no person"),
    ("9434765919,pharmacy,2025-01-01,2025-01-31,1", "setting", "is not one of gp_appointment"),
    ("9434765919,gp_appointment,2025-13-01,2025-01-31,1", "period_start", "is not a date"),
    ("9434765919,gp_appointment,2025-02-01,2025-01-31,1", "period_end", "before period_start"),
    ("9434765919,gp_appointment,2025-01-01,2025-01-31,-2", "count", "whole number"),
    ("9434765919,gp_appointment,2025-01-01,2025-01-31,2.5", "count", "whole number"),
    ("9434765919,gp_appointment,2025-01-01,2025-01-31,20000", "count", "more than 10,000"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_CARE_USE)
def test_each_bad_care_use_row_is_named_by_line_and_column_and_not_written(
    people, row, column, reason
):
    text = f"nhs_number,setting,period_start,period_end,count\n{row}\n"
    report = import_care_use(lines(text), today=TODAY)
    (rejected,) = report.rejected
    assert rejected[:2] == (2, column)
    assert reason in rejected[2]
    assert not CareUse.objects.exists()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.csv"
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def test_command_exits_1_when_some_rows_are_rejected_and_never_prints_identifiers(people, tmp_path):
    path = write(tmp_path, CLINICAL + f"{NOBODY},bmi,30,kg/m2,2025-01-01,Nobody\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_clinical", str(path), stdout=stdout, stderr=stderr)
    assert failed.value.returncode == 1
    assert "Imported 8 measures: 8 new" in stdout.getvalue()
    assert "line 10: nhs_number: matches no person in Linkwork" in stderr.getvalue()
    printed = stdout.getvalue() + stderr.getvalue() + str(failed.value)
    for text in (FIRST, SECOND, NOBODY, "943 476", "Quillfeather", "Zebedee", "Nobody"):
        assert text not in printed


def test_command_exits_2_when_nothing_is_imported(people, tmp_path):
    path = write(tmp_path, f"nhs_number,setting,period_start\n{NOBODY},gp,2025-01-01\n")
    with pytest.raises(CommandError) as failed:
        call_command("import_care_use", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert failed.value.returncode == 2
    assert "nothing was imported (1 row(s) rejected)" in str(failed.value)


def test_command_exits_2_for_a_file_of_another_layout(people, tmp_path):
    path = write(tmp_path, "code,patients\nY00001,5000\n")
    with pytest.raises(CommandError) as failed:
        call_command("import_clinical", str(path), stdout=io.StringIO())
    assert failed.value.returncode == 2
    assert "no nhs_number, measure, value, measured_on column" in str(failed.value)


# One command per test: a management command run through `main` closes the connection.
def test_the_hyphenated_command_exits_0_when_every_row_was_read(people, tmp_path, capsys):
    path = write(tmp_path, CARE_USE)
    assert main(["import-care-use", str(path)]) == 0
    assert "Imported 5 counts: 5 new" in capsys.readouterr().out


def test_only_casework_in_the_persons_scheme_reads_the_rows(people):
    mine, other = SchemeFactory(), SchemeFactory()
    referral = ReferralFactory(person=people[FIRST], scheme=mine)
    import_clinical(lines(CLINICAL), today=TODAY)
    import_care_use(lines(CARE_USE), today=TODAY)
    link_worker = MembershipFactory(role=Role.LINK_WORKER, scheme=mine, organisation=mine.host).user
    elsewhere = MembershipFactory(role=Role.LINK_WORKER, scheme=other, organisation=other.host).user
    analyst = MembershipFactory(role=Role.ANALYST, organisation=mine.host).user
    referrer = MembershipFactory(role=Role.REFERRER).user
    assert {row.person_id for row in ClinicalMeasure.objects.visible_to(link_worker)} == {
        referral.person_id
    }
    assert CareUse.objects.visible_to(link_worker).count() == 4
    for user in (elsewhere, analyst, referrer):
        assert not ClinicalMeasure.objects.visible_to(user).exists()
        assert not CareUse.objects.visible_to(user).exists()
