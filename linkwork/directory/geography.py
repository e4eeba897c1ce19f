"""Postcodes, places and distances.

A postcode is turned into a point (latitude, longitude and LSOA) by a geocoder. The default
geocoder reads an offline table loaded from the ONS Postcode Directory (`import_postcodes`),
so nothing about a person's address leaves the server; `postcodes.io` is available for sites
that accept that. The LSOA gives the Index of Multiple Deprivation decile (`import_imd`),
which is how equity is measured.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from linkwork.core.postcodes import InvalidPostcode, normalise_postcode
from linkwork.directory.models import ImdDecile, Postcode

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM: Final = 6371.0088  # mean Earth radius (IUGG)

# A GSS code such as E01000001: one letter and eight digits.
_LSOA_RE: Final = re.compile(r"^[A-Z][0-9]{8}$")
# An ONS (GSS) code of an area such as a local authority district, E08000035.
GSS_CODE_RE: Final = re.compile(r"^[ENSW][0-9]{8}$")


# A service area names an ONS area by its code: the statistics.data.gov.uk URI of the code
# (as Open Referral UK feeds write it) in `uri`, or the bare code as its `extent` (extent_type
# "text") or name. `linkwork import-oruk --area CODE` should store a feed's area that way.
ONS_AREA_URI: Final = "http://statistics.data.gov.uk/id/statistical-geography/"
_CODE_IN_TEXT_RE: Final = re.compile(r"(?:^|/)([ENSW][0-9]{8})/?$")


def area_codes(*texts: str) -> set[str]:
    """The ONS area codes named by a service area's texts (extent, uri, name): a bare code,
    or a URI ending in one. Anything else (GeoJSON, a place name) names none."""
    found = set()
    for text in texts:
        match = _CODE_IN_TEXT_RE.search(text.strip().upper()) if text else None
        if match:
            found.add(match[1])
    return found


class GeocoderUnavailable(RuntimeError):
    """The geocoder could not be asked (network, service down); not the same as unknown."""


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    lsoa: str = ""
    # ONS code of the local authority district ("" when the table does not say).
    local_authority: str = ""


class Geocoder(Protocol):
    def locate(self, postcode: str) -> Point | None:
        """The point of a postcode, or None if the postcode is invalid or unknown."""
        ...


def postcode_district(postcode: str) -> str:
    """The outward code ("BK3 4QT" -> "BK3"), as scheme catchments are written."""
    return normalise_postcode(postcode).split(" ")[0]


def postcode_known(postcode: str) -> bool | None:
    """Whether the postcode table lists a well-formed postcode; None when no table is loaded,
    so an unknown postcode can be questioned without blocking anyone on a site that has none."""
    if not Postcode.objects.exists():
        return None
    return Postcode.objects.filter(postcode=normalise_postcode(postcode)).exists()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def imd_decile(lsoa: str) -> int | None:
    """The IMD decile of an LSOA (1 is most deprived), or None where it is not loaded."""
    if not lsoa:
        return None
    return ImdDecile.objects.filter(lsoa=lsoa).values_list("decile", flat=True).first()


def postcode_area(postcode: str) -> tuple[str, str, int | None] | None:
    """(LSOA, local authority, IMD decile) of a postcode from the loaded tables, or None when
    the postcode is not in them. Offline whatever geocoder is configured: this is a person's
    address, and statistics never need it to leave the server."""
    point = TableGeocoder().locate(postcode)
    if point is None:
        return None
    return point.lsoa, point.local_authority, imd_decile(point.lsoa)


class TableGeocoder:
    """Looks postcodes up in the `Postcode` table: offline, no data leaves the server."""

    def locate(self, postcode: str) -> Point | None:
        try:
            key = normalise_postcode(postcode)
        except InvalidPostcode:
            return None
        row = Postcode.objects.filter(postcode=key).first()
        if row is None:
            return None
        return Point(row.latitude, row.longitude, row.lsoa, row.local_authority)


def parse_postcodes_io(payload: Mapping[str, Any]) -> Point | None:
    """The point in a postcodes.io `/postcodes/{postcode}` response, if it has one."""
    result = payload.get("result")
    if not isinstance(result, Mapping):
        return None
    latitude, longitude = result.get("latitude"), result.get("longitude")
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return None
    codes = result.get("codes")
    lsoa = codes.get("lsoa", "") if isinstance(codes, Mapping) else ""
    district = codes.get("admin_district", "") if isinstance(codes, Mapping) else ""
    return Point(
        float(latitude),
        float(longitude),
        lsoa if isinstance(lsoa, str) else "",
        district if isinstance(district, str) and GSS_CODE_RE.match(district) else "",
    )


class PostcodesIoGeocoder:
    """Asks postcodes.io (open data, ONS Postcode Directory). Sends the postcode over the
    internet, so only used where the deployment chooses it (`LINKWORK_GEOCODER`)."""

    def __init__(self, base_url: str = "https://api.postcodes.io", timeout: float = 5.0) -> None:
        if not base_url.startswith("https://"):
            raise ImproperlyConfigured("The postcodes.io address must start with https://.")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def locate(self, postcode: str) -> Point | None:
        try:
            key = normalise_postcode(postcode)
        except InvalidPostcode:
            return None
        url = f"{self.base_url}/postcodes/{urllib.parse.quote(key)}"
        request = urllib.request.Request(  # noqa: S310 (https checked in __init__)
            url, headers={"Accept": "application/json", "User-Agent": "Linkwork"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 # nosec B310
                payload = json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise GeocoderUnavailable(f"postcodes.io answered HTTP {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            # The postcode is not logged: it may be a person's.
            logger.warning("postcodes.io lookup failed: %s", type(exc).__name__)
            raise GeocoderUnavailable("postcodes.io could not be reached.") from exc
        return parse_postcodes_io(payload) if isinstance(payload, Mapping) else None


GEOCODERS: Final[Mapping[str, Callable[[], Geocoder]]] = {
    "table": TableGeocoder,
    "postcodes.io": PostcodesIoGeocoder,
}


def get_geocoder() -> Geocoder:
    """The geocoder named by the `LINKWORK_GEOCODER` setting ("table" unless set)."""
    name = getattr(settings, "LINKWORK_GEOCODER", "table")
    try:
        return GEOCODERS[name]()
    except KeyError:
        choices = ", ".join(sorted(GEOCODERS))
        raise ImproperlyConfigured(
            f"LINKWORK_GEOCODER is {name!r}; it must be one of: {choices}."
        ) from None


# Imports -----------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """A file that cannot be imported at all (no header, a required column missing)."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejection(line, reason))


