"""Relevance search of services, for the directory search page and the ORUK API's `search`.

A query is read as words (and the two- or three-word phrases of the synonyms file); function
words ("with", "for") and filler ("help", "service") are left out. Each word becomes a group:
the word and its synonyms from `data/search_synonyms.toml` (lonely finds loneliness and
isolation). A service matches when it says something of every group, in its name, the plain
text of its description or its organisation's name (never the HTML markup); English stemming
joins the forms of a word (walk, walks, walking).

- PostgreSQL: each group is `websearch_to_tsquery('english', 'a or b or "c d"')`, the groups
  joined with `&&`, tested with `@@` against the indexed `search_vector` and scored with
  `ts_rank` (name weighs 1.0, description 0.4, organisation 0.2).
- SQLite: the same groups as an FTS5 query over the Porter-stemmed index, scored with BM25
  (name 20, description 4, organisation 1).

When fewer than `FEW` services match every group, services matching any group are taken
instead (those matching every group first); if that is still few, a word that no service
says at all is taken for a typo and replaced by the nearest word the directory does say
(PostgreSQL finds candidates with pg_trgm's word similarity on the trigram indexes, SQLite
reads the FTS5 vocabulary; `difflib` picks the nearest), and the search runs again.
The index itself is described in `search_index.py`.
"""

from __future__ import annotations

import copy
import difflib
import re
import sqlite3
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any, Final, Generic, Literal, TypeVar

from django.db import NotSupportedError, connections, transaction
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    F,
    FloatField,
    Model,
    QuerySet,
    Window,
)

# Fewer matches than this and the search widens (any word, then typos corrected).
FEW: Final = 5
# A longer search is someone pasting a paragraph: the first words are plenty.
MAX_GROUPS: Final = 8
# Words shorter than this are never taken for typos.
MIN_TYPO_LENGTH: Final = 4
# How alike a word and its correction must be (difflib's ratio).
TYPO_CUTOFF: Final = 0.75
# pg_trgm word similarity for a candidate text to be read for corrections.
TRIGRAM_THRESHOLD: Final = 0.4
TRIGRAM_CANDIDATES: Final = 200
# ts_rank weights for D, C, B, A: organisation name is C, description B, service name A.
PG_WEIGHTS: Final = "{0.1, 0.2, 0.4, 1.0}"
SQLITE_WEIGHTS: Final = "20.0, 4.0, 1.0"
# How much again the words as typed count, beside their synonyms.
TYPED_WEIGHT: Final = 0.25
# Added to the score of a service that says every word when the search was widened to any:
# more than any score either database gives.
EVERY_WORD_BONUS: Final = 1000

# English function words, as PostgreSQL's `english` configuration drops them; SQLite's FTS5
# keeps every word, so they are dropped here for both.
STOP_WORDS: Final = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves""".split()  # noqa: SIM905
)
# Words, with inner apostrophes (straight or curly) and hyphens: men's, long-term.
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")

Kind = Literal["match", "rank"]
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Synonyms:
    groups: dict[str, tuple[str, ...]]  # word or phrase -> its group
    filler: frozenset[str]
    longest: int  # words in the longest phrase


@cache
def synonyms() -> Synonyms:
    """The reviewed synonyms file, read once."""
    text = files("linkwork.directory").joinpath("data/search_synonyms.toml").read_text("utf-8")
    data = tomllib.loads(text)
    groups: dict[str, tuple[str, ...]] = {}
    for entry in data["groups"]:
        words = tuple(dict.fromkeys(w.casefold() for w in entry["words"]))
        for word in words:
            if word in groups:
                raise ValueError(f"search_synonyms.toml: {word!r} is in two groups")
            # The typed word first, then the rest in the file's order.
            groups[word] = (word, *(w for w in words if w != word))
    longest = max((len(w.split()) for w in groups), default=1)
    return Synonyms(groups, frozenset(w.casefold() for w in data["filler"]), longest)


@dataclass(frozen=True)
class Terms:
    """What a query asks for: groups of alternatives, the first of each as typed."""

    groups: tuple[tuple[str, ...], ...] = ()
    every: bool = True  # a service must match every group (else any)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def typed(self) -> list[str]:
        return [group[0] for group in self.groups]

    def loosened(self) -> Terms:
        return replace(self, every=False)

    def as_typed(self) -> Terms:
        """The words as typed, without their synonyms."""
        return replace(self, groups=tuple((group[0],) for group in self.groups))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def group_for(word: str) -> tuple[str, ...]:
    """The word and its synonyms, one of each stem (isolated and isolation are one: each
    alternative would otherwise score again)."""
    group = synonyms().groups.get(word, (word,))
    seen: set[tuple[str, ...]] = set()
    kept = []
    for alternative in group:
        key = stems(alternative)
        if key not in seen:
            seen.add(key)
            kept.append(alternative)
    return tuple(kept)


_stemmer_lock = threading.Lock()


@lru_cache(maxsize=8192)
def stems(text: str) -> tuple[str, ...]:
    """The Porter stems of `text`, from SQLite's own FTS5 tokenizer (an in-memory database of
    the standard library's sqlite3, whatever database the site uses)."""
    with _stemmer_lock, sqlite3.connect(":memory:") as db:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        db.execute("INSERT INTO t (x) VALUES (?)", [text])
        rows = db.execute("SELECT term FROM v ORDER BY offset").fetchall()
    db.close()
    return tuple(row[0] for row in rows)


