"""Other services to suggest when a connection's service is paused, until matching ranks them.

Alternatives share a category with the paused service, are fresh (checked within the stale
limit), running and not full, and are not already connected for this person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linkwork.casework.models import Connection
from linkwork.directory.models import (
    Attribute,
    Capacity,
    Entity,
    LinkType,
    Service,
    ServiceStatus,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID


def alternatives_for(
    paused: Sequence[Connection], *, connected_service_ids: set[Any], limit: int = 3
) -> dict[Any, list[Service]]:
    """For each paused connection, up to `limit` other services, accepting ones first."""
    if not paused:
        return {}
    service_ids = {connection.service_id for connection in paused}
    categories: dict[Any, set[str]] = {}
    for link_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE,
        link_type=LinkType.CATEGORY,
        link_id__in=service_ids,
        taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
    ).values_list("link_id", "taxonomy_term__code"):
        categories.setdefault(link_id, set()).add(code)
    wanted = set().union(*categories.values()) if categories else set()
    if not wanted:
        return {connection.pk: [] for connection in paused}
    candidates = list(
        Service.objects.fresh()
        .in_categories(wanted)
        .filter(status=ServiceStatus.ACTIVE)
        .exclude(capacity=Capacity.FULL)
        .exclude(pk__in=connected_service_ids | service_ids)
        .select_related("organization")
        .order_by("capacity", "name")[:200]
    )
    candidate_categories: dict[Any, set[str]] = {}
    for link_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE,
        link_type=LinkType.CATEGORY,
        link_id__in=[service.pk for service in candidates],
        taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
    ).values_list("link_id", "taxonomy_term__code"):
        candidate_categories.setdefault(link_id, set()).add(code)
    return {
        connection.pk: [
            service
            for service in candidates
            if candidate_categories.get(service.pk, set())
            & categories.get(connection.service_id, set())
        ][:limit]
        for connection in paused
    }
