"""Relevance search of services on both databases: stemming, synonyms, weights, visible text
only, the index kept in step by the database, widening and typo correction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwork.directory import search_index
from linkwork.directory.fulltext import FEW, RankedPages, parse, relevant, synonyms
from linkwork.directory.models import Organization, Service
from linkwork.directory.search import Criteria, ranked

pytestmark = pytest.mark.django_db


def service(name: str, description: str = "", organisation: str = "Hollin Trust") -> Service:
    owner, _ = Organization.objects.get_or_create(name=organisation)
    return Service.objects.create(organization=owner, name=name, description=description)


def names(text: str) -> list[str]:
    found = relevant(Service.objects.all(), text)
    assert found is not None
    return list(found.services.order_by("-relevance", "name").values_list("name", flat=True))


def test_synonyms_file_is_reviewed_and_each_word_in_one_group():
    data = synonyms()
    assert {"lonely", "loneliness", "isolation"} <= set(data.groups["lonely"])
    assert {"debt", "money", "arrears"} <= set(data.groups["arrears"])
    assert "help" in data.filler


def test_parse_drops_function_words_and_filler_and_reads_phrases():
    terms = parse("Help with LOW MOOD and debt, please")
    assert terms.typed == ["low mood", "debt"]
    assert parse("support group").typed == ["support", "group"]  # nothing but filler
    assert not parse("the and of")


def test_lonely_finds_loneliness_first_and_stemming_joins_forms():
    service("Tackling Loneliness Together", "Friendship and company for people on their own.")
    service("Garden Club", "Growing vegetables. Nobody feels isolated here.")
    service("Chess Evening", "Board games for all.")
    found = names("lonely")
    assert found[0] == "Tackling Loneliness Together"
    assert "Garden Club" in found
    assert "Chess Evening" not in found
    service("Walking Group", "Weekly walks.")
    assert names("walks") == names("walked") == ["Walking Group"]


def test_name_weighs_more_than_description_and_organisation():
    service("Pottery Studio", "Make things from clay.")
    service("Open Studio", "Try pottery, painting and print.")
    service("Open Afternoon", "Drop in.", organisation="Pottery Friends")
    assert names("pottery") == ["Pottery Studio", "Open Studio", "Open Afternoon"]


def test_markup_is_never_searched():
    service(
        "Bereavement Circle",
        '<p><span style="font-family: Arial">Support after a death.</span></p>'
        '<table><tr><td><font color="red">Weekly</font></td></tr></table>',
    )
    assert names("span") == names("font") == names("arial") == names("table") == []
    assert names("death") == ["Bereavement Circle"]


def test_index_follows_updates_renames_and_deletes():
    walk = service("Riverside Club", "A gentle walk.", organisation="Millbrook Trust")
    walk.description = "<p>A gentle <em>swim</em>.</p>"
    walk.save()
    assert names("swimming") == ["Riverside Club"]
    assert names("walk") == []
    Organization.objects.filter(name="Millbrook Trust").update(name="Kestrel Aquatics")
    assert names("aquatics") == ["Riverside Club"]
    Service.objects.filter(pk=walk.pk).update(name="Lido Lengths")
    assert names("lido") == ["Lido Lengths"]
    walk.delete()
    assert names("swimming") == []


def test_few_matches_widen_to_any_word_every_word_first():
    service("Knit and Natter", "Bring your knitting.")
    service("Ukulele Club", "Strum along.")
    service("Knitting for Ukulele Players", "Both at once.")
    found = names("knitting ukulele")
    assert found[0] == "Knitting for Ukulele Players"
    assert set(found[1:]) == {"Knit and Natter", "Ukulele Club"}


def test_a_typo_is_corrected_to_a_word_the_directory_says():
    service("Tackling Loneliness Together", "For people who feel lonely.")
    service("Chess Evening", "Board games.")
    found = relevant(Service.objects.all(), "lonley")
    assert found is not None
    assert found.corrected == {"lonley": found.corrected["lonley"]}
    assert list(found.services.values_list("name", flat=True)) == ["Tackling Loneliness Together"]
    assert names("zzzzqqq") == []


def test_search_page_query_orders_by_relevance_then_distance():
    service("Debt Advice Drop-in", "Free debt advice.")
    service("Money Skills", "Budgeting and bills.")
    services, corrected = ranked(Criteria(text="debt"))
    assert [s.name for s in services] == ["Debt Advice Drop-in", "Money Skills"]
    assert corrected == {}


def test_many_matches_cost_one_probe():
    for n in range(FEW + 1):
        service(f"Walking Group {n}", "Walks.")
    with CaptureQueriesContext(connection) as queries:
        found = relevant(Service.objects.all(), "walking")
        assert found is not None
        list(found.services[:20])
    assert len(queries) == 2


def test_index_is_rebuilt_when_its_triggers_are_lost():
    service("Tai Chi in the Park", "Slow movement outdoors.")
    if connection.vendor == "sqlite":
        # What Django's rebuild of a table for an ALTER does to its triggers.
        with connection.cursor() as cursor:
            for name in search_index.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        service("Qigong Morning", "Breathing and movement.")
        assert names("qigong") == []
    assert search_index.ensure(connection) is (connection.vendor == "sqlite")
    assert search_index.ensure(connection) is False
    assert "Tai Chi in the Park" in names("movement")
    if connection.vendor == "sqlite":
        assert names("qigong") == ["Qigong Morning"]


@pytest.mark.parametrize(
    "text",
    [
        'AND OR NOT "unbalanced',
        "name:walking NEAR(a b) *",
        "-walking ^café o'brien long-term",
        "{}[]()!:;,.?<>@#~",
        "x" * 200,
        "ünïcödé 東京 walking",
    ],
)
def test_no_text_is_query_syntax(text):
    service("Walking Group", "Weekly walks in the café garden.")
    found = relevant(Service.objects.all(), text)
    if found is not None:
        list(found.services.order_by("-relevance"))


def test_ranked_pages_count_and_page_in_one_pass():
    for n in range(7):
        service(f"Walking Group {n}", "Walks. " * (n + 1))
    ordered = list(
        relevant(Service.objects.all(), "walking")  # type: ignore[union-attr]
        .services.order_by("-relevance", "name", "pk")
        .values_list("pk", flat=True)
    )
    records = relevant(Service.objects.all(), "walking").services.order_by(  # type: ignore[union-attr]
        "-relevance", "name", "pk"
    )
    pages = RankedPages(records, expected=slice(0, 3))
    with CaptureQueriesContext(connection) as queries:
        assert pages.count() == 7
        first = pages[0:3]
    assert len(queries) == 2  # the page's ids with the count, then its rows
    assert [s.pk for s in first + pages[3:6] + pages[6:9]] == ordered
    assert pages[9:12] == []
    assert RankedPages(records).count() == 7


def test_search_pages_follow_the_ranking(client):
    from linkwork.directory.search import PAGE_SIZE, search

    for n in range(PAGE_SIZE + 3):
        service(f"Choir {n:02d}", "Singing. " * (1 + n % 4))
    first, second = search(Criteria(text="choir"), 1), search(Criteria(text="choir"), 2)
    assert first.page.paginator.count == PAGE_SIZE + 3
    shown = [r.service.pk for r in first.results + second.results]
    assert len(set(shown)) == PAGE_SIZE + 3
    assert search(Criteria(text="choir"), 99).page.number == 2