def parse(text: str) -> Terms:
    """The groups of a query: phrases of the synonyms file first, then single words."""
    found = words(text)
    known = synonyms()
    groups: list[tuple[str, ...]] = []
    kept: list[str] = []
    i = 0
    while i < len(found):
        for length in range(min(known.longest, len(found) - i), 0, -1):
            phrase = " ".join(found[i : i + length])
            if length > 1 and phrase in known.groups:
                groups.append(known.groups[phrase])
                i += length
                break
        else:
            word = found[i]
            i += 1
            if word in STOP_WORDS:
                continue
            if word in known.filler:
                kept.append(word)
                continue
            groups.append(group_for(word))
    if not groups:
        # Nothing but filler ("support group"): search for the filler after all.
        groups = [group_for(word) for word in kept]
    unique = list(dict.fromkeys(groups))
    return Terms(tuple(unique[:MAX_GROUPS]))


# SQL -------------------------------------------------------------------------------------------


def _pg_alternative(text: str) -> str:
    # Quoted, each alternative is a word or a phrase; websearch syntax never errors.
    return '"' + text.rstrip("*").replace('"', " ") + '"'


def pg_tsquery(terms: Terms) -> tuple[str, list[str]]:
    """The tsquery of `terms`, as SQL and parameters."""
    parts = ["websearch_to_tsquery('english', %s)"] * len(terms.groups)
    params = [" or ".join(_pg_alternative(a) for a in group) for group in terms.groups]
    joiner = " && " if terms.every else " || "
    return "(" + joiner.join(parts) + ")", params


def _fts_alternative(text: str) -> str:
    prefix = text.endswith("*")
    quoted = '"' + text.rstrip("*").replace('"', '""') + '"'
    return quoted + ("*" if prefix else "")


def fts_query(terms: Terms) -> str:
    """The FTS5 query of `terms` (every alternative quoted: no user text is FTS5 syntax)."""
    groups = ["(" + " OR ".join(_fts_alternative(a) for a in g) + ")" for g in terms.groups]
    return (" AND " if terms.every else " OR ").join(groups)


