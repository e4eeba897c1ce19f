"""The matching evaluation harness (issue 7): its collection, its own hard-constraint check and
its metrics, and that the benchmark runner keeps the results of modules it did not run."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import types
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import runner
from benchmarks.matching import CATALOGUE, make_catalogue, service_id
from benchmarks.matching_quality import (
    GROUPS,
    RANKERS,
    Collection,
    broken_rules,
    dcg,
    evaluate,
    haversine_km,
    load_collection,
    ndcg_at,
    need_coverage_at,
    recall_at,
    violation_rate_at,
)
from linkwork.matching.engine import constraint_codes, distances_km
from linkwork.matching.facts import ServiceFacts
from linkwork.matching.index import build_index
from linkwork.matching.profile import Profile
from linkwork.vocabulary.categories import CATEGORIES, NEEDS_TO_CATEGORIES

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def collection() -> Collection:
    return load_collection()


@pytest.fixture(scope="module")
def results(collection):
    return evaluate(collection)


# --- The collection ------------------------------------------------------------------------


def test_catalogue_parses_with_unique_ids_and_every_category(collection):
    ids = [service.id for service in collection.services]
    assert 150 <= len(ids) <= 250
    assert len(set(ids)) == len(ids)
    covered = set().union(*(service.categories for service in collection.services))
    assert covered == set(CATEGORIES)


def test_catalogue_covers_the_facts_the_constraints_read(collection):
    services = collection.services
    assert any(s.status != "active" for s in services)
    assert any(s.assured_date is None for s in services)
    assert any(s.assured_date and (TODAY - s.assured_date).days > 365 for s in services)
    assert {"full", "waiting_list", "accepting"} <= {s.capacity for s in services}
    assert {"women_only", "men_only", "lgbtq", "carers", "older_people", "young_people"} <= set(
        a for s in services for a in s.audiences
    )
    assert any(a.startswith("culture:") for s in services for a in s.audiences)
    assert any(a.startswith("faith:") for s in services for a in s.audiences)
    assert {"pl", "ur", "pa", "ar", "ro"} <= set().union(*(s.languages for s in services))
    assert any(s.online_only for s in services)
    assert any(s.free for s in services)
    assert any(not s.free for s in services)


def test_catalogue_file_is_what_the_generator_writes():
    written = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert written == make_catalogue.catalogue()


def test_collection_has_at_least_80_personas_in_every_group(collection):
    assert len(collection.personas) >= 80
    groups = Counter(persona.group for persona in collection.personas)
    assert set(groups) == set(GROUPS)
    assert min(groups.values()) >= 10


def test_every_persona_parses_and_has_a_rationale(collection):
    for persona in collection.personas:
        assert persona.profile.needs, persona.key
        assert persona.profile.located, persona.key
        assert len(persona.rationale) > 40, persona.key


def test_personas_cover_language_mobility_and_digital_access(collection):
    profiles = [persona.profile for persona in collection.personas]
    assert sum("en" not in p.languages for p in profiles) >= 10
    assert sum(p.max_distance_km <= 1.5 for p in profiles) >= 10
    assert {p.digital_access for p in profiles} == {"none", "limited", "confident"}
    assert any(p.free_only for p in profiles)
    assert any(p.audiences for p in profiles)


def test_collection_fixes_the_evaluation_date(collection):
    assert collection.today == TODAY
    assert collection.stale_days == 365
    assert collection.k == 10
    assert collection.authored_by
    assert collection.checked_by


def test_labels_name_existing_services(collection):
    known = {service.id for service in collection.services}
    for persona in collection.personas:
        assert persona.labels, persona.key
        assert set(persona.labels) <= known, persona.key
        for sid, key in persona.label_keys.items():
            assert service_id(key) == sid


def test_every_persona_has_a_good_or_ideal_label(collection):
    for persona in collection.personas:
        assert max(persona.labels.values()) >= 2, persona.key


def test_no_label_breaks_a_hard_constraint(collection):
    index = build_index(collection.services)
    position = {sid: i for i, sid in enumerate(index.ids)}
    by_id = collection.by_id()
    for persona in collection.personas:
        codes = constraint_codes(
            index,
            persona.profile,
            today=collection.today,
            stale_days=collection.stale_days,
            expire_days=collection.expire_days,
            distance=distances_km(index, persona.profile),
        )
        for sid in persona.labels:
            assert codes[position[sid]] == 0, (persona.key, persona.label_keys[sid])
            broken = broken_rules(
                by_id[sid],
                persona.profile,
                today=collection.today,
                stale_days=collection.stale_days,
                expire_days=collection.expire_days,
            )
            assert not broken, (persona.key, persona.label_keys[sid], broken)


def test_harness_rules_agree_with_the_engine_on_every_persona_and_service(collection):
    index = build_index(collection.services)
    for persona in collection.personas:
        codes = constraint_codes(
            index,
            persona.profile,
            today=collection.today,
            stale_days=collection.stale_days,
            expire_days=collection.expire_days,
            distance=distances_km(index, persona.profile),
        )
        for i, service in enumerate(index.services):
            broken = broken_rules(
                service,
                persona.profile,
                today=collection.today,
                stale_days=collection.stale_days,
                expire_days=collection.expire_days,
            )
            assert bool(broken) == bool(codes[i]), (persona.key, service.name, broken, codes[i])


def test_load_collection_names_a_label_without_a_service(tmp_path):
    from benchmarks.matching import PERSONAS
    from benchmarks.matching_quality import CollectionError

    text = PERSONAS.read_text(encoding="utf-8").replace(
        'service = "tea-dance-mil"', 'service = "no-such-service"', 1
    )
    broken = tmp_path / "personas.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(CollectionError, match="no-such-service"):
        load_collection(personas=broken)


# --- The rule check, on hand-made cases ------------------------------------------------------

HERE = (53.8000, -1.5500)
FOUR_KM_NORTH = (53.8000 + 4 / 111.2, -1.5500)


def _service(**fields) -> ServiceFacts:
    base = {
        "id": "s",
        "name": "A service",
        "assured_date": TODAY - dt.timedelta(days=30),
        "delivery": frozenset({"in_person"}),
        "places": (HERE,),
        "free": True,
    }
    return ServiceFacts(**{**base, **fields})


def _person(**fields) -> Profile:
    base = {"latitude": HERE[0], "longitude": HERE[1], "age": 40, "sex": "female"}
    return Profile(**{**base, **fields})


def _broken(service: ServiceFacts, person: Profile) -> list[str]:
    return broken_rules(service, person, today=TODAY, stale_days=365)


def test_haversine_gives_a_degree_of_latitude_as_111_km():
    assert haversine_km(53.0, -1.5, 54.0, -1.5) == pytest.approx(111.2, abs=0.1)


def test_broken_rules_passes_a_service_that_breaks_nothing():
    assert _broken(_service(), _person()) == []


@pytest.mark.parametrize(
    ("service", "person", "rule"),
    [
        (_service(status="temporarily closed"), _person(), "not active"),
        (_service(assured_date=TODAY - dt.timedelta(days=1096)), _person(), "expired"),
        (
            _service(places=(), areas=frozenset({"E08000036"})),
            _person(area="E08000035"),
            "outside its service area",
        ),
        (_service(minimum_age=60), _person(age=59), "age"),
        (_service(maximum_age=25), _person(age=26), "age"),
        (_service(audiences=frozenset({"women_only"})), _person(sex="male"), "women only"),
        (_service(audiences=frozenset({"women_only"})), _person(sex=""), "women only"),
        (_service(audiences=frozenset({"men_only"})), _person(sex="female"), "men only"),
        (
            _service(delivery=frozenset({"online"}), places=()),
            _person(digital_access="none"),
            "online only",
        ),
        (_service(places=(FOUR_KM_NORTH,)), _person(max_distance_km=3.0), "too far"),
        (_service(capacity="full"), _person(), "full"),
        (_service(), _person(languages=("pl",)), "no shared language"),
        (_service(languages=frozenset({"ur"})), _person(languages=("pl",)), "no shared language"),
        (_service(free=False), _person(free_only=True), "not free"),
    ],
)
def test_broken_rules_names_each_hard_constraint(service, person, rule):
    assert rule in _broken(service, person)


@pytest.mark.parametrize(
    ("service", "person"),
    [
        (_service(assured_date=TODAY - dt.timedelta(days=365)), _person()),
        # Stale (ranked lower, not excluded), and never checked (stale, not expired).
        (_service(assured_date=TODAY - dt.timedelta(days=1095)), _person()),
        (_service(assured_date=None), _person()),
        # In the area; or with a venue (distance counts instead); or the area is unknown.
        (_service(places=(), areas=frozenset({"E08000035"})), _person(area="E08000035")),
        (_service(areas=frozenset({"E08000036"})), _person(area="E08000035")),
        (_service(places=(), areas=frozenset({"E08000036"})), _person()),
        (_service(minimum_age=40, maximum_age=40), _person(age=40)),
        (_service(minimum_age=60), _person(age=None)),
        (_service(audiences=frozenset({"women_only"})), _person(sex="female")),
        (_service(delivery=frozenset({"online"}), places=()), _person(digital_access="limited")),
        (_service(delivery=frozenset({"online", "phone"})), _person(digital_access="none")),
        (_service(delivery=frozenset({"phone"}), places=(FOUR_KM_NORTH,)), _person()),
        (_service(places=(FOUR_KM_NORTH,)), _person(max_distance_km=5.0)),
        (_service(capacity="waiting_list"), _person()),
        (_service(languages=frozenset({"pl", "en"})), _person(languages=("pl",))),
        (_service(), _person(languages=("pl", "en"))),
        (_service(free=False), _person(free_only=False)),
    ],
)
def test_broken_rules_allows_what_the_rules_allow(service, person):
    assert _broken(service, person) == []


# --- Metrics -------------------------------------------------------------------------------


def test_ndcg_of_the_ideal_ranking_is_one():
    labels = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c", "x"], labels) == pytest.approx(1.0)


def test_ndcg_of_a_ranking_without_labelled_services_is_zero():
    assert ndcg_at(["x", "y"], {"a": 3}) == 0.0


def test_ndcg_of_a_swapped_ranking_matches_the_formula():
    labels = {"a": 3, "b": 1}
    ideal = 7 / math.log2(2) + 1 / math.log2(3)
    swapped = 1 / math.log2(2) + 7 / math.log2(3)
    assert ndcg_at(["b", "a"], labels) == pytest.approx(swapped / ideal)
    assert dcg([3, 1]) == pytest.approx(ideal)


def test_ndcg_counts_only_the_first_k():
    labels = {"a": 3}
    assert ndcg_at(["x", "a"], labels, k=1) == 0.0
    assert ndcg_at(["x", "a"], labels, k=2) == pytest.approx(1 / math.log2(3))


def test_ndcg_needs_a_label():
    with pytest.raises(ValueError, match="labelled"):
        ndcg_at(["a"], {})


def test_recall_counts_grade_two_and_above():
    labels = {"a": 3, "b": 2, "c": 1}
    assert recall_at(["a", "c"], labels) == pytest.approx(0.5)
    assert recall_at(["a", "b"], labels) == 1.0
    assert recall_at(["c"], labels) == 0.0
    with pytest.raises(ValueError, match="labelled 2"):
        recall_at(["a"], {"a": 1})


def test_need_coverage_is_the_share_of_needs_met_in_the_first_k():
    social = _service(id="social", categories=frozenset({"social"}))
    debt = _service(id="debt", categories=frozenset({"money_debt"}))
    needs = ["loneliness", "money_debt", "housing"]
    assert need_coverage_at([social], needs, NEEDS_TO_CATEGORIES) == pytest.approx(1 / 3)
    # money_debt's categories include benefits and money_debt; housing maps to housing and
    # benefits, so a debt service meets money_debt only.
    assert need_coverage_at([social, debt], needs, NEEDS_TO_CATEGORIES) == pytest.approx(2 / 3)
    assert need_coverage_at([social, debt], needs, NEEDS_TO_CATEGORIES, k=1) == pytest.approx(1 / 3)


def test_violation_rate_is_the_share_of_results_breaking_a_rule():
    good = _service(id="good")
    full = _service(id="full", capacity="full")
    far = _service(id="far", places=(FOUR_KM_NORTH,))
    person = _person(max_distance_km=3.0)
    rate = violation_rate_at([good, full, far, good], person, today=TODAY, stale_days=365)
    assert rate == pytest.approx(0.5)
    assert violation_rate_at([], person, today=TODAY, stale_days=365) == 0.0


# --- The rankers on the collection ------------------------------------------------------------


def test_linkwork_breaks_no_hard_constraint_on_the_collection(collection, results):
    for persona in collection.personas:
        scores = results[persona.key]["linkwork"]
        assert scores.violations == 0.0, persona.key
        assert scores.ranked, persona.key


def test_filtered_baselines_break_no_constraint_but_unfiltered_ones_do(collection, results):
    for name in RANKERS[1:]:
        filtered = [results[p.key][name].violations for p in collection.personas]
        unfiltered = [results[p.key][name].violations_unfiltered for p in collection.personas]
        assert max(filtered) == 0.0, name
        assert sum(unfiltered) > 0, name


def test_metrics_stay_between_zero_and_one(collection, results):
    for persona in collection.personas:
        for name in RANKERS:
            scores = results[persona.key][name]
            assert len(scores.ranked) <= collection.k
            for value in (scores.ndcg, scores.recall, scores.coverage):
                assert 0.0 <= value <= 1.0 + 1e-9, (persona.key, name)


# --- The runner keeps other modules' results -------------------------------------------------


def _fake_module(monkeypatch, name: str, **attributes) -> None:
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


def test_runner_running_one_module_keeps_the_others(monkeypatch, tmp_path: Path):
    timing = {
        "benchmark": "fake timing",
        "size": 1000,
        "p50_ms": 1.0,
        "p95_ms": 2.0,
        "floor_p50_ms": 0.5,
        "ratio": 2.0,
    }
    _fake_module(monkeypatch, "benchmarks.fake_timing", run=lambda: [timing])
    _fake_module(
        monkeypatch,
        "benchmarks.fake_quality",
        run=lambda: [{"ranker": "fake", "ndcg": 0.1234}],
        COLUMNS=["ranker", "ndcg"],
        TITLE="Fake quality",
        DIGITS=3,
        report=lambda: "A fake report.",
        NOTES="- A fake note.",
    )
    monkeypatch.setattr(runner, "MODULES", ["benchmarks.fake_timing", "benchmarks.fake_quality"])
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(runner, "ROOT", tmp_path)

    assert runner.main(["fake_timing"]) == 0
    assert runner.main(["fake_quality"]) == 0

    page = (tmp_path / "docs" / "performance.md").read_text(encoding="utf-8")
    assert "| fake timing | 1,000 | 1.00 | 2.00 | 0.50 | 2.00 |" in page
    assert "## Fake quality" in page
    assert "| fake | 0.123 |" in page
    assert "A fake report." in page
    assert "- A fake note." in page
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert set(saved["modules"]) == {"fake_timing", "fake_quality"}


def test_runner_keeps_the_hand_written_part_of_the_page(monkeypatch, tmp_path: Path):
    _fake_module(monkeypatch, "benchmarks.fake_timing", run=lambda: [])
    monkeypatch.setattr(runner, "MODULES", ["benchmarks.fake_timing"])
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    page = tmp_path / "docs" / "performance.md"
    page.parent.mkdir()
    hand = f"{runner.KEPT_BELOW}\n\n## Test suite duration\n\nBy hand.\n"
    page.write_text("# Old figures\n\n" + hand, encoding="utf-8")

    assert runner.main(["fake_timing"]) == 0
    written = page.read_text(encoding="utf-8")
    assert written.startswith("# Performance\n")
    assert "# Old figures" not in written
    assert written.endswith(hand)
    assert runner.main(["fake_timing"]) == 0
    assert page.read_text(encoding="utf-8") == written


def test_runner_refuses_an_unknown_module(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    assert runner.main(["no_such_benchmark"]) == 2
    assert not (tmp_path / "docs").exists()
