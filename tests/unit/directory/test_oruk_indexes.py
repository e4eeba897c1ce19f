"""On PostgreSQL the trigram indexes of migration 0003 serve the ORUK search as Django writes
it; if Django ever changes how `icontains` is compiled, this fails instead of search quietly
turning into a scan of every service."""

from __future__ import annotations

import pytest
from django.db import connection

from linkwork.directory.models import Service
from linkwork.directory.oruk.queries import search_condition

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="trigram indexes exist on PostgreSQL only; SQLite scans",
)
def test_search_uses_the_trigram_indexes_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'directory_service'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"dir_service_name_trgm", "dir_service_description_trgm"} <= names
    query = Service.objects.filter(search_condition("walking", ("name", "description"))).order_by()
    with connection.cursor() as cursor:
        # With so few rows the planner would rightly scan; forbid that to see the index match.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "dir_service_name_trgm" in plan
    assert "dir_service_description_trgm" in plan