class Fulltext(Expression):
    """Whether a query's service matches `terms` ("match"), or how well ("rank").

    `anchor` is a path to a column of the service from the query's model ("name" for services,
    "service__name" for services at locations): resolving it finds the service table's alias,
    so the index is read from the right table in joins and subqueries alike.
    """

    def __init__(self, terms: Terms, kind: Kind, anchor: str = "name") -> None:
        super().__init__(output_field=BooleanField() if kind == "match" else FloatField())
        self.terms = terms
        self.kind = kind
        self.anchor = anchor
        self.alias: str | None = None

    def __repr__(self) -> str:
        return f"Fulltext({self.terms!r}, {self.kind!r}, {self.anchor!r})"

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> Fulltext:
        column = F(self.anchor).resolve_expression(query, allow_joins, reuse, summarize, for_save)
        clone = copy.copy(self)
        clone.alias = getattr(column, "alias", None)
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> Fulltext:
        clone = copy.copy(self)
        clone.alias = change_map.get(self.alias or "", self.alias)
        return clone

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(self.alias)
        sql, params = self._sql(self.terms, table, connection)
        typed = self.terms.as_typed()
        if self.kind == "rank" and typed != self.terms and connection.vendor == "sqlite":
            # The words as typed count a little again: a synonym finds a service, but a rare
            # synonym (which BM25 weighs up) should not outrank the word the link worker chose.
            # (ts_rank on PostgreSQL does not weigh rare words up.)
            again, again_params = self._sql(typed, table, connection)
            sql = f"({sql} + {TYPED_WEIGHT} * {again})"
            params = [*params, *again_params]
        if self.kind == "rank" and not self.terms.every and len(self.terms.groups) > 1:
            # Widened to any word: the services that say every word still come first.
            every = replace(self.terms, every=True)
            match, match_params = self._sql(every, table, connection, "match")
            sql = f"({sql} + CASE WHEN {match} THEN {EVERY_WORD_BONUS} ELSE 0 END)"
            params = [*params, *match_params]
        return sql, params

    def _sql(
        self, terms: Terms, table: str, connection: Any, kind: Kind | None = None
    ) -> tuple[str, list[Any]]:
        kind = kind or self.kind
        if connection.vendor == "postgresql":
            tsquery, params = pg_tsquery(terms)
            vector = f"{table}.search_vector"
            if kind == "match":
                return f"{vector} @@ {tsquery}", params
            return f"ts_rank('{PG_WEIGHTS}', {vector}, {tsquery})", params
        if connection.vendor == "sqlite":
            service_id = f"{table}.{connection.ops.quote_name('id')}"
            if kind == "match":
                # Only names of our own tables and columns are formatted in; text is a parameter.
                return (
                    f"{service_id} IN (SELECT d.service_id FROM directory_service_fts f "  # noqa: S608 # nosec B608
                    "JOIN directory_service_fts_doc d ON d.docid = f.rowid "
                    "WHERE directory_service_fts MATCH %s)",
                    [fts_query(terms)],
                )
            return (
                f"COALESCE((SELECT -bm25(directory_service_fts, {SQLITE_WEIGHTS}) "  # noqa: S608 # nosec B608
                "FROM directory_service_fts WHERE directory_service_fts MATCH %s AND rowid = "
                "(SELECT docid FROM directory_service_fts_doc "
                f"WHERE service_id = {service_id})), 0.0)",
                [fts_query(terms)],
            )
        raise NotSupportedError(f"No full-text search on {connection.vendor}.")


# Searching -------------------------------------------------------------------------------------


@dataclass
class Found:
    """Services matching a query, annotated with `relevance` (higher is better)."""

    services: QuerySet[Any]
    terms: Terms
    corrected: dict[str, str] = field(default_factory=dict)  # typed word -> word searched


def relevant(
    records: QuerySet[M], text: str | None, *, anchor: str = "name", few: int = FEW
) -> Found | None:
    """`records` narrowed to those matching `text` and annotated with `relevance`, widened
    as the module says when few match; None when `text` asks for nothing."""
    terms = parse(text or "")
    if not terms:
        return None

    def attempt(wanted: Terms) -> QuerySet[M]:
        return records.filter(Fulltext(wanted, "match", anchor)).annotate(
            relevance=Fulltext(wanted, "rank", anchor)
        )

    def hits(found: QuerySet[M]) -> int:
        return len(found.order_by().values_list("pk", flat=True)[:few])

    best = Found(attempt(terms), terms)
    count = hits(best.services)

    def consider(wanted: Terms, corrected: dict[str, str]) -> None:
        nonlocal best, count
        found = attempt(wanted)
        more = hits(found)
        if more > count:
            best, count = Found(found, wanted, corrected), more

    if count < few and len(terms.groups) > 1:
        consider(terms.loosened(), {})
    if count < few:
        fixed, corrected = correct(terms, records.db)
        if corrected:
            consider(fixed, corrected)
            if count < few and len(fixed.groups) > 1:
                consider(fixed.loosened(), corrected)
    return best


