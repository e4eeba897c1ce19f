"""The clinical measures and health-care use in the pseudonymised extract: the same person
key as the episodes, months for dates, no identifier in the bytes, only the people of the
referrals extracted (and of those, only people who did not refuse evaluation), streamed in
a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from linkwork.audit.models import AuditEvent
from linkwork.insights.extract import write_extract
from linkwork.insights.models import CareUse, ClinicalMeasure
from linkwork.insights.tasks import referrals_of
from linkwork.people.models import Consent, ConsentKind
from linkwork.referrals.models import Referral
from tests.factories import ReferralFactory, SchemeFactory
from tests.unit.insights.test_extract import KEY, PLANTED, _key, planted, read  # noqa: F401

with_key = override_settings(LINKWORK_PSEUDONYM_KEY=KEY)


def clinical_of(person, day: dt.date = dt.date(2025, 11, 14)) -> None:  # type: ignore[no-untyped-def]
    ClinicalMeasure.objects.create(
        person=person, measure="hba1c", measured_on=day, value=58, as_given="7.5 %"
    )
    ClinicalMeasure.objects.create(
        person=person, measure="smoking_status", measured_on=day, category="current"
    )
    CareUse.objects.create(
        person=person,
        setting="ae_attendance",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        count=3,
    )


def write(tmp_path, suffix: str, referrals=None):  # type: ignore[no-untyped-def]
    out = tmp_path / f"episodes{suffix}"
    clinical, care_use = tmp_path / f"clinical{suffix}", tmp_path / f"care_use{suffix}"
    written = write_extract(
        referrals if referrals is not None else Referral.objects.all(),
        out=out,
        clinical_out=clinical,
        care_use_out=care_use,
    )
    return written, out, clinical, care_use


@with_key
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_clinical_tables_hold_no_identifier_and_join_the_episodes(tmp_path, planted, suffix):  # noqa: F811
    clinical_of(planted.person)
    written, out, clinical, care_use = write(tmp_path, suffix)
    for path in (clinical, care_use):
        raw = path.read_bytes()
        for text in [*PLANTED, str(planted.person_id), str(planted.pk), "7.5 %"]:
            assert text.encode() not in raw, f"{text!r} found in {path.name}"
    (episode,) = read(out)
    person_key = _key(KEY, planted.person_id)
    assert episode["person_key"] == person_key
    rows = sorted(read(clinical), key=lambda row: str(row["measure"]))
    number = "58.0" if suffix == ".csv" else 58.0
    assert rows == [
        {
            "person_key": person_key,
            "measure": "hba1c",
            "measured_month": "2025-11",
            "value": number,
            "unit": "mmol/mol",
            "category": "",
        },
        {
            "person_key": person_key,
            "measure": "smoking_status",
            "measured_month": "2025-11",
            "value": "" if suffix == ".csv" else None,
            "unit": "",
            "category": "current",
        },
    ]
    assert read(care_use) == [
        {
            "person_key": person_key,
            "setting": "ae_attendance",
            "period_start_month": "2025-01",
            "period_end_month": "2025-12",
            "count": "3" if suffix == ".csv" else 3,
        }
    ]
    assert (written.clinical, written.care_use) == (2, 1)


@with_key
@pytest.mark.django_db
def test_only_the_people_of_the_referrals_extracted_and_with_consent(tmp_path):
    mine, theirs = SchemeFactory(), SchemeFactory()
    kept, refused, elsewhere = (
        ReferralFactory(scheme=mine),
        ReferralFactory(scheme=mine),
        ReferralFactory(scheme=theirs),
    )
    for referral in (kept, refused, elsewhere):
        clinical_of(referral.person)
    Consent.objects.create(
        person=refused.person, kind=ConsentKind.EVALUATION, given=False, method="verbal"
    )
    # A second episode of the same person: their rows come once, not once per episode.
    ReferralFactory(scheme=mine, person=kept.person)
    written, _, clinical, care_use = write(tmp_path, ".csv", referrals_of([mine.pk]))
    assert {row["person_key"] for row in read(clinical)} == {_key(KEY, kept.person_id)}
    assert {row["person_key"] for row in read(care_use)} == {_key(KEY, kept.person_id)}
    assert (written.clinical, written.care_use) == (2, 1)


@with_key
@pytest.mark.django_db
def test_clinical_queries_do_not_grow_with_rows(tmp_path):
    def queries(people: int) -> int:
        for _ in range(people):
            clinical_of(ReferralFactory().person)
        with CaptureQueriesContext(connection) as captured:
            write_extract(
                Referral.objects.all(),
                out=tmp_path / "e.csv",
                clinical_out=tmp_path / "c.csv",
                care_use_out=tmp_path / "u.csv",
                chunk_size=1000,
            )
        return len(captured)

    assert queries(2) == queries(5)


@with_key
@pytest.mark.django_db
def test_command_writes_the_clinical_tables_and_audits_their_counts(tmp_path):
    clinical_of(ReferralFactory().person)
    stdout = io.StringIO()
    call_command(
        "extract",
        "--out",
        str(tmp_path / "e.csv"),
        "--clinical",
        str(tmp_path / "c.parquet"),
        "--care-use",
        str(tmp_path / "u.csv"),
        stdout=stdout,
    )
    assert "2 clinical measures to" in stdout.getvalue()
    assert "1 counts of care use to" in stdout.getvalue()
    (event,) = AuditEvent.objects.filter(action="insights.extract_written")
    assert event.detail == {
        "episodes": 1,
        "measures": 0,
        "clinical": 2,
        "care_use": 1,
        "left_out_without_consent": 0,
        "formats": ["csv", "parquet", "csv"],
        "via": "command",
    }


@with_key
@pytest.mark.django_db
def test_two_tables_in_one_file_are_refused(tmp_path):
    from linkwork.insights.extract import ExtractError

    ReferralFactory()
    with pytest.raises(ExtractError, match="file of its own"):
        write_extract(
            Referral.objects.all(),
            out=tmp_path / "e.csv",
            clinical_out=tmp_path / "same.csv",
            care_use_out=tmp_path / "same.csv",
        )
    assert list(tmp_path.iterdir()) == []
