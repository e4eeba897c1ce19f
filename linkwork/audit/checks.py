"""A system check: Linkwork should not connect as the owner of its audit table.

The audit table is append-only (a trigger refuses UPDATE and DELETE on PostgreSQL), but a
table's owner can still TRUNCATE it, disable the trigger or drop it. The production set-up in
`docs/operations.md` therefore runs migrations as one database role (the owner) and the site
as another that may only insert and read. This check warns when the site's own connection owns
the table. It reads the database, so it runs where Django runs database checks: `migrate`
and `linkwork check --database default` (part of the documented start-up).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import connections

from linkwork.audit.models import AuditEvent


def audit_table_owner(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tableowner = current_user FROM pg_tables WHERE tablename = %s",
                [AuditEvent._meta.db_table],
            )
            row = cursor.fetchone()
        if row is not None and row[0]:
            problems.append(
                checks.Warning(
                    f"The database role of connection {alias!r} owns the audit table "
                    f"{AuditEvent._meta.db_table}: it could truncate it or switch its "
                    "append-only trigger off.",
                    hint="Run migrations as the owner and the site as a role that may only "
                    "insert and read audit rows (docs/operations.md, 'Database roles').",
                    id="audit.W001",
                )
            )
    return problems
