"""The pseudonymised extract for evaluation: one row per person-episode (a referral), and
optionally one row per outcome measure, as CSV or Parquet (issue 14, item 5).

Two further tables, each optional, hold what GP and hospital records say about the same
people (loaded by `linkwork import-clinical` and `linkwork import-care-use`): one row per
clinical measure, and one row per count of health-care use in a period. They carry the same
`person_key`, so an analyst joins them to the episodes; their dates are months too, and
they hold no NHS number, name or other identifier.

Rows are keyed by `person_key` and `episode_key`, HMAC-SHA256 hex digests of the person's and
the referral's ids under `LINKWORK_PSEUDONYM_KEY`: the same while the key stays, so extracts
taken at different times join; unrelated under another key. The extract holds no direct
identifier and no free text: no names, NHS numbers, dates of birth, postcodes, addresses,
emails or phone numbers, and none of the reasons, notes or "what matters" a person or a
referrer wrote, since free text can hold any of them. Dates are months; age is a band.

People whose latest decision on the `evaluation` consent is a refusal are left out, with
their episodes and measures; people never asked are in.

Memory stays flat whatever the size: referrals are read with `.iterator(chunk_size=...)`,
each chunk's contacts, connections, closing dates and outcome scores come from a fixed number
of grouped queries (never one per row), and rows go out as they are made: CSV row by row,
Parquet one record batch per chunk. Files are written beside their target and renamed into
place only when complete, so a failure never leaves a half-written extract.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, Contact
from linkwork.casework.models import Outcome as ContactOutcome
from linkwork.insights.clinical import MEASURES
from linkwork.insights.figures import age_band_of
from linkwork.insights.models import CareUse, ClinicalMeasure
from linkwork.outcomes.message_back import HEADLINE_KEYS
from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.people.models import Consent, ConsentKind, Person, ethnic_group
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange

KEY_SETTING = "LINKWORK_PSEUDONYM_KEY"
FORMATS = {".csv": "csv", ".parquet": "parquet"}
CHUNK_SIZE = 2_000
# Grouped queries each chunk of referrals costs: contacts, connections, closing dates and
# outcome scores. A test holds the extract to it.
QUERIES_PER_CHUNK = 4
# Time points that count as a follow-up score: anything after the start of support but ad hoc.
FOLLOW_UP_POINTS = (TimePoint.FOLLOW_UP, TimePoint.DISCHARGE)


class ExtractError(Exception):
    """The extract cannot be written as asked; the message, one line, says how to fix it."""


# --- Keys ------------------------------------------------------------------------------------


def pseudonym_key() -> bytes:
    """The configured key, or an `ExtractError` naming the variable to set."""
    key = getattr(settings, KEY_SETTING, "")
    if not key:
        raise ExtractError(
            f"{KEY_SETTING} is not set: set it to a long random secret (for example the "
            "output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`) and "
            "keep it, so keys stay the same from one extract to the next."
        )
    return str(key).encode()


def pseudonym(key: bytes, value: object) -> str:
    """HMAC-SHA256 of `value` (an id) under `key`, as 64 hex digits."""
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()


# --- What a row holds -----------------------------------------------------------------------

# Person fields read when the person model has them (other work may add or rename them); a
# field it lacks is an empty column, never an error.
PERSON_FIELDS = {
    "sex": ("sex",),
    "ethnicity": ("ethnicity",),
    "imd_decile": ("imd_decile",),
    "lsoa": ("lsoa_code", "lsoa"),
}


def _person_field(*names: str) -> str | None:
    for name in names:
        try:
            Person._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return None


def person_fields() -> dict[str, str]:
    """Extract column -> the person field it comes from, for the fields the model has."""
    found = {column: _person_field(*names) for column, names in PERSON_FIELDS.items()}
    return {column: name for column, name in found.items() if name is not None}


def ethnicity_groups() -> dict[str, str]:
    """Ethnicity code -> the name of its ONS 2021 high-level group ("asian_indian" is "Asian or
    Asian British"), from the person model's own grouping."""
    name = person_fields().get("ethnicity")
    if name is None:
        return {}
    choices = getattr(Person._meta.get_field(name), "choices", None) or []
    return {str(code): str(ethnic_group(str(code)).label) for code, _ in choices}


def instrument_ids() -> list[str]:
    return sorted(INSTRUMENTS)


def headline(result: Any) -> float | None:
    """A measure's headline score (as the message back reads it), or None (ONS4: bands)."""
    if not isinstance(result, dict):
        return None
    value = next((result[key] for key in HEADLINE_KEYS if key in result), None)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def band(result: Any) -> str:
    """A measure's band label, or its bands as `on:label` pairs joined with `;`."""
    if not isinstance(result, dict):
        return ""
    if isinstance(result.get("band"), str):
        return str(result["band"])
    bands = result.get("bands")
    if isinstance(bands, dict):
        return ";".join(f"{on}:{label}" for on, label in bands.items())
    return ""


def age_band(born: dt.date | None, on: dt.date) -> str:
    """The age band on the day `on`, in the equity dashboard's bands (`figures.AGE_BANDS`), so
    an extract's groups are the dashboard's; blank when the date of birth is not recorded."""
    if born is None:
        return ""
    return age_band_of(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def month(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%Y-%m}"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType


def episode_columns() -> list[Column]:
    text, count = pa.string(), pa.int32()
    columns = [
        Column("person_key", text),
        Column("episode_key", text),
        Column("age_band", text),
        Column("sex", text),
        Column("ethnicity_group", text),
        Column("imd_decile", pa.int8()),
        Column("lsoa", text),
        # The GP practice the person is registered with (its ODS code, an organisation's code,
        # not a person's) and how many long-term conditions they have: the comparison groups
        # and the comorbidity subgroups of an evaluation.
        Column("gp_practice", text),
        Column("long_term_conditions_count", pa.int8()),
        Column("scheme", text),
        Column("route", text),
        Column("channel", text),
        Column("needs", text),
        Column("urgency", text),
        Column("complexity", text),
        Column("received_month", text),
        Column("first_contact_month", text),
        Column("closed_month", text),
        Column("status", text),
        Column("decline_reason", text),
        Column("closure_reason", text),
        Column("contacts_count", count),
        Column("contacts_attended_count", count),
        Column("contacts_did_not_attend_count", count),
        Column("connections_count", count),
        Column("connections_attended_count", count),
    ]
    for instrument in instrument_ids():
        columns.append(Column(f"{instrument}_baseline", pa.float64()))
        columns.append(Column(f"{instrument}_follow_up", pa.float64()))
    return columns


MEASURE_COLUMNS = [
    Column("person_key", pa.string()),
    Column("episode_key", pa.string()),
    Column("instrument", pa.string()),
    Column("time_point", pa.string()),
    Column("recorded_month", pa.string()),
    Column("score", pa.float64()),
    Column("band", pa.string()),
]


CLINICAL_COLUMNS = [
    Column("person_key", pa.string()),
    Column("measure", pa.string()),
    Column("measured_month", pa.string()),
    Column("value", pa.float64()),
    Column("unit", pa.string()),
    Column("category", pa.string()),
]

CARE_USE_COLUMNS = [
    Column("person_key", pa.string()),
    Column("setting", pa.string()),
    Column("period_start_month", pa.string()),
    Column("period_end_month", pa.string()),
    Column("count", pa.int32()),
]


# --- Writers ---------------------------------------------------------------------------------


class RowWriter(Protocol):
    def write(self, rows: Sequence[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...


class CsvRows:
    """UTF-8 CSV with a header row; an empty value for a missing one."""

    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        self.names = [column.name for column in columns]
        self.file = path.open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.file)
        self.csv.writerow(self.names)

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.csv.writerow(["" if row.get(n) is None else row[n] for n in self.names])

    def close(self) -> None:
        self.file.close()


class ParquetRows:
    """Parquet, one record batch (row group) per chunk, with the columns' own types."""

    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        self.schema = pa.schema([pa.field(c.name, c.type) for c in columns])
        self.writer = pq.ParquetWriter(str(path), self.schema)

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.writer.write_batch(pa.RecordBatch.from_pylist(list(rows), schema=self.schema))

    def close(self) -> None:
        self.writer.close()


def format_of(path: Path | str) -> str:
    """ "csv" or "parquet", from the file name's ending; anything else is an `ExtractError`."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExtractError(
            f"{path}: the file name must end in .csv or .parquet, which sets the format"
        )
    return FORMATS[suffix]


class Output:
    """A file written beside its target and renamed into place only on `commit()`."""

    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        self.path = path
        kind = format_of(path)
        if not path.parent.is_dir():
            raise ExtractError(f"{path}: the folder {path.parent} does not exist")
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
        os.close(handle)
        self.temporary = Path(temporary)
        self.rows: RowWriter = (CsvRows if kind == "csv" else ParquetRows)(self.temporary, columns)
        self.count = 0

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows.write(rows)
        self.count += len(rows)

    def finish(self) -> None:
        self.rows.close()
        os.chmod(self.temporary, 0o600)

    def commit(self) -> None:
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        try:
            self.rows.close()
        finally:
            self.temporary.unlink(missing_ok=True)


# --- Reading ---------------------------------------------------------------------------------


def with_evaluation_consent(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """`referrals` less those of people whose latest evaluation consent decision is no."""
    latest = (
        Consent.objects.filter(person_id=OuterRef("person_id"), kind=ConsentKind.EVALUATION)
        .order_by("-recorded_at", "-id")
        .values("given")[:1]
    )
    return referrals.annotate(evaluation_consent=Subquery(latest)).filter(
        Q(evaluation_consent__isnull=True) | Q(evaluation_consent=True)
    )


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def episode_chunks(
    referrals: QuerySet[Referral], *, key: bytes, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """The extract's rows for `referrals` (already narrowed to those with consent), a chunk at
    a time: one streamed query for the referrals and QUERIES_PER_CHUNK per chunk."""
    people = person_fields()
    groups = ethnicity_groups()
    instruments = instrument_ids()
    wanted = {
        "id": "id",
        "person_id": "person_id",
        "born": "person__date_of_birth",
        "gp_practice": "person__gp_practice__ods_code",
        "conditions": "person__long_term_conditions",
        "scheme": "scheme__slug",
        "route": "route",
        "channel": "channel",
        "needs": "needs",
        "urgency": "urgency",
        "complexity": "complexity",
        "received_at": "received_at",
        "status": "status",
        "decline_reason": "decline_reason",
        "closure_reason": "closure_reason",
        **{column: f"person__{name}" for column, name in people.items()},
    }
    found = referrals.order_by("pk").values_list(*wanted.values()).iterator(chunk_size)
    for chunk in _batched(found, chunk_size):
        records = [dict(zip(wanted, values, strict=True)) for values in chunk]
        ids = [record["id"] for record in records]
        contacts = _contacts(ids)
        connections = _connections(ids)
        closed = _closed(ids)
        scores = _scores(ids)
        rows = []
        for record in records:
            rid = record["id"]
            received = record["received_at"]
            received_on = timezone.localtime(received).date() if received else timezone.localdate()
            seen = contacts.get(rid, {})
            linked = connections.get(rid, {})
            decile = record.get("imd_decile")
            row: dict[str, Any] = {
                "person_key": pseudonym(key, record["person_id"]),
                "episode_key": pseudonym(key, rid),
                "age_band": age_band(record["born"], received_on),
                "sex": str(record.get("sex") or ""),
                "ethnicity_group": groups.get(str(record.get("ethnicity") or ""), ""),
                "imd_decile": int(decile) if isinstance(decile, int) else None,
                "lsoa": str(record.get("lsoa") or ""),
                "gp_practice": record["gp_practice"] or "",
                "long_term_conditions_count": (
                    len(record["conditions"]) if isinstance(record["conditions"], list) else None
                ),
                "scheme": record["scheme"],
                "route": record["route"],
                "channel": record["channel"],
                "needs": ";".join(str(n) for n in (record["needs"] or []) if n),
                "urgency": record["urgency"],
                "complexity": record["complexity"],
                "received_month": month(received),
                "first_contact_month": month(seen.get("first")),
                "closed_month": month(closed.get(rid)),
                "status": record["status"],
                "decline_reason": record["decline_reason"],
                "closure_reason": record["closure_reason"],
                "contacts_count": seen.get("all", 0),
                "contacts_attended_count": seen.get("attended", 0),
                "contacts_did_not_attend_count": seen.get("missed", 0),
                "connections_count": linked.get("all", 0),
                "connections_attended_count": linked.get("attended", 0),
            }
            own = scores.get(rid, {})
            for instrument in instruments:
                start, latest = own.get(instrument, (None, None))
                row[f"{instrument}_baseline"] = start
                row[f"{instrument}_follow_up"] = latest
            rows.append(row)
        yield rows


def _contacts(ids: list[Any]) -> dict[Any, dict[str, Any]]:
    """Per referral: contacts, attended, did not attend, and the first attended one's date
    (the first attended contact starts support)."""
    attended = Q(outcome=ContactOutcome.ATTENDED)
    return {
        row["referral_id"]: row
        for row in Contact._default_manager.filter(referral_id__in=ids)
        .order_by()
        .values("referral_id")
        .annotate(
            all=Count("id"),
            attended=Count("id", filter=attended),
            missed=Count("id", filter=Q(outcome=ContactOutcome.DID_NOT_ATTEND)),
            first=Min("occurred_at", filter=attended),
        )
    }


def _connections(ids: list[Any]) -> dict[Any, dict[str, Any]]:
    """Per referral: connections made (drafts, never sent, are not), and those the person
    went to: with an attended session, or attending or completed."""
    went = Q(attendance__attended=True) | Q(
        status__in=[ConnectionStatus.IN_PROGRESS, ConnectionStatus.COMPLETED]
    )
    return {
        row["referral_id"]: row
        for row in Connection._default_manager.filter(referral_id__in=ids)
        .exclude(status=ConnectionStatus.DRAFT)
        .order_by()
        .values("referral_id")
        .annotate(all=Count("id", distinct=True), attended=Count("id", distinct=True, filter=went))
    }


def _closed(ids: list[Any]) -> dict[Any, dt.datetime]:
    """Per closed referral: when it was closed (the latest change to closed)."""
    return dict(
        StatusChange._default_manager.filter(referral_id__in=ids, to_status=Status.CLOSED)
        .order_by()
        .values("referral_id")
        .annotate(at=Max("changed_at"))
        .values_list("referral_id", "at")
    )


def _scores(ids: list[Any]) -> dict[Any, dict[str, tuple[float | None, float | None]]]:
    """Per referral and instrument: the headline score of the first baseline measure and of
    the latest follow-up (or discharge) measure."""
    found: dict[Any, dict[str, tuple[float | None, float | None]]] = {}
    measures = (
        OutcomeMeasure._default_manager.filter(
            referral_id__in=ids, time_point__in=[TimePoint.BASELINE, *FOLLOW_UP_POINTS]
        )
        .order_by("recorded_at", "id")
        .values_list("referral_id", "instrument", "time_point", "result")
    )
    for referral_id, instrument, time_point, result in measures:
        own = found.setdefault(referral_id, {})
        start, latest = own.get(instrument, (None, None))
        score = headline(result)
        if score is None:
            continue
        if time_point == TimePoint.BASELINE:
            own[instrument] = (start if start is not None else score, latest)
        else:
            own[instrument] = (start, score)
    return found


def measure_rows(
    referrals: QuerySet[Referral], *, key: bytes, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """One row per outcome measure of `referrals`, a chunk at a time, from one streamed query.
    The answers given are never read: only the instrument's scores."""
    found = (
        OutcomeMeasure._default_manager.filter(referral__in=referrals.values("pk"))
        .order_by("referral_id", "instrument", "recorded_at", "id")
        .values_list(
            "referral_id",
            "referral__person_id",
            "instrument",
            "time_point",
            "recorded_at",
            "result",
        )
        .iterator(chunk_size)
    )
    for chunk in _batched(found, chunk_size):
        yield [
            {
                "person_key": pseudonym(key, person_id),
                "episode_key": pseudonym(key, referral_id),
                "instrument": instrument,
                "time_point": time_point,
                "recorded_month": month(recorded_at),
                "score": headline(result),
                "band": band(result),
            }
            for referral_id, person_id, instrument, time_point, recorded_at, result in chunk
        ]


def _people_of(referrals: QuerySet[Referral]) -> QuerySet[Any]:
    """The ids of the people of `referrals` (already narrowed to those with consent), as a
    subquery: the clinical tables hold these people only."""
    return referrals.order_by().values("person_id")


def clinical_rows(
    referrals: QuerySet[Referral], *, key: bytes, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """One row per clinical measure of the people of `referrals`, a chunk at a time, from
    one streamed query. The value as the file gave it is never read."""
    found = (
        ClinicalMeasure._default_manager.filter(person_id__in=_people_of(referrals))
        .order_by("person_id", "measure", "measured_on", "id")
        .values_list("person_id", "measure", "measured_on", "value", "category")
        .iterator(chunk_size)
    )
    for chunk in _batched(found, chunk_size):
        yield [
            {
                "person_key": pseudonym(key, person_id),
                "measure": measure,
                "measured_month": month(measured_on),
                "value": value,
                "unit": MEASURES[measure].unit if measure in MEASURES else "",
                "category": category,
            }
            for person_id, measure, measured_on, value, category in chunk
        ]


def care_use_rows(
    referrals: QuerySet[Referral], *, key: bytes, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """One row per count of health-care use of the people of `referrals`, a chunk at a
    time, from one streamed query."""
    found = (
        CareUse._default_manager.filter(person_id__in=_people_of(referrals))
        .order_by("person_id", "setting", "period_start", "id")
        .values_list("person_id", "setting", "period_start", "period_end", "count")
        .iterator(chunk_size)
    )
    for chunk in _batched(found, chunk_size):
        yield [
            {
                "person_key": pseudonym(key, person_id),
                "setting": setting,
                "period_start_month": month(start),
                "period_end_month": month(end),
                "count": count,
            }
            for person_id, setting, start, end, count in chunk
        ]


# --- Writing ---------------------------------------------------------------------------------


@dataclass
class Written:
    """What an extract wrote: counts only, for the audit log and the person who asked."""

    episodes: int = 0
    measures: int = 0
    # None when the table was not asked for.
    clinical: int | None = None
    care_use: int | None = None
    left_out_without_consent: int = 0
    formats: list[str] = field(default_factory=list)

    def detail(self) -> dict[str, Any]:
        found: dict[str, Any] = {"episodes": self.episodes, "measures": self.measures}
        found.update(
            (name, count)
            for name, count in (("clinical", self.clinical), ("care_use", self.care_use))
            if count is not None
        )
        return {
            **found,
            "left_out_without_consent": self.left_out_without_consent,
            "formats": self.formats,
        }


def write_extract(
    referrals: QuerySet[Referral],
    *,
    out: Path,
    measures_out: Path | None = None,
    clinical_out: Path | None = None,
    care_use_out: Path | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> Written:
    """Write the extract of `referrals` to `out` (and the measures to `measures_out`, the
    clinical measures to `clinical_out`, the health-care use to `care_use_out`): all
    complete, or none. The caller audits (`insights.extract_written`)."""
    outputs = [(out, episode_columns())]
    tables: list[tuple[str, Path, list[Column], Any]] = [
        (name, path, columns, rows)
        for name, path, columns, rows in (
            ("measures", measures_out, MEASURE_COLUMNS, measure_rows),
            ("clinical", clinical_out, CLINICAL_COLUMNS, clinical_rows),
            ("care_use", care_use_out, CARE_USE_COLUMNS, care_use_rows),
        )
        if path is not None
    ]
    outputs += [(path, columns) for _, path, columns, _ in tables]
    for path, _ in outputs:
        format_of(path)
    resolved = [Path(path).resolve() for path, _ in outputs]
    if len(set(resolved)) < len(resolved):
        if measures_out is not None and Path(out).resolve() == Path(measures_out).resolve():
            raise ExtractError(f"{out}: the episodes and the measures need different files")
        raise ExtractError(f"{out}: each table of the extract needs a file of its own")
    key = pseudonym_key()
    consented = with_evaluation_consent(referrals)
    written = Written(formats=[format_of(path) for path, _ in outputs])
    with ExitStack() as stack:
        opened: list[Output] = []
        for path, columns in outputs:
            output = Output(Path(path), columns)
            opened.append(output)
            stack.callback(output.discard)
        episodes = opened[0]
        for rows in episode_chunks(consented, key=key, chunk_size=chunk_size):
            episodes.write(rows)
            if progress is not None:
                progress(episodes.count)
        counts: dict[str, int] = {}
        for (name, _, _, table_rows), output in zip(tables, opened[1:], strict=True):
            for rows in table_rows(consented, key=key, chunk_size=chunk_size):
                output.write(rows)
            counts[name] = output.count
        for output in opened:
            output.finish()
        for output in opened:
            output.commit()
        stack.pop_all()
    written.episodes = episodes.count
    written.measures = counts.get("measures", 0)
    written.clinical = counts.get("clinical")
    written.care_use = counts.get("care_use")
    written.left_out_without_consent = referrals.count() - written.episodes
    return written
