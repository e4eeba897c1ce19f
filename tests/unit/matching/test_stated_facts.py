"""Issue 13 in matching: facts not stated constrain nothing and say so; stale listings are
ranked lower and tagged, only expired ones are left out, with warnings; a service with no
venue is offered only inside its service area; reasons name what the person said."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from linkwork.directory.geography import Point, area_codes
from linkwork.matching.facts import ServiceFacts, from_oruk
from linkwork.matching.index import tokens
from linkwork.matching.profile import Profile, ProfileError, parse_profile
from linkwork.matching.weights import DEFAULT_WEIGHTS
from tests.unit.matching.builders import TODAY, person, service
from tests.unit.matching.builders import run as run_engine

LEEDS, BRADFORD = "E08000035", "E08000032"


def run(services: list[ServiceFacts], profile: Profile, k: int = 10):  # type: ignore[no-untyped-def]
    """The engine with a three-year expiry, as the directory's setting has it."""
    return run_engine(services, profile, k, expire_days=1095)


# Facts not stated ---------------------------------------------------------------------------


def test_delivery_route_and_capacity_not_stated_constrain_nothing_and_say_so():
    unknown = service("unknown", delivery=frozenset(), places=(), route="", capacity="")
    found = run([unknown], person(digital_access="none"))
    (result,) = found.results
    assert "delivery not stated" in result.reasons
    assert not any("waiting" in r or "online" in r for r in result.reasons)
    assert found.excluded == []


def test_a_venue_still_counts_for_distance_when_delivery_is_not_stated():
    near = service("near", delivery=frozenset())
    far = service("far", delivery=frozenset(), places=((53.90, -1.55),))
    found = run([near, far], person())
    assert [r.service_id for r in found.results] == ["near"]
    assert found.results[0].reasons[:3] == [
        "helps with loneliness or isolation",
        "0.0 km away",
        "delivery not stated",
    ]
    assert [e.reason for e in found.excluded] == ["11.1 km away, beyond 5 km"]


def test_an_oruk_record_without_linkwork_terms_states_nothing():
    facts = from_oruk({"id": "s1", "name": "Drop-in", "status": "active"})
    assert (facts.delivery, facts.route, facts.capacity) == (frozenset(), "", "")
    assert not facts.delivery_stated


# Staleness ----------------------------------------------------------------------------------


def test_a_stale_service_is_suggested_lower_and_tagged_an_expired_one_is_left_out():
    services = [
        service("fresh"),
        service("stale", assured_date=dt.date(2025, 3, 5)),
        service("never", assured_date=None),
        service("expired", assured_date=dt.date(2023, 1, 2)),
    ]
    found = run(services, person())
    ids = [r.service_id for r in found.results]
    assert ids[0] == "fresh"
    assert set(ids) == {"fresh", "stale", "never"}
    by_id = {r.service_id: r for r in found.results}
    assert by_id["stale"].reasons[-1] == "not checked since 5 March 2025"
    assert by_id["never"].reasons[-1] == "never checked by a person"
    assert by_id["stale"].components["stale"] == -DEFAULT_WEIGHTS.stale
    assert by_id["fresh"].components["stale"] == 0.0
    assert [(e.service_id, e.reason) for e in found.excluded] == [
        ("expired", "not checked since 2 January 2023, over 1095 days ago")
    ]
    assert found.warnings == [
        "1 of 4 services excluded: not checked since 2 November 2023",
        "2 of the 3 results not checked since 1 November 2025: ranked lower; check them "
        "before suggesting",
    ]
    assert found.as_json()["warnings"] == found.warnings


def test_a_snapshot_older_than_the_stale_limit_still_gives_results():
    two_years = TODAY - dt.timedelta(days=730)
    found = run([service(f"s{n}", assured_date=two_years) for n in range(5)], person())
    assert len(found.results) == 5
    assert found.excluded == []


def test_when_nothing_can_be_suggested_the_warning_says_so():
    found = run([service("gone", assured_date=dt.date(2020, 1, 1))], person())
    assert found.results == []
    assert found.warnings[-1] == "no service can be suggested: 1 of 1 services excluded"


# Area ---------------------------------------------------------------------------------------


def test_a_service_with_no_venue_is_offered_only_inside_its_area():
    services = [
        service("leeds-line", delivery=frozenset({"phone"}), places=(), areas=frozenset({LEEDS})),
        service("bradford-line", delivery=frozenset({"phone"}), places=(), areas={BRADFORD}),
        service("anywhere-line", delivery=frozenset({"phone"}), places=()),
        # A venue: distance decides, not the area.
        service("venue", areas=frozenset({BRADFORD})),
    ]
    found = run(services, person(area=LEEDS))
    assert {r.service_id for r in found.results} == {"leeds-line", "anywhere-line", "venue"}
    assert [e.service_id for e in found.excluded] == ["bradford-line"]
    leeds = next(r for r in found.results if r.service_id == "leeds-line")
    assert "serves your area" in leeds.reasons
    assert found.warnings == [
        f"1 of 4 services excluded: no venue, and their service area leaves out {LEEDS}"
    ]


