"""Suggested categories, ages and sex limits for services whose feed gives no Linkwork category.

Two transparent sources, both reviewed data files in `data/`:

- `feed_terms_to_categories.toml`: the feed's own taxonomy terms (ORUK 1.0 `service_taxonomys`,
  LGA/esd terms, target audiences) mapped by name to Linkwork categories;
- `category_keywords.toml`: keyword lists per category, scored over the service's name and the
  plain text of its description (see the file's header for the rule and the threshold).

Every guess carries the words that gave it, so a curator can see why it was made. Ages and sex
limits found in the text ("for women", "aged 11-18", "over 50s") are only ever offered to a
curator: nothing here applies them. Pure functions over text; no Django, no other app.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from linkwork.vocabulary.categories import (
    AUDIENCES,
    CATEGORIES,
    TaxonomyError,
    _read_toml,
    _Reader,
    bundled_data,
)

STRONG_POINTS: Final = 2.0
WEAK_POINTS: Final = 1.0
NAME_BONUS: Final = 1.0
# How a guess was made, as stored with a suggestion.
FROM_FEED_TERM: Final = "feed_term"
FROM_KEYWORDS: Final = "keywords"
FROM_TEXT: Final = "text"

_KEYWORD_FILE_KEYS: Final = frozenset(
    {"source", "authored_by", "checked_by", "threshold", "categories"}
)
_CATEGORY_KEYS: Final = frozenset({"strong", "weak", "ignore"})


def normalise(text: str, *, keep: str = "") -> str:
    """Lower case, apostrophes dropped, '&' as 'and', everything else but letters and digits
    (and the characters in `keep`) a single space; padded with a space at each end so phrases
    match on word boundaries."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"['\u2019\u2018`]", "", text)
    text = re.sub(rf"[^a-z0-9{re.escape(keep)}]+", " ", text)
    return f" {' '.join(text.split())} "


def _pattern(phrase: str, source: str, field: str) -> re.Pattern[str]:
    words = normalise(phrase, keep="*").split()
    if not words:
        raise TaxonomyError(source, field, f"{phrase!r} has no words")
    parts = []
    for word in words:
        if word.endswith("*"):
            stem = re.escape(word[:-1])
            parts.append(f"{stem}[a-z0-9]*")
        else:
            parts.append(f"{re.escape(word)}(?:s|es)?")
    return re.compile(r"(?<![a-z0-9])" + " ".join(parts) + r"(?![a-z0-9])")


@dataclass(frozen=True)
class Keyword:
    phrase: str
    points: float
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class CategoryKeywords:
    slug: str
    keywords: tuple[Keyword, ...]  # strong first, longer phrases first
    ignore: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class KeywordLists:
    threshold: float
    categories: Mapping[str, CategoryKeywords]
    source: str
    authored_by: str
    checked_by: str


def load_keywords(
    path: Path | Traversable, *, categories: Collection[str] = tuple(CATEGORIES)
) -> KeywordLists:
    """Read and validate a keyword file: every category listed, only known ones, phrases as
    non-empty text, a positive threshold."""
    source, data = _read_toml(path)
    r = _Reader(source)
    r.keys(data, "", _KEYWORD_FILE_KEYS)
    threshold = data["threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
        raise r.fail("threshold", "must be a positive number")
    table = r.table(data["categories"], "categories")
    missing = sorted(set(categories) - table.keys())
    if missing:
        raise r.fail("categories", f"no keywords for {', '.join(missing)}")
    unknown = sorted(table.keys() - set(categories))
    if unknown:
        raise r.fail("categories", f"unknown category {unknown[0]!r}")
    found: dict[str, CategoryKeywords] = {}
    for slug in categories:
        field = f"categories.{slug}"
        entry = r.table(table[slug], field)
        r.keys(entry, field, {"strong"}, _CATEGORY_KEYS - {"strong"})
        keywords: list[Keyword] = []
        seen: set[str] = set()
        for key, points in (("strong", STRONG_POINTS), ("weak", WEAK_POINTS)):
            phrases = _phrases(r, entry.get(key, []), f"{field}.{key}")
            for phrase in sorted(phrases, key=lambda p: -len(p)):
                text = normalise(phrase, keep="*").strip()
                if text in seen:
                    raise r.fail(f"{field}.{key}", f"{phrase!r} is listed twice")
                seen.add(text)
                keywords.append(Keyword(text, points, _pattern(phrase, source, field)))
        ignore = tuple(
            _pattern(p, source, f"{field}.ignore")
            for p in _phrases(r, entry.get("ignore", []), f"{field}.ignore")
        )
        found[slug] = CategoryKeywords(slug, tuple(keywords), ignore)
    for key in ("source", "authored_by", "checked_by"):
        r.text(data, key, "")
    return KeywordLists(
        threshold=float(threshold),
        categories=MappingProxyType(found),
        source=r.text(data, "source", ""),
        authored_by=r.text(data, "authored_by", ""),
        checked_by=r.text(data, "checked_by", ""),
    )


def _phrases(r: _Reader, value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise r.fail(field, "must be a list of non-empty phrases")
    return value


@dataclass(frozen=True)
class TermMapping:
    terms: Mapping[str, frozenset[str]]  # normalised feed term name -> categories
    audiences: Mapping[str, frozenset[str]]  # Linkwork audience slug -> categories
    source: str
    authored_by: str
    checked_by: str


def load_term_mapping(
    path: Path | Traversable,
    *,
    categories: Collection[str] = tuple(CATEGORIES),
    audiences: Collection[str] = tuple(AUDIENCES),
) -> TermMapping:
    """Read and validate the feed-terms-to-categories file."""
    source, data = _read_toml(path)
    r = _Reader(source)
    r.keys(data, "", {"source", "authored_by", "checked_by", "terms"}, {"audiences"})
    for key in ("source", "authored_by", "checked_by"):
        r.text(data, key, "")

    def read(
        table: Mapping[str, Any], field: str, known: Collection[str] | None
    ) -> dict[str, frozenset[str]]:
        out: dict[str, frozenset[str]] = {}
        for name, slugs in table.items():
            where = f"{field}.{name!r}"
            key = normalise(name).strip() if known is None else name
            if known is not None and name not in known:
                raise r.fail(where, f"unknown audience {name!r}")
            if not key:
                raise r.fail(where, "names no words")
            if key in out:
                raise r.fail(where, "is listed twice (after normalising)")
            if not isinstance(slugs, list) or not slugs:
                raise r.fail(where, "must be a non-empty list of category slugs")
            for slug in slugs:
                if slug not in categories:
                    raise r.fail(where, f"unknown category {slug!r}")
            out[key] = frozenset(slugs)
        return out

    return TermMapping(
        terms=MappingProxyType(read(r.table(data["terms"], "terms"), "terms", None)),
        audiences=MappingProxyType(
            read(r.table(data.get("audiences", {}), "audiences"), "audiences", audiences)
        ),
        source=r.text(data, "source", ""),
        authored_by=r.text(data, "authored_by", ""),
        checked_by=r.text(data, "checked_by", ""),
    )


KEYWORDS: Final = load_keywords(bundled_data().joinpath("category_keywords.toml"))
TERM_MAPPING: Final = load_term_mapping(bundled_data().joinpath("feed_terms_to_categories.toml"))


# --- Categories --------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryGuess:
    """A suggested category, its score and the words or feed terms that gave it."""

    slug: str
    score: float
    source: str  # FROM_FEED_TERM or FROM_KEYWORDS
    evidence: tuple[str, ...]

    @property
    def because(self) -> str:
        """The evidence as a curator reads it."""
        if self.source == FROM_FEED_TERM:
            return "feed term " + ", ".join(f"'{e}'" for e in self.evidence)
        return "words " + ", ".join(f"'{e}'" for e in self.evidence)


def _blank(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: " | " + " " * max(0, len(m.group(0)) - 3), text)
    return text


def _hits(pattern: re.Pattern[str], text: str, taken: list[tuple[int, int]]) -> str | None:
    """The first match of the pattern that overlaps nothing already counted."""
    for match in pattern.finditer(text):
        start, end = match.span()
        if all(end <= a or start >= b for a, b in taken):
            taken.append((start, end))
            return match.group(0)
    return None


def keyword_scores(
    name: str, text: str, *, lists: KeywordLists = KEYWORDS
) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each category's score and the words found, for categories with any word found."""
    name_n, text_n = normalise(name), normalise(text)
    scores: dict[str, tuple[float, tuple[str, ...]]] = {}
    for slug, entry in lists.categories.items():
        in_name, in_text = _blank(name_n, entry.ignore), _blank(text_n, entry.ignore)
        taken_name: list[tuple[int, int]] = []
        taken_text: list[tuple[int, int]] = []
        score = 0.0
        strong = False
        words: list[str] = []
        for keyword in entry.keywords:
            found_name = _hits(keyword.pattern, in_name, taken_name)
            found_text = _hits(keyword.pattern, in_text, taken_text)
            if found_name is None and found_text is None:
                continue
            score += keyword.points + (NAME_BONUS if found_name is not None else 0.0)
            strong = strong or keyword.points >= STRONG_POINTS
            words.append(found_name or found_text or keyword.phrase)
        # Weak words only add to a category that a strong one has found.
        if strong:
            scores[slug] = (score, tuple(words))
    return scores


def classify(
    name: str,
    text: str,
    *,
    threshold: float | None = None,
    lists: KeywordLists = KEYWORDS,
) -> list[CategoryGuess]:
    """The categories whose keyword score reaches the threshold, highest score first."""
    cut = lists.threshold if threshold is None else threshold
    found = [
        CategoryGuess(slug, score, FROM_KEYWORDS, words)
        for slug, (score, words) in keyword_scores(name, text, lists=lists).items()
        if score >= cut
    ]
    return sorted(found, key=lambda g: (-g.score, g.slug))


def categories_from_terms(
    terms: Iterable[str],
    *,
    audiences: Iterable[str] = (),
    mapping: TermMapping = TERM_MAPPING,
) -> list[CategoryGuess]:
    """Categories that the feed's own term names (and Linkwork audiences) map to."""
    evidence: dict[str, list[str]] = {}
    for term in terms:
        for slug in mapping.terms.get(normalise(term).strip(), ()):
            evidence.setdefault(slug, []).append(term.strip())
    for audience in audiences:
        for slug in mapping.audiences.get(audience, ()):
            evidence.setdefault(slug, []).append(f"audience {audience}")
    return [
        CategoryGuess(slug, float("inf"), FROM_FEED_TERM, tuple(dict.fromkeys(words)))
        for slug, words in sorted(evidence.items())
    ]


def suggest_categories(
    name: str,
    text: str,
    *,
    terms: Iterable[str] = (),
    audiences: Iterable[str] = (),
    threshold: float | None = None,
) -> list[CategoryGuess]:
    """Categories from the feed's terms, then any more from the keywords; one guess each."""
    guesses = {g.slug: g for g in categories_from_terms(terms, audiences=audiences)}
    for guess in classify(name, text, threshold=threshold):
        guesses.setdefault(guess.slug, guess)
    return list(guesses.values())


# --- Ages and sex ------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityGuess:
    """An age range or a sex limit found in the text, for a curator to confirm."""

    kind: str  # "ages" or "audience"
    value: str  # "11-18", "50-", "-24"; or an audience slug such as "women_only"
    evidence: str  # the words found

    @property
    def minimum_age(self) -> int | None:
        low = self.value.split("-", 1)[0] if self.kind == "ages" else ""
        return int(low) if low else None

    @property
    def maximum_age(self) -> int | None:
        high = self.value.split("-", 1)[1] if self.kind == "ages" else ""
        return int(high) if high else None


_DASH = r"\s*(?:-|to|until)\s*"
_AGE_CONTEXT = (
    r"(?:aged|ages|age|age range|for|young people|young adults|children|kids|teenagers|teens|"
    r"pupils|students|people|adults|girls|boys|women|men|those|anyone|residents|year olds?)"
)
_YEARS = r"(?:years?|yrs|year olds?|yr olds?|y o|years old)"
# "aged 11-18", "ages 11 to 18", "young people 13 to 19", "11-18 year olds"
_RANGE_BEFORE = re.compile(
    rf"\b{_AGE_CONTEXT}\s+(?:\w+\s+){{0,2}}?(?:aged\s+)?(\d{{1,2}}){_DASH}(\d{{1,3}})\b"
    rf"(?!\s*(?:am|pm|noon|:|\.\d|%))"
)
_RANGE_AFTER = re.compile(rf"\b(\d{{1,2}}){_DASH}(\d{{1,3}})\s*{_YEARS}")
# "over 50s", "over-60s", "aged over 18", "over the age of 65"
_OVER = re.compile(
    r"(?<!£)\b(?:aged\s+)?over\s*-?\s*(?:the\s+age\s+of\s+)?(\d{2})(s\b|\s*(?:years?|yrs)\b)?"
)
# "50+", "aged 18 and over", "65 or older", "18 plus"
_PLUS = re.compile(
    rf"(?<!£)\b(\d{{2}})\s*(?:{_YEARS}\s*)?(?:\+|plus\b|and over\b|and older\b|and above\b|"
    r"or over\b|or older\b|or above\b)"
)
# "under 25s", "aged under 18", "under the age of 16", "up to the age of 25", "aged up to 19"
_UNDER = re.compile(
    r"\b(aged\s+)?(under|up\s+to)\s*-?\s*(the\s+age\s+of\s+)?(\d{1,2})(s\b|\s*(?:years?|yrs)\b)?"
)

_WOMEN = re.compile(
    r"\b(?:(?:for|only\s+for|open\s+to|just\s+for|welcomes)\s+(?:women|ladies|girls|mums|mothers)"
    r"(?!\s+(?:and|&)\s+(?:men|boys|dads|fathers))"
    r"|(?:women|ladies|girls|female)\s*(?:-\s*)?only"
    r"|(?:womens|ladies|girls)\s+(?:group|club|circle|network|project|football|night|"
    r"session|sessions|walk|swim|only|drop\s+in|cafe)"
    r"|women\s+and\s+girls(?!\s+and\s+(?:men|boys)))\b"
)
_MEN = re.compile(
    r"\b(?:(?:for|only\s+for|open\s+to|just\s+for|welcomes)\s+(?:men|boys|dads|fathers)"
    r"(?!\s+(?:and|&)\s+(?:women|girls|mums|mothers))"
    r"|(?:men|boys|male)\s*(?:-\s*)?only"
    r"|(?:mens|boys)\s+(?:group|club|shed|sheds|network|project|football|night|session|"
    r"sessions|walk|swim|only|drop\s+in|cafe|mental\s+health))\b"
)
_MIXED = re.compile(
    r"\b(?:men\s+and\s+women|women\s+and\s+men|all\s+genders|any\s+gender|mixed\s+group|"
    r"everyone\s+welcome|open\s+to\s+all)\b"
)


def _eligibility_text(text: str) -> str:
    text = text.lower().replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"['\u2019\u2018`]", "", text)
    return " ".join(text.split())


def _plausible(low: int | None, high: int | None) -> bool:
    if low is not None and not 0 <= low <= 110:
        return False
    if high is not None and not 1 <= high <= 110:
        return False
    return not (low is not None and high is not None and (high <= low or high - low < 2))


def find_ages(text: str) -> list[EligibilityGuess]:
    """Age ranges and limits stated in the text, each once, in the order found."""
    text = _eligibility_text(text)
    found: dict[str, EligibilityGuess] = {}

    def add(low: int | None, high: int | None, evidence: str) -> None:
        if (low is None and high is None) or not _plausible(low, high):
            return
        value = f"{'' if low is None else low}-{'' if high is None else high}"
        found.setdefault(value, EligibilityGuess("ages", value, evidence.strip()))

    spans: list[tuple[int, int]] = []
    for pattern in (_RANGE_BEFORE, _RANGE_AFTER):
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in spans):
                continue
            spans.append(match.span())
            add(int(match.group(1)), int(match.group(2)), match.group(0))
    for match in _OVER.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in spans):
            continue
        # "over 2 hours" says nothing of age: take a number with "s", years, or "aged".
        if not (match.group(2) or match.group(0).startswith("aged")):
            context = text[max(0, match.start() - 25) : match.start()]
            if not re.search(r"\b(?:people|adults|anyone|those|residents|for)\s*$", context):
                continue
        add(int(match.group(1)), None, match.group(0))
    for match in _PLUS.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in spans):
            continue
        add(int(match.group(1)), None, match.group(0))
    for match in _UNDER.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in spans):
            continue
        aged, word, of_age, number, suffix = match.groups()
        if not (aged or of_age or suffix):
            continue
        limit = int(number)
        # "under 25s" are 24 at most; "up to 25" includes 25.
        add(None, limit - 1 if word == "under" else limit, match.group(0))
    return list(found.values())


def find_sex(text: str) -> list[EligibilityGuess]:
    """A women-only or men-only limit stated in the text (none when both, or mixed, are said)."""
    text = _eligibility_text(text)
    if _MIXED.search(text):
        return []
    women, men = _WOMEN.search(text), _MEN.search(text)
    if women and not men:
        return [EligibilityGuess("audience", "women_only", women.group(0))]
    if men and not women:
        return [EligibilityGuess("audience", "men_only", men.group(0))]
    return []


def find_eligibility(*texts: str) -> list[EligibilityGuess]:
    """Ages and sex limits in the name, description and eligibility text of a service."""
    joined = " . ".join(t for t in texts if t)
    return find_sex(joined) + find_ages(joined)


def micro_average(
    pairs: Sequence[tuple[Collection[str], Collection[str]]],
) -> tuple[float, float]:
    """Micro-averaged precision and recall of (predicted, true) label sets."""
    tp = sum(len(set(p) & set(t)) for p, t in pairs)
    predicted = sum(len(set(p)) for p, _ in pairs)
    true = sum(len(set(t)) for _, t in pairs)
    return (tp / predicted if predicted else 1.0, tp / true if true else 1.0)
