"""Welsh and easy read in Chromium, on a desktop and a phone, each page checked with axe and
for sideways scrolling: a person switches the self-referral form to Welsh, meets its errors in
Welsh, sends it and is thanked in Welsh; the easy-read form remembers the language, and
switches back to English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from tests.conftest import build_world
from tests.functional.conftest import assert_accessible


def assert_fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing makes the page scroll sideways, at whatever width it is drawn."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{page.url} is {wide}px wide"


def check(page) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.django_db(transaction=True)
def test_person_refers_themself_in_welsh(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/refer/")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Atgyfeirio eich hun ar gyfer presgripsiynu cymdeithasol"
    )
    assert page.locator("html").get_attribute("lang") == "cy"
    check(page)

    page.get_by_role("button", name="Anfon").click()
    expect(page.get_by_role("heading", name="Mae problem")).to_be_visible()
    expect(page.get_by_role("link", name="Rhowch eich enw cyntaf")).to_be_visible()
    check(page)

    page.get_by_label("Enw cyntaf").fill("Siân")
    page.get_by_label("Cyfenw").fill("Evans")
    page.get_by_label("Diwrnod").fill("2")
    page.get_by_label("Mis").fill("11")
    page.get_by_label("Blwyddyn").fill("1990")
    page.get_by_label("Cod post").fill("BK2 4QT")
    page.get_by_label("Eich meddygfa").select_option(label="Alder Street Surgery")
    page.get_by_label("Neges destun").check()
    page.get_by_label("Rhif ffôn").fill("07700 900456")
    page.get_by_label("Gorbryder neu straen").check()
    page.get_by_label("Rwy'n cytuno i weithiwr cyswllt gysylltu â mi am hyn").check()
    page.get_by_role("button", name="Anfon").click()
    page.wait_for_url("**/refer/done/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diolch: mae eich manylion gennym")
    referral = Referral.objects.get()
    expect(page.locator("body")).to_contain_text(referral.reference)
    check(page)
    assert Person.objects.get().preferred_language == "cy"


@pytest.mark.django_db(transaction=True)
def test_easy_read_form_remembers_welsh_and_switches_back(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/refer/?lang=cy")
    page.get_by_role("link", name="Fersiwn hawdd ei darllen o'r ffurflen hon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gofyn am help gan weithiwr cyswllt")
    check(page)
    page.get_by_role("button", name="Anfon").click()
    expect(page.get_by_role("heading", name="Mae problem")).to_be_visible()
    check(page)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for help from a link worker")
    assert page.locator("html").get_attribute("lang") == "en"
    check(page)
    page.get_by_label("What is your first name?").fill("Sam")
    page.get_by_label("What is your last name?").fill("Example")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("What is your postcode?").fill("BK2 4QT")
    page.get_by_label("Who is your GP?").select_option(label="I do not know")
    page.get_by_label("Text message").check()
    page.get_by_label("Your phone number").fill("07700 900456")
    page.get_by_label("Money or debt").check()
    page.get_by_label("Yes, a link worker can contact me").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/refer/done/")
    referral = Referral.objects.get()
    assert referral.needs == ["money_debt"]
    check(page)
