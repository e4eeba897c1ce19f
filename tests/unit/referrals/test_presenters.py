"""The referral summary is built once: the referral's page and triage show the same rows in
the same words where they overlap, and the person's name is escaped into its link."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from linkwork.referrals.presenters import (
    ReferralSummary,
    check_person_rows,
    check_referral_rows,
    need_labels,
)
from tests.factories import PersonFactory, ReferralFactory, SchemeFactory

pytestmark = pytest.mark.django_db


def rows_by_key(rows: list[dict[str, object]]) -> dict[str, object]:
    return {row["key"]["text"]: row["value"] for row in rows}  # type: ignore[index]


def test_need_labels_keep_order_and_leave_out_retired_slugs():
    assert need_labels(["money_debt", "no_longer_a_need", "loneliness"]) == [
        "Money or debt",
        "Loneliness or isolation",
    ]


def test_detail_and_triage_share_the_rows_they_both_show():
    referral = ReferralFactory(
        person=PersonFactory(given_name="Siobhán", family_name="O'Brien <x>"),
        needs=["loneliness"],
        what_matters="",
        urgency="urgent",
        referrer_name="Dr Rita Referrer",
    )
    summary = ReferralSummary(referral)
    detail, triage = rows_by_key(summary.detail_rows()), rows_by_key(summary.triage_rows())
    for key in ("Scheme", "What matters to them", "Urgency", "Received"):
        assert detail[key] == triage[key], key
    assert detail["Urgency"] == {"text": "Urgent"}
    assert detail["What matters to them"] == {"text": "Not known yet"}
    assert triage["Referred by"] == {"text": "GP practice: Dr Rita Referrer"}
    person = detail["Person"]["html"]  # type: ignore[index]
    assert isinstance(person, Markup)
    assert f'href="/people/{referral.person_id}/"' in person
    assert "O&#39;Brien &lt;x&gt;" in person


def test_needs_say_so_when_none_were_recorded():
    referral = ReferralFactory(needs=[])
    summary = ReferralSummary(referral)
    assert rows_by_key(summary.detail_rows())["Needs"] == {"text": "None recorded"}
    assert rows_by_key(summary.triage_rows())["Needs"] == {"text": "None given"}


def test_check_rows_show_the_answers_with_change_links():
    person = {
        "given_name": "Ann",
        "family_name": "Example",
        "date_of_birth": dt.date(1970, 4, 3),
        "nhs_number": "",
        "postcode": "BK1 2AB",
        "preferred_contact_method": "phone",
    }
    details = {
        "scheme": SchemeFactory(name="Scheme A"),
        "route": "gp_practice",
        "needs": ["money_debt", "loneliness"],
        "reason": "Lonely since moving.",
        "urgency": "routine",
    }
    person_rows, referral_rows = check_person_rows(person), check_referral_rows(details)
    assert rows_by_key(person_rows) == {
        "Name": {"text": "Ann Example"},
        "Date of birth": {"text": "3 April 1970"},
        "NHS number": {"text": "Not given"},
        "Postcode": {"text": "BK1 2AB"},
        "Contact by": {"text": "Phone call"},
        # Equality questions not asked are shown as not known.
        "Sex": {"text": "Not known"},
        "Ethnic group": {"text": "Not known"},
        "Uses the internet": {"text": "Not known"},
    }
    assert person_rows[0]["actions"]["items"][0]["href"] == "/referrals/new/person/"
    assert rows_by_key(referral_rows)["Needs"] == {"text": "Money or debt, Loneliness or isolation"}
    assert rows_by_key(referral_rows)["Urgency"] == {"text": "Routine"}
    assert referral_rows[0]["actions"]["items"][0]["href"] == "/referrals/new/details/"