def _columns(
    reader: csv.DictReader[str],
    wanted: Mapping[str, tuple[str, ...]],
    optional: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """Map each wanted (and each optional, when present) column to the header that holds it,
    accepting the ONS names too."""
    header = {name.strip().lower(): name for name in reader.fieldnames or ()}
    if not header:
        raise ImportFileError("The file is empty: expected a header row.")
    found: dict[str, str] = {}
    for column, aliases in wanted.items():
        match = next((header[a] for a in (column, *aliases) if a in header), None)
        if match is not None:
            found[column] = match
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ImportFileError(f"Missing column(s): {', '.join(missing)}.")
    for column, aliases in (optional or {}).items():
        match = next((header[a] for a in (column, *aliases) if a in header), None)
        if match is not None:
            found[column] = match
    return found


def _coordinate(text: str, name: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{name} {text!r} is outside -{limit:g} to {limit:g}")
    return value


_POSTCODE_COLUMNS: Final = {
    "postcode": ("pcds", "pcd"),
    "latitude": ("lat",),
    "longitude": ("long",),
    "lsoa": ("lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11"),
}
# The local authority district is optional (older tables have none): ONSPD calls it
# oslaua, or ladYYcd in some extracts.
_POSTCODE_OPTIONAL_COLUMNS: Final = {
    "local_authority": ("oslaua", "laua", "lad", "lad25cd", "lad24cd", "lad23cd", "lad22cd"),
}
_IMD_COLUMNS: Final = {"lsoa": ("lsoa_code",), "imd_decile": ("decile",)}


def import_postcodes(lines: Iterable[str], *, batch_size: int = 5000) -> ImportReport:
    """Upsert postcodes from CSV text (columns postcode, latitude, longitude, lsoa and
    optionally local_authority, or the ONSPD names pcds, lat, long, lsoa21, oslaua). Bad rows
    are reported with their line numbers and skipped; the good rows are written in one
    transaction."""
    reader = csv.DictReader(lines)
    cols = _columns(reader, _POSTCODE_COLUMNS, _POSTCODE_OPTIONAL_COLUMNS)
    report = ImportReport()
    seen: dict[str, int] = {}
    batch: list[Postcode] = []

    def flush() -> None:
        Postcode.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["latitude", "longitude", "lsoa", "local_authority"],
        )
        report.imported += len(batch)
        batch.clear()

    with transaction.atomic():
        for row in reader:
            line = reader.line_num
            try:
                raw = (row.get(cols["postcode"]) or "").strip()
                try:
                    postcode = normalise_postcode(raw)
                except InvalidPostcode:
                    raise ValueError(f"postcode {raw!r} is not a valid UK postcode") from None
                latitude = _coordinate((row.get(cols["latitude"]) or "").strip(), "latitude", 90)
                longitude = _coordinate(
                    (row.get(cols["longitude"]) or "").strip(), "longitude", 180
                )
                lsoa = (row.get(cols["lsoa"]) or "").strip().upper()
                if lsoa and not _LSOA_RE.match(lsoa):
                    raise ValueError(f"lsoa {lsoa!r} is not an LSOA code such as E01000001")
                district = (
                    (row.get(cols["local_authority"]) or "").strip().upper()
                    if "local_authority" in cols
                    else ""
                )
                if district and not GSS_CODE_RE.match(district):
                    raise ValueError(
                        f"local_authority {district!r} is not an ONS code such as E08000035"
                    )
                if postcode in seen:
                    raise ValueError(f"postcode {postcode} is a duplicate of line {seen[postcode]}")
            except ValueError as exc:
                report.reject(line, str(exc))
                continue
            seen[postcode] = line
            batch.append(
                Postcode(
                    postcode=postcode,
                    latitude=latitude,
                    longitude=longitude,
                    lsoa=lsoa,
                    local_authority=district,
                )
            )
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return report


def import_imd(lines: Iterable[str], *, batch_size: int = 5000) -> ImportReport:
    """Upsert IMD deciles from CSV text (columns lsoa, imd_decile)."""
    reader = csv.DictReader(lines)
    cols = _columns(reader, _IMD_COLUMNS)
    report = ImportReport()
    seen: dict[str, int] = {}
    batch: list[ImdDecile] = []

    def flush() -> None:
        ImdDecile.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["lsoa"], update_fields=["decile"]
        )
        report.imported += len(batch)
        batch.clear()

    with transaction.atomic():
        for row in reader:
            line = reader.line_num
            lsoa = (row.get(cols["lsoa"]) or "").strip().upper()
            text = (row.get(cols["imd_decile"]) or "").strip()
            if not _LSOA_RE.match(lsoa):
                report.reject(line, f"lsoa {lsoa!r} is not an LSOA code such as E01000001")
                continue
            if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 10:
                report.reject(line, f"imd_decile {text!r} is not a whole number from 1 to 10")
                continue
            if lsoa in seen:
                report.reject(line, f"lsoa {lsoa} is a duplicate of line {seen[lsoa]}")
                continue
            seen[lsoa] = line
            batch.append(ImdDecile(lsoa=lsoa, decile=int(text)))
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return report
