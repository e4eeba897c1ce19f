"""Suggested categories, ages and sex limits for listings whose feed did not state them.

`suggest_for_services` runs the vocabulary's transparent inference (`vocabulary.inference`:
the reviewed feed-term mapping and keyword lists) over listings and keeps the results as
`Suggestion` rows, apart from what a feed or a curator stated:

- categories are suggested only for a listing with no Linkwork category; they count for
  search and matching until a curator confirms or rejects them;
- ages are suggested only for a listing with no age limits, and a women-only or men-only limit
  only for one with neither audience; they count for nothing until a curator confirms them.

Running it again refreshes the open suggestions (a guess the words no longer support is
removed) and never re-offers one a curator has decided. It writes no listing field, so a
re-import that changes nothing stays a no-op. `linkwork suggest-categories` runs it over the
directory, and `import-oruk` over what it imported.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from linkwork.directory.models import (
    Attribute,
    Entity,
    LinkType,
    Service,
    Suggestion,
    SuggestionKind,
    SuggestionSource,
    SuggestionStatus,
)
from linkwork.directory.oruk.attributes import AUDIENCE_TAXONOMY_ID
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.vocabulary.inference import (
    FROM_FEED_TERM,
    find_eligibility,
    suggest_categories,
)

BATCH_SIZE = 500
SEX_LIMITS = frozenset({"women_only", "men_only"})


@dataclass
class SuggestionReport:
    """What one run did."""

    services: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    with_category: int = 0  # services left with at least one open or confirmed category guess

    def as_dict(self) -> dict[str, int]:
        return {
            "services": self.services,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "with_category": self.with_category,
        }


@dataclass(frozen=True)
class _Guess:
    source: str
    evidence: str
    score: float | None


def _batches(
    services: models.QuerySet[Service] | Iterable[Any] | None,
) -> Iterator[list[Service]]:
    queryset: models.QuerySet[Service]
    if services is None:
        queryset = Service.objects.all()
    elif isinstance(services, models.QuerySet):
        queryset = services
    else:
        ids = [s.pk if isinstance(s, Service) else s for s in services]
        queryset = Service.objects.filter(pk__in=ids)
    fields = ("id", "name", "description_text", "eligibility_description")
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        yield list(
            Service.objects.filter(pk__in=chunk)
            .only(*fields, "minimum_age", "maximum_age")
            .order_by("pk")
        )


def _guesses(
    service: Service,
    *,
    terms: list[str],
    audiences: set[str],
    has_category: bool,
) -> dict[tuple[str, str], _Guess]:
    found: dict[tuple[str, str], _Guess] = {}
    if not has_category:
        for guess in suggest_categories(
            service.name, service.description_text, terms=terms, audiences=audiences
        ):
            source = (
                SuggestionSource.FEED_TERM
                if guess.source == FROM_FEED_TERM
                else SuggestionSource.KEYWORDS
            )
            score = None if guess.score == float("inf") else guess.score
            found[(SuggestionKind.CATEGORY, guess.slug)] = _Guess(
                source, guess.because[:500], score
            )
    no_ages = service.minimum_age is None and service.maximum_age is None
    for limit in find_eligibility(
        service.name, service.description_text, service.eligibility_description
    ):
        if limit.kind == "ages" and not no_ages:
            continue
        if limit.kind == "audience" and audiences & SEX_LIMITS:
            continue
        kind = SuggestionKind.AGES if limit.kind == "ages" else SuggestionKind.AUDIENCE
        found[(kind, limit.value)] = _Guess(
            SuggestionSource.TEXT, f"words '{limit.evidence}'"[:500], None
        )
    return found


def _stated(ids: list[uuid.UUID]) -> tuple[dict[Any, list[str]], dict[Any, set[str]], set[Any]]:
    """Per service: the feed's own term names, its Linkwork audiences, and whether it has a
    Linkwork category."""
    terms: dict[Any, list[str]] = defaultdict(list)
    audiences: dict[Any, set[str]] = defaultdict(set)
    categorised: set[Any] = set()
    rows = Attribute.objects.filter(link_entity=Entity.SERVICE, link_id__in=ids).values_list(
        "link_id",
        "link_type",
        "taxonomy_term__taxonomy_id",
        "taxonomy_term__code",
        "taxonomy_term__name",
    )
    for link_id, link_type, taxonomy_id, code, name in rows:
        if taxonomy_id == LINKWORK_TAXONOMY_ID:
            if link_type == LinkType.CATEGORY:
                categorised.add(link_id)
        elif AUDIENCE_TAXONOMY_ID is not None and taxonomy_id == AUDIENCE_TAXONOMY_ID:
            audiences[link_id].add(code)
        elif name:
            terms[link_id].append(name)
    return terms, audiences, categorised


def suggest_for_services(
    services: models.QuerySet[Service] | Iterable[Any] | None = None,
) -> SuggestionReport:
    """Infer and keep suggestions for these services (a queryset, services or ids; None for
    the whole directory). Each batch is one transaction."""
    report = SuggestionReport()
    for batch in _batches(services):
        ids = [service.pk for service in batch]
        with transaction.atomic():
            terms, audiences, categorised = _stated(ids)
            existing: dict[tuple[Any, str, str], Suggestion] = {
                (s.service_id, s.kind, s.value): s
                for s in Suggestion.objects.filter(service_id__in=ids)
            }
            create: list[Suggestion] = []
            update: list[Suggestion] = []
            remove: list[uuid.UUID] = []
            for service in batch:
                wanted = _guesses(
                    service,
                    terms=terms.get(service.pk, []),
                    audiences=audiences.get(service.pk, set()),
                    has_category=service.pk in categorised,
                )
                for (kind, value), guess in wanted.items():
                    row = existing.get((service.pk, kind, value))
                    if row is None:
                        create.append(
                            Suggestion(
                                service_id=service.pk,
                                kind=kind,
                                value=value,
                                source=guess.source,
                                evidence=guess.evidence,
                                score=guess.score,
                            )
                        )
                    elif row.status == SuggestionStatus.SUGGESTED and (
                        row.source,
                        row.evidence,
                        row.score,
                    ) != (guess.source, guess.evidence, guess.score):
                        row.source, row.evidence, row.score = (
                            guess.source,
                            guess.evidence,
                            guess.score,
                        )
                        update.append(row)
                remove += [
                    row.pk
                    for (sid, kind, value), row in existing.items()
                    if sid == service.pk
                    and row.status == SuggestionStatus.SUGGESTED
                    and (kind, value) not in wanted
                ]
                kept = {
                    value
                    for (sid, kind, value), row in existing.items()
                    if sid == service.pk
                    and kind == SuggestionKind.CATEGORY
                    and row.status == SuggestionStatus.CONFIRMED
                }
                if (
                    service.pk in categorised
                    or kept
                    or any(kind == SuggestionKind.CATEGORY for kind, _ in wanted)
                ):
                    report.with_category += 1
            Suggestion.objects.bulk_create(create)
            Suggestion.objects.bulk_update(update, ["source", "evidence", "score"])
            Suggestion.objects.filter(pk__in=remove).delete()
        report.services += len(batch)
        report.added += len(create)
        report.updated += len(update)
        report.removed += len(remove)
    return report
