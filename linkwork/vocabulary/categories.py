"""The service categories, the audiences and the needs-to-categories mapping: reviewed TOML
data files in `data/`.

Both files are validated strictly when this module is imported, so a typo (a need left out, a
misspelt category) fails at start-up instead of silently hiding services from matching. The
directory turns the categories and audiences into HSDS taxonomy terms (`directory.taxonomy`);
matching reads the mapping.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from linkwork.core.reviewed import ReviewedReader, read_toml
from linkwork.vocabulary.needs import Need

_SLUG_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
# Audiences may also name a community or faith: `culture:polish`, `faith:sikh`.
_AUDIENCE_SLUG_RE: Final = re.compile(r"^((culture|faith):)?[a-z][a-z0-9_]*$")
_TAXONOMY_REQUIRED: Final = frozenset(
    {"name", "description", "version", "source", "authored_by", "checked_by", "categories"}
)
_TAXONOMY_OPTIONAL: Final = frozenset({"audiences"})
_AUDIENCES_KEYS: Final = frozenset({"name", "description", "terms"})
_TERM_KEYS: Final = frozenset({"slug", "name", "description"})
_MAPPING_REQUIRED: Final = frozenset({"source", "authored_by", "checked_by", "needs"})
_MAPPING_OPTIONAL: Final = frozenset({"notes"})


class TaxonomyError(ValueError):
    """A broken taxonomy or mapping file; names the file and the field at fault."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")
        self.source = source
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class TermSet:
    """A taxonomy as written in the data file."""

    name: str
    description: str
    terms: Mapping[str, Term]


@dataclass(frozen=True)
class TaxonomyDefinition:
    categories: TermSet
    audiences: TermSet | None
    version: str
    source: str
    authored_by: str
    checked_by: str


class _Reader(ReviewedReader[TaxonomyError]):
    def __init__(self, source: str) -> None:
        super().__init__(source, TaxonomyError)

    def slug(self, value: Any, field: str, pattern: re.Pattern[str] = _SLUG_RE) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise self.fail(field, f"{value!r} is not a slug (lower case, digits, underscores)")
        return value

    def term_set(
        self,
        name: str,
        description: str,
        raw: Any,
        field: str,
        pattern: re.Pattern[str] = _SLUG_RE,
    ) -> TermSet:
        if not isinstance(raw, list) or not raw:
            raise self.fail(field, "must be a non-empty list of terms")
        terms: dict[str, Term] = {}
        for index, item in enumerate(raw):
            where = f"{field}[{index}]"
            entry = self.table(item, where)
            self.keys(entry, where, _TERM_KEYS)
            slug = self.slug(entry["slug"], f"{where}.slug", pattern)
            if slug in terms:
                raise self.fail(f"{where}.slug", f"{slug!r} appears twice")
            terms[slug] = Term(
                slug, self.text(entry, "name", where), self.text(entry, "description", where)
            )
        return TermSet(name, description, MappingProxyType(terms))


def _read_toml(path: Path | Traversable) -> tuple[str, dict[str, Any]]:
    return str(path), read_toml(path, TaxonomyError)


def load_taxonomy(path: Path | Traversable) -> TaxonomyDefinition:
    """Read and validate a taxonomy file (categories, and optionally audiences)."""
    source, data = _read_toml(path)
    r = _Reader(source)
    r.keys(data, "", _TAXONOMY_REQUIRED, _TAXONOMY_OPTIONAL)
    categories = r.term_set(
        r.slug(data["name"], "name"),
        r.text(data, "description", ""),
        data["categories"],
        "categories",
    )
    audiences = None
    if "audiences" in data:
        table = r.table(data["audiences"], "audiences")
        r.keys(table, "audiences", _AUDIENCES_KEYS)
        audiences = r.term_set(
            r.slug(table["name"], "audiences.name"),
            r.text(table, "description", "audiences"),
            table["terms"],
            "audiences.terms",
            _AUDIENCE_SLUG_RE,
        )
        if audiences.name == categories.name:
            raise r.fail("audiences.name", "must differ from the categories taxonomy name")
    return TaxonomyDefinition(
        categories=categories,
        audiences=audiences,
        version=r.text(data, "version", ""),
        source=r.text(data, "source", ""),
        authored_by=r.text(data, "authored_by", ""),
        checked_by=r.text(data, "checked_by", ""),
    )


def load_need_mapping(
    path: Path | Traversable,
    *,
    categories: Collection[str],
    needs: Collection[str] = tuple(Need.values),
) -> Mapping[str, frozenset[str]]:
    """Read and validate the needs-to-categories file: every need mapped, only known needs,
    only known categories, each need to at least one category."""
    order = load_need_order(path, categories=categories, needs=needs)
    return MappingProxyType({need: frozenset(slugs) for need, slugs in order.items()})


def load_need_order(
    path: Path | Traversable,
    *,
    categories: Collection[str],
    needs: Collection[str] = tuple(Need.values),
) -> Mapping[str, tuple[str, ...]]:
    """The needs-to-categories file, validated, with each need's categories in the order
    written: the first is where a link worker usually looks first, and matching weighs it so."""
    source, data = _read_toml(path)
    r = _Reader(source)
    r.keys(data, "", _MAPPING_REQUIRED, _MAPPING_OPTIONAL)
    for key in ("source", "authored_by", "checked_by"):
        r.text(data, key, "")
    table = r.table(data["needs"], "needs")
    missing = sorted(set(needs) - table.keys())
    if missing:
        raise r.fail("needs", f"no categories for need(s) {', '.join(missing)}")
    unknown = sorted(table.keys() - set(needs))
    if unknown:
        raise r.fail("needs", f"unknown need(s) {', '.join(unknown)}")
    mapping: dict[str, tuple[str, ...]] = {}
    for need in needs:
        field = f"needs.{need}"
        slugs = table[need]
        if not isinstance(slugs, list) or not slugs:
            raise r.fail(field, "must be a non-empty list of category slugs")
        if len(set(slugs)) != len(slugs):
            raise r.fail(field, "lists a category twice")
        for slug in slugs:
            if slug not in categories:
                raise r.fail(field, f"unknown category {slug!r}")
        mapping[need] = tuple(slugs)
    return MappingProxyType(mapping)


def bundled_data() -> Traversable:
    """The reviewed data files shipped inside the package, wherever it is installed."""
    return files("linkwork.vocabulary").joinpath("data")


DEFINITION: Final = load_taxonomy(bundled_data().joinpath("taxonomy.toml"))
TAXONOMY_NAME: Final = DEFINITION.categories.name
CATEGORIES: Final[Mapping[str, Term]] = DEFINITION.categories.terms
AUDIENCES: Final[Mapping[str, Term]] = (
    DEFINITION.audiences.terms if DEFINITION.audiences else MappingProxyType({})
)
# Each need's categories in the file's order (matching weighs the first most), and as sets.
NEED_CATEGORY_ORDER: Final = load_need_order(
    bundled_data().joinpath("needs_to_categories.toml"), categories=CATEGORIES.keys()
)
NEEDS_TO_CATEGORIES: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {need: frozenset(slugs) for need, slugs in NEED_CATEGORY_ORDER.items()}
)


def categories_for_needs(needs: Iterable[str]) -> set[str]:
    """Every category that may meet any of these needs; an unknown need is an error."""
    found: set[str] = set()
    for need in needs:
        try:
            found |= NEEDS_TO_CATEGORIES[need]
        except KeyError:
            raise ValueError(f"Unknown need {need!r}.") from None
    return found