def correct(terms: Terms, using: str = "default") -> tuple[Terms, dict[str, str]]:
    """`terms` with each typed word that no service says replaced by the nearest word that
    one does; and what was replaced."""
    from linkwork.directory.models import Service

    groups = list(terms.groups)
    corrected: dict[str, str] = {}
    for index, group in enumerate(groups):
        typed = group[0]
        if len(typed) < MIN_TYPO_LENGTH or " " in typed:
            continue
        alone = Terms((group,))
        if Service.objects.using(using).filter(Fulltext(alone, "match")).exists():
            continue
        nearest = _nearest(typed, using)
        if nearest is None:
            continue
        word, searched = nearest
        corrected[typed] = word
        groups[index] = searched
    return Terms(tuple(groups), terms.every), corrected


def _nearest(word: str, using: str) -> tuple[str, tuple[str, ...]] | None:
    """The directory's word nearest `word`, and the group to search for it."""
    connection = connections[using]
    known = synonyms()
    listed = {w for w in known.groups if " " not in w}
    if connection.vendor == "postgresql":
        vocabulary = _pg_vocabulary(word, using)
        close = difflib.get_close_matches(word, vocabulary | listed, n=1, cutoff=TYPO_CUTOFF)
        return (close[0], group_for(close[0])) if close else None
    with connection.cursor() as cursor:
        cursor.execute("SELECT term FROM directory_service_fts_vocab")
        stems = {row[0] for row in cursor.fetchall()}
    close = difflib.get_close_matches(word, stems | listed, n=1, cutoff=TYPO_CUTOFF)
    if not close:
        return None
    if close[0] in listed:
        return close[0], group_for(close[0])
    # An indexed stem (lonely is indexed as "lone"): any word that begins with it.
    return close[0], (close[0] + "*",)


def _pg_vocabulary(word: str, using: str) -> set[str]:
    """Words of services whose name or description has a run of text like `word`."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TRIGRAM_THRESHOLD)],
        )
        cursor.execute(
            "SELECT name || ' ' || description_text FROM directory_service "
            "WHERE UPPER(name::text) %%> UPPER(%s) OR UPPER(description_text::text) %%> UPPER(%s) "
            "LIMIT %s",
            [word, word, TRIGRAM_CANDIDATES],
        )
        texts = [row[0] for row in cursor.fetchall()]
    return {w for text in texts for w in words(text) if len(w) >= MIN_TYPO_LENGTH - 1}


class RankedPages(Generic[M]):
    """A ranked queryset read a page at a time, for `Paginator` and the ORUK lists.

    Ranking sorts every matching row, so the page's ids are found on the service table alone
    (no joins, no wide columns read for rows that will not be shown), with the number of
    matches counted in the same pass (a window count); then only those rows are read in full,
    with everything the queryset selects and prefetches. `expected` is the slice a paginator
    will ask for once it has counted: counting then fetches that page's ids at once.
    """

    def __init__(self, records: QuerySet[M], expected: slice | None = None) -> None:
        self.records = records
        self.expected = expected
        self._total: int | None = None
        self._ids: dict[tuple[int, int], list[Any]] = {}

    def count(self) -> int:
        if self._total is None and self.expected is not None:
            self._page_ids(self.expected.start or 0, self.expected.stop)
        if self._total is None:
            self._total = self.records.order_by().count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def _page_ids(self, start: int, stop: int) -> list[Any]:
        for (begun, ended), ids in self._ids.items():
            # A page already read that holds this one (Paginator asks for a last page only
            # up to the count).
            if begun == start and (ended >= stop or len(ids) < ended - begun):
                return ids[: stop - start]
        key = (start, stop)
        if key not in self._ids:
            rows = list(
                self.records.annotate(matches=Window(Count("pk"))).values_list("pk", "matches")[
                    start:stop
                ]
            )
            self._ids[key] = [pk for pk, _ in rows]
            if rows:
                self._total = rows[0][1]
        return self._ids[key]

    def __getitem__(self, index: slice) -> list[M]:
        ids = self._page_ids(index.start or 0, index.stop)
        if not ids:
            return []
        found = {row.pk: row for row in self.records.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
