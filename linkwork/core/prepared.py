"""Queries every page runs, with SQL the ORM writes once per process rather than per request.

Building a queryset and compiling it to SQL costs some 0.3-0.5 ms of processor time, more than
the database takes to answer a small query by key; the user's roles (`permissions.grants`) and
the unread alerts in the header are asked on every signed-in page. A `Prepared` query is the
ORM's own queryset, built and compiled once with a stand-in for the one value that changes
(the user's id), then run with the real value in its place: the same SQL the queryset would
send, without building it again. Only for querysets whose columns need no conversion on
reading (plain text, numbers, booleans), since the rows come back as the database driver
gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.db import connections
from django.db.models import QuerySet

# A key no row has, to find where the changing value sits among the compiled parameters.
STAND_IN: Final = -7_340_291_853


class Prepared:
    """A queryset of one changing value (`build(value)`), compiled once per database."""

    def __init__(
        self, build: Callable[[int], QuerySet[Any]], *, count: bool = False, using: str = "default"
    ) -> None:
        self._build = build
        self._count = count
        self._using = using
        self._compiled: dict[tuple[str, str], tuple[str, tuple[Any, ...], int]] = {}

    def _sql(self) -> tuple[str, tuple[Any, ...], int]:
        connection = connections[self._using]
        # Keyed by the database's name and kind: test runs swap the database under a process.
        key = (connection.vendor, str(connection.settings_dict.get("NAME")))
        compiled = self._compiled.get(key)
        if compiled is None:
            queryset = self._build(STAND_IN)
            if self._count:
                queryset = queryset.order_by().values("pk")
            sql, params = queryset.query.sql_with_params()
            if params.count(STAND_IN) != 1:
                raise ValueError("a prepared query must use its value exactly once")
            if self._count:
                # The ORM's own SQL, with its parameters left as placeholders.
                sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 # nosec B608
            compiled = (sql, tuple(params), params.index(STAND_IN))
            self._compiled[key] = compiled
        return compiled

    def rows(self, value: int) -> list[tuple[Any, ...]]:
        """The rows of `build(value).values_list(...)`, as tuples."""
        sql, params, index = self._sql()
        given = (*params[:index], int(value), *params[index + 1 :])
        with connections[self._using].cursor() as cursor:
            cursor.execute(sql, given)
            return list(cursor.fetchall())

    def count(self, value: int) -> int:
        """`build(value).count()`, for a query made with `count=True`."""
        return int(self.rows(value)[0][0])
