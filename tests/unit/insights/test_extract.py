"""The pseudonymised extract: no direct identifier or free text in either format, keys that
hold while the key holds, exact figures per episode, and queries that do not grow with rows."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from linkwork.audit.models import AuditEvent
from linkwork.casework.models import Attendance, CaseNote
from linkwork.insights.extract import (
    QUERIES_PER_CHUNK,
    ExtractError,
    age_band,
    write_extract,
)
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.people.models import Consent, ConsentKind
from linkwork.referrals.models import Referral, StatusChange
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    GoalFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    SupportPlanFactory,
    UserFactory,
)

KEY = "test-pseudonym-key-not-a-real-secret"
with_key = override_settings(LINKWORK_PSEUDONYM_KEY=KEY)

# Distinctive identifiers planted in the person and in every free-text field; none may reach
# the extract in any spelling the tests can think of.
NAME = ("Zebedee", "Quillfeather")
NHS_NUMBER = "9434765919"
BORN = dt.date(1951, 3, 29)
POSTCODE = "ZX9 9QQ"
ADDRESS = "17 Marigold Crescent, Otterbury"
EMAIL = "zebedee.quillfeather@example.net"
PHONE = "07700 900461"
PLANTED = [
    *NAME,
    NHS_NUMBER,
    "943 476 5919",
    POSTCODE,
    POSTCODE.replace(" ", ""),
    "Marigold Crescent",
    "Otterbury",
    EMAIL,
    PHONE,
    PHONE.replace(" ", ""),
    "1951-03-29",
    "29/03/1951",
]
IN_WORDS = f"{NAME[0]} {NAME[1]} of {ADDRESS}, {POSTCODE}, {EMAIL}, {PHONE}, NHS {NHS_NUMBER}"


def measure(referral: Referral, time_point: str, total: int, at: dt.datetime, **extra: object):  # type: ignore[no-untyped-def]
    return OutcomeMeasure.objects.create(
        referral=referral,
        instrument="swemwbs",
        instrument_version="1.0.0",
        time_point=time_point,
        responses={"items": [3] * 7, **extra},
        result={"total": total, "metric": float(total), "band": "Average"},
        recorded_by=UserFactory(),
        recorded_at=at,
    )


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(11), tzinfo=dt.UTC)


@pytest.fixture
def planted(db: None) -> Referral:
    """A person and an episode carrying the planted identifiers everywhere text can go."""
    person = PersonFactory(
        given_name=NAME[0],
        family_name=NAME[1],
        nhs_number=NHS_NUMBER,
        date_of_birth=BORN,
        postcode=POSTCODE,
        address=ADDRESS,
        email=EMAIL,
        phone=PHONE,
        sex="female",
        ethnicity="asian_indian",
        imd_decile=3,
        lsoa_code="E01000001",
        gp_practice=OrganisationFactory(kind="gp_practice", ods_code="Z90004"),
        long_term_conditions=["diabetes", "copd"],
        accessibility_needs=IN_WORDS,
        risks=IN_WORDS,
        safeguarding_concerns=IN_WORDS,
        gender_identity=NAME[0],
    )
    referral = ReferralFactory(
        person=person,
        route="gp_practice",
        needs=["loneliness", "money"],
        status="closed",
        closure_reason="goals_met",
        received_at=at(dt.date(2026, 1, 12)),
        reason=IN_WORDS,
        what_matters=IN_WORDS,
        safeguarding_concern=IN_WORDS,
        referrer_name=IN_WORDS,
        referrer_email=EMAIL,
        referrer_phone=PHONE,
        response_to_address=ADDRESS,
        redirected_to=IN_WORDS,
    )
    ContactFactory(referral=referral, occurred_at=at(dt.date(2026, 2, 3)), note=IN_WORDS)
    ContactFactory(
        referral=referral, occurred_at=at(dt.date(2026, 1, 20)), outcome="did_not_attend"
    )
    ContactFactory(referral=referral, occurred_at=at(dt.date(2026, 3, 1)), note=IN_WORDS)
    ContactFactory(referral=referral, occurred_at=at(dt.date(2026, 3, 8)), outcome="cancelled")
    went = ConnectionFactory(referral=referral, message_to_provider=IN_WORDS, status="accepted")
    Attendance.objects.create(
        connection=went, session_on=dt.date(2026, 2, 10), attended=True, recorded_by=UserFactory()
    )
    Attendance.objects.create(
        connection=went, session_on=dt.date(2026, 2, 17), attended=True, recorded_by=UserFactory()
    )
    ConnectionFactory(
        referral=referral, status="rejected", rejection_reason="other", reason_detail=IN_WORDS
    )
    ConnectionFactory(referral=referral, status="draft", message_to_provider=IN_WORDS)
    CaseNote.objects.create(referral=referral, text=IN_WORDS, written_by=UserFactory())
    GoalFactory(
        plan=SupportPlanFactory(referral=referral, what_matters=IN_WORDS),
        description=IN_WORDS[:400],
    )
    StatusChange.objects.create(
        referral=referral,
        from_status="active",
        to_status="closed",
        reason=IN_WORDS,
        changed_at=at(dt.date(2026, 4, 30)),
    )
    measure(referral, TimePoint.BASELINE, 19, at(dt.date(2026, 1, 20)), note=IN_WORDS)
    measure(referral, TimePoint.FOLLOW_UP, 23, at(dt.date(2026, 3, 1)))
    measure(referral, TimePoint.FOLLOW_UP, 25, at(dt.date(2026, 4, 28)))
    measure(referral, TimePoint.AD_HOC, 9, at(dt.date(2026, 4, 29)))
    return referral


def read(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".csv":
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    return pq.read_table(path).to_pylist()


def extract(tmp_path: Path, suffix: str, **kwargs: object) -> tuple[Path, Path]:
    out, measures = tmp_path / f"episodes{suffix}", tmp_path / f"measures{suffix}"
    write_extract(Referral.objects.all(), out=out, measures_out=measures, **kwargs)  # type: ignore[arg-type]
    return out, measures


@with_key
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_extract_holds_no_direct_identifier_or_free_text(tmp_path, planted, suffix):
    files = extract(tmp_path, suffix)
    for path in files:
        raw = path.read_bytes()
        decoded = "\n".join(str(row) for row in read(path))
        for text in [*PLANTED, str(planted.person_id), str(planted.pk), planted.reference]:
            for spelling in {text, text.lower(), text.upper()}:
                assert spelling.encode() not in raw, (path.name, spelling)
                assert spelling not in decoded, (path.name, spelling)
        # The search can fail: what the extract should hold is found in the same raw bytes.
        assert _key(KEY, planted.person_id).encode() in raw
        assert b"swemwbs" in raw


@with_key
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_extract_row_holds_the_episode_in_bands_months_and_counts(tmp_path, planted, suffix):
    episodes, measures = extract(tmp_path, suffix)
    (row,) = read(episodes)
    text = {key: "" if value is None else str(value) for key, value in row.items()}
    assert (
        text["person_key"]
        == hmac.new(KEY.encode(), str(planted.person_id).encode(), hashlib.sha256).hexdigest()
    )
    assert (
        text["episode_key"]
        == hmac.new(KEY.encode(), str(planted.pk).encode(), hashlib.sha256).hexdigest()
    )
    expected = {
        "age_band": "65 to 74",  # 74 on 12 January 2026
        "sex": "female",
        "ethnicity_group": "Asian or Asian British",
        "imd_decile": "3",
        "lsoa": "E01000001",
        "gp_practice": "Z90004",
        "long_term_conditions_count": "2",
        "scheme": planted.scheme.slug,
        "route": "gp_practice",
        "channel": "staff_form",
        "needs": "loneliness;money",
        "urgency": "routine",
        "complexity": "standard",
        "received_month": "2026-01",
        "first_contact_month": "2026-02",  # the first attended contact, not the missed one
        "closed_month": "2026-04",
        "status": "closed",
        "decline_reason": "",
        "closure_reason": "goals_met",
        "contacts_count": "4",
        "contacts_attended_count": "2",
        "contacts_did_not_attend_count": "1",
        "connections_count": "2",  # the draft was never sent
        "connections_attended_count": "1",
        "swemwbs_baseline": "19.0",
        "swemwbs_follow_up": "25.0",  # the latest follow-up; the ad hoc score is not one
        "phq9_baseline": "",
    }
    assert {key: text[key] for key in expected} == expected
    rows = read(measures)
    assert [(r["time_point"], r["recorded_month"], str(r["score"])) for r in rows] == [
        ("baseline", "2026-01", "19.0"),
        ("follow_up", "2026-03", "23.0"),
        ("follow_up", "2026-04", "25.0"),
        ("ad_hoc", "2026-04", "9.0"),
    ]
    assert {r["band"] for r in rows} == {"Average"}
    assert {r["person_key"] for r in rows} == {row["person_key"]}


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (dt.date(2008, 6, 2), dt.date(2026, 6, 1), "Under 18"),
        (dt.date(2008, 6, 1), dt.date(2026, 6, 1), "18 to 24"),
        (dt.date(2001, 6, 2), dt.date(2026, 6, 1), "18 to 24"),
        (dt.date(2001, 6, 1), dt.date(2026, 6, 1), "25 to 34"),
        (dt.date(1941, 6, 1), dt.date(2026, 6, 1), "85 and over"),
        (None, dt.date(2026, 6, 1), ""),
    ],
)
def test_age_band_turns_on_the_birthday(born, on, band):
    assert age_band(born, on) == band


@pytest.mark.django_db
def test_keys_hold_across_runs_and_change_with_the_key(tmp_path):
    person = PersonFactory()
    first, second = ReferralFactory(person=person), ReferralFactory(person=person)
    ReferralFactory()
    runs = []
    for name, key in [("a", KEY), ("b", KEY), ("c", "another-key")]:
        with override_settings(LINKWORK_PSEUDONYM_KEY=key):
            out = tmp_path / f"{name}.csv"
            write_extract(Referral.objects.all(), out=out)
            runs.append({row["episode_key"]: row["person_key"] for row in read(out)})
    assert runs[0] == runs[1]
    assert len(set(runs[0].values())) == 2  # one person with two episodes, and another
    ours = {runs[0][k] for k in runs[0] if k in {_key(KEY, first.pk), _key(KEY, second.pk)}}
    assert ours == {_key(KEY, person.pk)}
    assert not set(runs[2]) & set(runs[0])
    assert not set(runs[2].values()) & set(runs[0].values())


def _key(key: str, value: object) -> str:
    return hmac.new(key.encode(), str(value).encode(), hashlib.sha256).hexdigest()


@with_key
@pytest.mark.django_db
def test_people_who_refused_evaluation_are_left_out(tmp_path):
    asked_no, changed_mind, never_asked = ReferralFactory(), ReferralFactory(), ReferralFactory()
    old = at(dt.date(2026, 1, 1))
    new = at(dt.date(2026, 2, 1))
    Consent.objects.create(
        person=asked_no.person,
        kind=ConsentKind.EVALUATION,
        given=True,
        method="verbal",
        recorded_at=old,
    )
    Consent.objects.create(
        person=asked_no.person,
        kind=ConsentKind.EVALUATION,
        given=False,
        method="verbal",
        recorded_at=new,
    )
    Consent.objects.create(
        person=changed_mind.person,
        kind=ConsentKind.EVALUATION,
        given=False,
        method="verbal",
        recorded_at=old,
    )
    Consent.objects.create(
        person=changed_mind.person,
        kind=ConsentKind.EVALUATION,
        given=True,
        method="verbal",
        recorded_at=new,
    )
    measure(asked_no, TimePoint.BASELINE, 20, old)
    out, measures = tmp_path / "e.csv", tmp_path / "m.csv"
    written = write_extract(Referral.objects.all(), out=out, measures_out=measures)
    keys = {row["episode_key"] for row in read(out)}
    assert keys == {_key(KEY, changed_mind.pk), _key(KEY, never_asked.pk)}
    assert read(measures) == []
    assert (written.episodes, written.left_out_without_consent) == (2, 1)


@with_key
@pytest.mark.django_db
def test_queries_per_chunk_do_not_grow_with_rows(tmp_path):
    scheme = SchemeFactory()

    def queries(episodes: int) -> int:
        for _ in range(episodes):
            referral = ReferralFactory(scheme=scheme)
            ContactFactory(referral=referral)
            ConnectionFactory(referral=referral)
            measure(referral, TimePoint.BASELINE, 20, at(dt.date(2026, 1, 1)))
        with CaptureQueriesContext(connection) as captured:
            write_extract(
                Referral.objects.filter(scheme=scheme),
                out=tmp_path / "e.parquet",
                measures_out=tmp_path / "m.parquet",
                chunk_size=3,
            )
        return len(captured)

    three = queries(3)  # one chunk
    twelve = queries(9)  # twelve referrals now: four chunks
    assert twelve - three == 3 * QUERIES_PER_CHUNK
    assert len(read(tmp_path / "e.parquet")) == 12


@pytest.mark.django_db
def test_without_the_key_nothing_is_written_and_the_error_names_it(tmp_path):
    ReferralFactory()
    out = tmp_path / "e.csv"
    with override_settings(LINKWORK_PSEUDONYM_KEY=""):
        with pytest.raises(ExtractError, match="LINKWORK_PSEUDONYM_KEY is not set"):
            write_extract(Referral.objects.all(), out=out)
        with pytest.raises(CommandError, match="LINKWORK_PSEUDONYM_KEY"):
            call_command("extract", "--out", str(out))
    assert list(tmp_path.iterdir()) == []


@with_key
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["extract.xlsx", "extract", "extract.csv.gz"])
def test_a_file_name_without_a_known_ending_is_refused(tmp_path, name):
    with pytest.raises(CommandError, match=r"must end in \.csv or \.parquet"):
        call_command("extract", "--out", str(tmp_path / name))
    with pytest.raises(CommandError, match=r"must end in \.csv or \.parquet"):
        call_command(
            "extract", "--out", str(tmp_path / "e.csv"), "--measures", str(tmp_path / name)
        )
    assert list(tmp_path.iterdir()) == []


@with_key
@pytest.mark.django_db
def test_command_writes_both_files_and_audits_counts_only(tmp_path, planted):
    out, measures = tmp_path / "e.parquet", tmp_path / "m.csv"
    stdout = io.StringIO()
    call_command("extract", "--out", str(out), "--measures", str(measures), stdout=stdout)
    assert "Wrote 1 episodes" in stdout.getvalue()
    assert len(read(out)) == 1
    assert len(read(measures)) == 4
    (event,) = AuditEvent.objects.filter(action="insights.extract_written")
    assert event.detail == {
        "episodes": 1,
        "measures": 4,
        "left_out_without_consent": 0,
        "formats": ["parquet", "csv"],
        "via": "command",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.parquet", "m.csv"]


@with_key
@pytest.mark.django_db
def test_a_file_that_cannot_be_written_leaves_the_previous_one(tmp_path):
    ReferralFactory()
    out = tmp_path / "e.csv"
    out.write_text("the previous extract\n")
    with pytest.raises(ExtractError, match="does not exist"):
        write_extract(Referral.objects.all(), out=out, measures_out=tmp_path / "no" / "m.csv")
    assert out.read_text() == "the previous extract\n"
    assert [p.name for p in tmp_path.iterdir()] == ["e.csv"]
