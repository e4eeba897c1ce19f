"""Outcome-measure scoring: pure Python and NumPy, no Django, so it runs anywhere.

Definitions under ``instruments/`` are validated when this package is imported.
"""

from linkwork.outcomes.definitions import Instrument, load_definition, load_directory
from linkwork.outcomes.eq5d import eq5d_index, eq5d_index_array
from linkwork.outcomes.errors import DefinitionError, ScoreError
from linkwork.outcomes.scoring import (
    INSTRUMENTS,
    ScoreResult,
    get_instrument,
    instrument_ids,
    licensed_problems,
    score,
)

__all__ = [
    "INSTRUMENTS",
    "DefinitionError",
    "Instrument",
    "ScoreError",
    "ScoreResult",
    "eq5d_index",
    "eq5d_index_array",
    "get_instrument",
    "instrument_ids",
    "licensed_problems",
    "load_definition",
    "load_directory",
    "score",
]
