"""Suggest listings that are probably the same service, for a curator to merge.

Two listings are likely duplicates when they have the same name at the same postcode, or
near-identical names and descriptions at the same postcode or in the same organisation.
Comparisons happen within those small blocks, never across the whole directory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from linkwork.directory.models import Address, Service, ServiceStatus

SIMILAR = 0.9
LARGEST_BLOCK = 60


@dataclass(frozen=True)
class Pair:
    first: Service
    second: Service
    reason: str


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _similar(a: str, b: str) -> bool:
    # The cheap upper bounds rule out most pairs before the full comparison.
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def likely_duplicates(limit: int = 50) -> list[Pair]:
    rows = list(
        Service.objects.exclude(status=ServiceStatus.DEFUNCT).values_list(
            "id", "name", "description", "organization_id"
        )
    )
    postcodes: dict[Any, set[str]] = defaultdict(set)
    for service_id, postcode in Address.objects.filter(
        location__service_at_locations__isnull=False
    ).values_list("location__service_at_locations__service_id", "postal_code"):
        postcodes[service_id].add(postcode.replace(" ", "").upper())
    text = {
        pk: (_normal(name), _normal(f"{name} {description}")) for pk, name, description, _ in rows
    }
    blocks: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for pk, _, _, organization_id in rows:
        blocks[("organisation", str(organization_id))].append(pk)
        for postcode in postcodes[pk]:
            blocks[("postcode", postcode)].append(pk)
    found: dict[frozenset[Any], str] = {}
    for (kind, key), members in blocks.items():
        if len(members) > LARGEST_BLOCK:
            continue
        for a, b in combinations(members, 2):
            pair = frozenset((a, b))
            if pair in found:
                continue
            if kind == "postcode" and text[a][0] == text[b][0]:
                found[pair] = f"Same name at {key[:-3]} {key[-3:]}"
            elif _similar(text[a][1], text[b][1]):
                where = (
                    "at the same postcode" if kind == "postcode" else "from the same organisation"
                )
                found[pair] = f"Near-identical name and description {where}"
        if len(found) >= limit:
            break
    services = Service.objects.select_related("organization").in_bulk(
        [pk for pair in found for pk in pair]
    )
    pairs = []
    for pair, reason in list(found.items())[:limit]:
        first, second = sorted(pair, key=str)
        pairs.append(Pair(services[first], services[second], reason))
    return pairs
