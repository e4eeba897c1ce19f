"""The official Open Referral UK 3.0 schemas, read from the `shared` folder beside the
repository and resolved locally: a schema's `$ref`s never reach the network."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.prerequisites import SHARED_STANDARDS, shared_standard

SCHEMA_URL = "https://openreferraluk.org/specifications/3.0/schema/"
STANDARD = SHARED_STANDARDS / "oruk-3.0"
SCHEMAS = STANDARD / "schema"


def require_schemas() -> None:
    """Skip locally, fail in CI, where the standards folder is not beside the repository."""
    shared_standard("oruk-3.0/schema", module_level=True)


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.scheme in {"mailto", "urn"}))


@cache
def registry() -> Registry[Any]:
    return Registry().with_resources(
        (
            SCHEMA_URL + path.name,
            Resource.from_contents(
                json.loads(path.read_text("utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in sorted(SCHEMAS.glob("*.json"))
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for the schema file `name`, such as `service_list.json`."""
    return Draft202012Validator(
        {"$ref": SCHEMA_URL + name}, registry=registry(), format_checker=FORMATS
    )


def errors(document: Any, name: str) -> list[str]:
    """Every way the document breaks the schema, as readable lines (empty when it conforms)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator(name).iter_errors(document)
    ]


def blank_values(document: Any, path: str = "") -> list[str]:
    """Paths of nulls and empty strings: ORUK leaves out an optional field with no value."""
    found: list[str] = []
    if document is None or document == "":
        found.append(path or "(root)")
    elif isinstance(document, dict):
        for key, value in document.items():
            found += blank_values(value, f"{path}/{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += blank_values(value, f"{path}/{index}")
    return found
