"""The matching evaluation collection: a synthetic ORUK catalogue of the fictional town of
Calderbrook (`services.json`, written by `make_catalogue.py`) and the personas with graded
relevance labels (`personas.toml`). Services are named in the labels by a stable key; the
service id is a UUID5 of that key, so the two files agree without a lookup table.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
CATALOGUE: Final = HERE / "services.json"
PERSONAS: Final = HERE / "personas.toml"
# Never change: every service id in the collection is derived from it.
NAMESPACE: Final = uuid.UUID("7b1c3f52-5d0e-4f7a-9a61-2f4c8e0b9d11")


def service_id(key: str) -> str:
    """The id of the catalogue service with this key."""
    return str(uuid.uuid5(NAMESPACE, f"service/{key}"))