def test_without_the_persons_area_no_service_is_left_out_for_its_area_and_a_warning_says_so():
    services = [service("bradford-line", places=(), areas=frozenset({BRADFORD}))]
    found = run(services, person())
    assert [r.service_id for r in found.results] == ["bradford-line"]
    assert found.warnings == [
        "the person's area is not known, so 1 services without a venue were not checked "
        "against their service area; give a postcode or an area"
    ]


def test_profile_area_is_an_ons_code_given_or_found_from_the_postcode():
    assert parse_profile({"area": " e08000035 "}).area == LEEDS
    with pytest.raises(ProfileError) as error:
        parse_profile({"area": "Leeds"})
    assert error.value.field == "area"

    def locate(postcode: str) -> Point:
        return Point(53.8, -1.55, "E01000001", BRADFORD)

    located = parse_profile({"location": {"postcode": "LS1 4AP"}}, locate=locate)
    assert located.area == BRADFORD
    given = parse_profile({"location": {"postcode": "LS1 4AP"}, "area": LEEDS}, locate=locate)
    assert given.area == LEEDS


def test_service_areas_name_ons_codes_by_uri_or_code():
    assert area_codes(f"http://statistics.data.gov.uk/id/statistical-geography/{LEEDS}") == {LEEDS}
    assert area_codes(LEEDS.lower(), "", "Leeds") == {LEEDS}
    assert area_codes('{"type": "Polygon", "coordinates": []}', "Leeds") == set()
    record = {
        "id": "s1",
        "name": "Helpline",
        "status": "active",
        "service_areas": [
            {"id": "a1", "name": "Leeds", "uri": f"http://statistics.data.gov.uk/id/x/{LEEDS}"},
            {"id": "a2", "service_area": "Bradford", "extent": BRADFORD},
        ],
    }
    assert from_oruk(record).areas == {LEEDS, BRADFORD}


# Reasons ------------------------------------------------------------------------------------


def test_reasons_name_the_persons_interests_and_words_never_filler():
    walk = service(
        "walk",
        name="Park walks",
        description="Say hello and walk with others; we want everyone being welcome. Gardens.",
    )
    profile = person(
        what_matters="I'd say being outdoors and gardening is what I want, really",
        interests=["Walking", "knitting"],
    )
    (result,) = run([walk], profile).results
    words = [r for r in result.reasons if "enjoy" in r or "mentioned" in r]
    assert words == ["walking, as you said you enjoy", "you mentioned gardening"]
    for filler in ("say", "being", "want", "really"):
        assert not any(filler in r.split() for r in words)


def test_filler_words_are_stop_words():
    assert tokens("I'd say being there is what I want, really, and I don't know") == []


# The command -------------------------------------------------------------------------------


def test_match_command_prints_warnings_in_json_and_on_standard_error(tmp_path: Path, capsys):
    from linkwork.matching.cli import main

    def record(n: int, assured: str) -> dict[str, object]:
        return {"id": f"s{n}", "name": f"Group {n}", "status": "active", "assured_date": assured}

    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps([record(1, "2026-10-01"), record(2, "2020-01-01"), record(3, "2021-06-01")])
    )
    who = tmp_path / "person.json"
    who.write_text(json.dumps({"what_matters": "company", "area": LEEDS}))
    assert main(["--services", str(feed), "--person", str(who), "--today", "2026-11-01"]) == 0
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert answer["warnings"] == ["2 of 3 services excluded: not checked since 2 November 2023"]
    assert err.splitlines() == ["warning: " + answer["warnings"][0]]
    assert [r["service_id"] for r in answer["results"]] == ["s1"]
    assert "delivery not stated" in answer["results"][0]["reasons"]


def test_match_command_leaves_logging_as_it_found_it(tmp_path: Path, capsys):
    """Run in a process where Django is set up already (a test, a shell), the command does
    not configure logging again: the console handler keeps its stream, so later log lines
    still print instead of failing on a closed capture."""
    import logging

    from linkwork.matching.cli import main

    def streams() -> list[object]:
        return [
            h.stream for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
        ]

    before = streams()
    feed = tmp_path / "feed.json"
    feed.write_text("[]")
    who = tmp_path / "person.json"
    who.write_text(json.dumps({"what_matters": "company", "area": LEEDS}))
    main(["--services", str(feed), "--person", str(who), "--today", "2026-11-01"])
    capsys.readouterr()

    assert streams() == before
