"""How well directory search ranks: nDCG@10 and MRR over labelled queries, for relevance search
against the substring search it replaced.

Works in a scratch test database (never the configured one): the demo directory (seeded as
`linkwork seed-demo` does) plus an HTML-heavy fixture in the shape councils publish
(`data/search_html_fixture.toml`). The labelled queries (`data/search_queries.toml`) grade
services 0-3; a demo service is labelled by its kind, so every instance of a kind shares the
grade. Each query is run through the search page's own query (`directory.search.ranked`) and
through the baseline, today's substring search as it was before relevance search: every word
somewhere in the name, the stored description (HTML and all) or the organisation's name,
ordered by name. Run with `linkwork bench search_quality`.
"""

from __future__ import annotations

import math
import os
import random
import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CUTOFF = 10
# MRR counts the first result graded at least this ("relevant").
RELEVANT = 2
TITLE = "Directory search quality"
COLUMNS = ["search", "database", "queries", "ndcg_at_10", "mrr"]
DIGITS = 3
NOTES = """
- Search quality: `linkwork bench search_quality` runs the labelled queries of
  `benchmarks/data/search_queries.toml` over the demo directory and the HTML fixture
  `benchmarks/data/search_html_fixture.toml`, on the configured database's engine. nDCG@10 uses
  gains 2^grade - 1 and the ideal ranking of every labelled service; MRR is the reciprocal rank
  of the first result graded 2 or more (0 if none in the first 10). The baseline is the
  substring search that relevance search replaced, re-implemented in the benchmark.
"""

_last: dict[str, Any] = {}


def load() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    queries = tomllib.loads((DATA / "search_queries.toml").read_text("utf-8"))["queries"]
    fixture = tomllib.loads((DATA / "search_html_fixture.toml").read_text("utf-8"))["services"]
    return queries, fixture


def add_fixture(fixture: list[dict[str, Any]]) -> dict[Any, str]:
    """Create the fixture's services; their ids and keys."""
    from django.utils import timezone

    from linkwork.directory.models import Organization, Service

    keys = {}
    for entry in fixture:
        owner, _ = Organization.objects.get_or_create(name=entry["organisation"])
        service = Service.objects.create(
            organization=owner,
            name=entry["name"],
            description=entry["description"],
            assured_date=timezone.localdate(),
        )
        keys[service.pk] = entry["key"]
    return keys


def demo_keys() -> dict[Any, str]:
    """Each seeded demo service's kind: the first name template of its catalogue entry."""
    from linkwork.directory.demo_catalogue import CATALOGUE
    from linkwork.directory.models import Service

    by_description: dict[str, str] = {}
    for kind in CATALOGUE:
        for description in kind.descriptions:
            by_description.setdefault(" ".join(description.split()), kind.names[0])
    return {
        pk: by_description[" ".join(description.split())]
        for pk, description in Service.objects.values_list("pk", "description")
        if " ".join(description.split()) in by_description
    }


def substring_ranking(text: str) -> list[Any]:
    """The search that was: every word a substring of name, HTML description or organisation
    name, in any case; by name."""
    from django.db.models import Q

    from linkwork.directory.models import Service, ServiceStatus

    services = Service.objects.filter(
        status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED]
    )
    for word in text.split()[:8]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return list(services.order_by("name").values_list("pk", flat=True)[:CUTOFF])


def relevance_ranking(text: str) -> list[Any]:
    from linkwork.directory.search import Criteria, service_queryset

    return list(service_queryset(Criteria(text=text)).values_list("pk", flat=True)[:CUTOFF])


def ndcg(grades: list[int], ideal: list[int]) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:CUTOFF]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


def reciprocal_rank(grades: list[int]) -> float:
    for i, grade in enumerate(grades[:CUTOFF]):
        if grade >= RELEVANT:
            return 1.0 / (i + 1)
    return 0.0


def evaluate() -> tuple[list[dict[str, Any]], dict[str, dict[str, list[float]]]]:
    from django.db import connection

    from linkwork.directory.demo import seed_directory
    from linkwork.directory.models import Service, ServiceStatus

    queries, fixture = load()
    seed_directory(rng=random.Random(1), account_organisations=[])
    keys = demo_keys() | add_fixture(fixture)
    known = set(keys.values())
    listed = [ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED]
    active = set(Service.objects.filter(status__in=listed).values_list("pk", flat=True))
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for pk, key in keys.items():
        if pk in active:
            by_kind[key].append(pk)
    systems = {"relevance": relevance_ranking, "substring (before)": substring_ranking}
    scores: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in systems}
    for query in queries:
        labels: dict[str, int] = query["labels"]
        unknown = set(labels) - known
        if unknown:
            raise ValueError(f"query {query['text']!r}: no service of kind {sorted(unknown)}")
        ideal = [grade for key, grade in labels.items() for _ in by_kind[key]]
        for name, rank in systems.items():
            grades = [labels.get(keys.get(pk, ""), 0) for pk in rank(query["text"])]
            for group in ("all", query["kind"]):
                scores[name][f"ndcg {group}"].append(ndcg(grades, ideal))
                scores[name][f"mrr {group}"].append(reciprocal_rank(grades))
    rows = [
        {
            "search": name,
            "database": connection.vendor,
            "queries": len(queries),
            "ndcg_at_10": sum(s["ndcg all"]) / len(queries),
            "mrr": sum(s["mrr all"]) / len(queries),
        }
        for name, s in scores.items()
    ]
    return rows, scores


def run() -> list[dict[str, Any]]:
    from benchmarks.directory_oruk import scratch_database

    with scratch_database():
        rows, scores = evaluate()
    _last["scores"] = scores
    return rows


def report() -> str:
    scores = _last.get("scores")
    if not scores:
        return ""
    kinds = sorted({key.split(" ", 1)[1] for key in scores["relevance"]} - {"all"})
    lines = [
        "nDCG@10 by kind of query (number of queries in brackets):\n",
        "| kind | relevance | substring (before) |",
        "|---|---|---|",
    ]
    for kind in kinds:
        values = [scores[name][f"ndcg {kind}"] for name in ("relevance", "substring (before)")]
        count = len(values[0])
        lines.append(
            f"| {kind} ({count}) | " + " | ".join(f"{sum(v) / len(v):.3f}" for v in values) + " |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    django.setup()
    for row in run():
        print(row)
    print(report(), file=sys.stderr)
