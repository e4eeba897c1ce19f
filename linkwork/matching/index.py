"""The services as NumPy arrays, so every hard constraint and every score is computed for all
services at once: 100,000 services take milliseconds, not a Python loop each.

Sets (categories, audiences, languages) become bit masks over a vocabulary; places and
sessions are flat arrays with the index of their service; text is a BM25 inverted index.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from linkwork.matching.facts import WEEKDAYS, ServiceFacts

TOKEN_RE: Final = re.compile(r"[a-z0-9]+")
# Words too common to say anything about a service.
STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "with",
        "you",
        "your",
        "who",
        "what",
        "when",
        "where",
        "how",
        "all",
        "any",
        "can",
        "do",
        "get",
        "go",
        "into",
        "more",
        "not",
        "out",
        "up",
        "us",
        "will",
        # Function and filler words people use in what matters to them ("I'd say being
        # with others is what I want"): they say nothing about a service either.
        "about",
        "after",
        "again",
        "also",
        "am",
        "because",
        "been",
        "before",
        "being",
        "but",
        "could",
        "did",
        "does",
        "doing",
        "didn",
        "doesn",
        "don",
        "each",
        "even",
        "ever",
        "had",
        "he",
        "her",
        "here",
        "him",
        "his",
        "if",
        "isn",
        "ll",
        "re",
        "ve",
        "wasn",
        "just",
        "know",
        "let",
        "like",
        "lot",
        "make",
        "many",
        "may",
        "maybe",
        "might",
        "much",
        "must",
        "no",
        "now",
        "off",
        "only",
        "other",
        "over",
        "really",
        "said",
        "say",
        "she",
        "should",
        "some",
        "something",
        "still",
        "such",
        "than",
        "then",
        "there",
        "these",
        "thing",
        "those",
        "too",
        "very",
        "want",
        "wanted",
        "way",
        "well",
        "which",
        "while",
        "why",
        "would",
        "yet",
    ]
)
BM25_K1: Final = 1.2
BM25_B: Final = 0.75
NO_AGE_MIN: Final = -1
NO_AGE_MAX: Final = 999
CAPACITY_CODES: Final = {"accepting": 0, "": 0, "waiting_list": 1, "full": 2}


def tokens(text: str) -> list[str]:
    """Lower-case words without stop words, with a light plural fold ("walks" -> "walk")."""
    words = []
    for word in TOKEN_RE.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


def service_text(service: ServiceFacts) -> str:
    categories = " ".join(c.replace("_", " ") for c in service.categories)
    return f"{service.name} {service.name} {service.description} {categories}"


@dataclass
class Vocabulary:
    """Bit positions of the values of one set-valued fact."""

    bits: dict[str, int] = field(default_factory=dict)

    def mask(self, values: frozenset[str] | Sequence[str]) -> int:
        found = 0
        for value in values:
            if value not in self.bits:
                if len(self.bits) >= 63:
                    continue
                self.bits[value] = len(self.bits)
            found |= 1 << self.bits[value]
        return found

    def query(self, values: Sequence[str]) -> int:
        """The mask of `values`, ignoring ones no service has."""
        return sum(1 << self.bits[v] for v in set(values) if v in self.bits)


@dataclass
class ServiceIndex:
    services: list[ServiceFacts]
    ids: list[str]
    active: npt.NDArray[np.bool_]
    assured: npt.NDArray[np.int64]  # date ordinal, 0 when never checked
    min_age: npt.NDArray[np.int64]
    max_age: npt.NDArray[np.int64]
    categories: npt.NDArray[np.int64]
    audiences: npt.NDArray[np.int64]
    languages: npt.NDArray[np.int64]
    in_person: npt.NDArray[np.bool_]
    online: npt.NDArray[np.bool_]
    phone: npt.NDArray[np.bool_]
    online_only: npt.NDArray[np.bool_]
    has_place: npt.NDArray[np.bool_]
    group: npt.NDArray[np.bool_]
    one_to_one: npt.NDArray[np.bool_]
    free: npt.NDArray[np.bool_]
    capacity: npt.NDArray[np.int8]
    route_referral: npt.NDArray[np.bool_]
    place_service: npt.NDArray[np.int64]
    place_lat: npt.NDArray[np.float64]
    place_lon: npt.NDArray[np.float64]
    session_service: npt.NDArray[np.int64]
    session_day: npt.NDArray[np.int8]
    session_opens: npt.NDArray[np.int64]
    session_closes: npt.NDArray[np.int64]
    # The services' stated areas, flat: area_service[j] is limited to area_code[j].
    has_area: npt.NDArray[np.bool_]
    area_service: npt.NDArray[np.int64]
    area_code: npt.NDArray[np.int64]
    area_codes: dict[str, int]
    category_vocabulary: Vocabulary
    audience_vocabulary: Vocabulary
    language_vocabulary: Vocabulary
    postings: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]
    women_only_bit: int = 0
    men_only_bit: int = 0
    positions: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.services)

    def bm25(self, words: Sequence[str]) -> npt.NDArray[np.float64]:
        """BM25 relevance of every service to the words (each distinct word counted once)."""
        scores = np.zeros(len(self), dtype=np.float64)
        for word in set(words):
            posting = self.postings.get(word)
            if posting is not None:
                np.add.at(scores, posting[0], posting[1])
        return scores

    def in_area(self, code: str) -> npt.NDArray[np.bool_]:
        """The services whose stated areas include the ONS area `code`."""
        found = np.zeros(len(self), dtype=bool)
        number = self.area_codes.get(code)
        if number is not None:
            found[self.area_service[self.area_code == number]] = True
        return found


def build_index(services: Sequence[ServiceFacts]) -> ServiceIndex:
    n = len(services)
    categories, audiences, languages = Vocabulary(), Vocabulary(), Vocabulary()
    languages.mask(["en"])
    arrays = {
        "active": np.zeros(n, dtype=bool),
        "assured": np.zeros(n, dtype=np.int64),
        "min_age": np.full(n, NO_AGE_MIN, dtype=np.int64),
        "max_age": np.full(n, NO_AGE_MAX, dtype=np.int64),
        "categories": np.zeros(n, dtype=np.int64),
        "audiences": np.zeros(n, dtype=np.int64),
        "languages": np.zeros(n, dtype=np.int64),
        "in_person": np.zeros(n, dtype=bool),
        "online": np.zeros(n, dtype=bool),
        "phone": np.zeros(n, dtype=bool),
        "online_only": np.zeros(n, dtype=bool),
        "has_place": np.zeros(n, dtype=bool),
        "group": np.zeros(n, dtype=bool),
        "one_to_one": np.zeros(n, dtype=bool),
        "free": np.zeros(n, dtype=bool),
        "capacity": np.zeros(n, dtype=np.int8),
        "route_referral": np.zeros(n, dtype=bool),
        "has_area": np.zeros(n, dtype=bool),
    }
    area_codes: dict[str, int] = {}
    area_service: list[int] = []
    area_code: list[int] = []
    place_service: list[int] = []
    place_lat: list[float] = []
    place_lon: list[float] = []
    session_service: list[int] = []
    session_day: list[int] = []
    session_opens: list[int] = []
    session_closes: list[int] = []
    term_counts: list[Counter[str]] = []
    for i, service in enumerate(services):
        arrays["active"][i] = service.status == "active"
        arrays["assured"][i] = service.assured_date.toordinal() if service.assured_date else 0
        if service.minimum_age is not None:
            arrays["min_age"][i] = service.minimum_age
        if service.maximum_age is not None:
            arrays["max_age"][i] = service.maximum_age
        arrays["categories"][i] = categories.mask(service.categories)
        arrays["audiences"][i] = audiences.mask(service.audiences)
        # A service that lists no languages works in English.
        arrays["languages"][i] = languages.mask(service.languages or frozenset({"en"}))
        arrays["in_person"][i] = service.in_person
        arrays["online"][i] = "online" in service.delivery
        arrays["phone"][i] = "phone" in service.delivery
        arrays["online_only"][i] = service.online_only
        arrays["has_place"][i] = bool(service.places)
        arrays["group"][i] = "group" in service.formats
        arrays["one_to_one"][i] = "one_to_one" in service.formats
        arrays["free"][i] = service.free
        arrays["capacity"][i] = CAPACITY_CODES.get(service.capacity, 0)
        arrays["route_referral"][i] = service.route == "referral"
        arrays["has_area"][i] = bool(service.areas)
        for code in service.areas:
            area_service.append(i)
            area_code.append(area_codes.setdefault(code, len(area_codes)))
        for lat, lon in service.places:
            place_service.append(i)
            place_lat.append(lat)
            place_lon.append(lon)
        for session in service.sessions:
            session_service.append(i)
            session_day.append(WEEKDAYS.index(session.day))
            session_opens.append(session.opens)
            session_closes.append(session.closes)
        term_counts.append(Counter(tokens(service_text(service))))
    postings = _bm25_postings(term_counts)
    return ServiceIndex(
        services=list(services),
        ids=[s.id for s in services],
        place_service=np.array(place_service, dtype=np.int64),
        place_lat=np.array(place_lat, dtype=np.float64),
        place_lon=np.array(place_lon, dtype=np.float64),
        session_service=np.array(session_service, dtype=np.int64),
        session_day=np.array(session_day, dtype=np.int8),
        session_opens=np.array(session_opens, dtype=np.int64),
        session_closes=np.array(session_closes, dtype=np.int64),
        area_service=np.array(area_service, dtype=np.int64),
        area_code=np.array(area_code, dtype=np.int64),
        area_codes=area_codes,
        category_vocabulary=categories,
        audience_vocabulary=audiences,
        language_vocabulary=languages,
        postings=postings,
        women_only_bit=audiences.query(["women_only"]),
        positions={s.id: i for i, s in enumerate(services)},
        men_only_bit=audiences.query(["men_only"]),
        **arrays,
    )


def _bm25_postings(
    documents: list[Counter[str]],
) -> dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Each word's services and BM25 weight there (Robertson-Sparck Jones idf, k1 1.2, b 0.75)."""
    n = len(documents)
    if n == 0:
        return {}
    lengths = np.array([sum(d.values()) for d in documents], dtype=np.float64)
    average = float(lengths.mean()) or 1.0
    by_word: dict[str, tuple[list[int], list[int]]] = {}
    for i, document in enumerate(documents):
        for word, count in document.items():
            docs, counts = by_word.setdefault(word, ([], []))
            docs.append(i)
            counts.append(count)
    postings = {}
    for word, (docs, counts) in by_word.items():
        idx = np.array(docs, dtype=np.int64)
        tf = np.array(counts, dtype=np.float64)
        idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[idx] / average)
        postings[word] = (idx, idf * tf * (BM25_K1 + 1) / (tf + norm))
    return postings
