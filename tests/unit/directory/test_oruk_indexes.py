"""On PostgreSQL the indexes of migration 0006 serve service search as Django writes it; if
the SQL ever drifts from the indexed expressions, this fails instead of search quietly
turning into a scan of every service."""

from __future__ import annotations

import pytest
from django.db import connection

from linkwork.directory.fulltext import Fulltext, parse
from linkwork.directory.models import Service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="these indexes exist on PostgreSQL only"
    ),
]


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'directory_service'")
        return {row[0] for row in cursor.fetchall()}


def test_full_text_search_uses_the_gin_index():
    assert {"dir_service_search_gin", "dir_service_name_trgm"} <= _indexes()
    # The HTML is no longer searched, so its trigram index is gone; the plain text has one.
    assert "dir_service_description_trgm" not in _indexes()
    assert "dir_service_description_text_trgm" in _indexes()
    query = Service.objects.filter(Fulltext(parse("walking group"), "match")).order_by()
    with connection.cursor() as cursor:
        # With so few rows the planner would rightly scan; forbid that to see the index match.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "dir_service_search_gin" in plan


def test_typo_candidates_use_the_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT name FROM directory_service WHERE UPPER(name::text) %%> UPPER(%s) "
            "OR UPPER(description_text::text) %%> UPPER(%s)",
            ["lonley", "lonley"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dir_service_name_trgm" in plan
    assert "dir_service_description_text_trgm" in plan
