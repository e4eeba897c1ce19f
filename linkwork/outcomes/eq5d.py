"""EQ-5D-5L index values by the four methods UK evaluations are asked for.

Every method is turned into one table of 3,125 pre-rounded values per sex/age group, and both the
scalar and the NumPy paths read that same table, so they cannot disagree. The data ships inside
the package (``data/``); see ``data/README.md`` for sources.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from linkwork.outcomes.errors import ScoreError

METHODS: Final = ("england_5l", "uk_5l_2026", "vanhout_crosswalk", "dsu_2023")
DIMENSIONS: Final = ("MO", "SC", "UA", "PD", "AD")
SEXES: Final = ("female", "male")
AGE_BANDS: Final = ("18-34", "35-44", "45-54", "55-64", "65+")
MIN_AGE: Final = 18
MAX_AGE: Final = 120
"""Sanity bound against data-entry slips (e.g. 300); a Linkwork choice, not a published rule."""

_BAND_STARTS: Final = np.array([35, 45, 55, 65])
_AGE_BAND_INDEX: Final = np.searchsorted(_BAND_STARTS, np.arange(MAX_AGE + 1), side="right")
_SEX_AGE_GROUP: Final = np.stack([_AGE_BAND_INDEX, _AGE_BAND_INDEX + len(AGE_BANDS)]).astype(
    np.intp
)
"""DSU group for [is_male, age]; ages are range-checked before use."""
_LUT_SIZE: Final = 55556
_QUANTUM: Final = Decimal("0.001")
_DATA: Final = "data"


def all_states() -> tuple[str, ...]:
    """The 3,125 five-digit states in ascending order (11111 ... 55555)."""
    return _all_states()


@cache
def _all_states() -> tuple[str, ...]:
    digits = "12345"
    return tuple(
        a + b + c + d + e
        for a in digits
        for b in digits
        for c in digits
        for d in digits
        for e in digits
    )


def state_position(code: int) -> int:
    """Position of a valid 5-digit code in `all_states()` (base-5 with digits shifted by one)."""
    position = 0
    for place in (10000, 1000, 100, 10, 1):
        position = position * 5 + (code // place) % 10 - 1
    return position


def round_index(value: Decimal) -> float:
    """Round half away from zero on the published decimal: ties must not depend on binary floats."""
    return float(value.quantize(_QUANTUM, rounding=ROUND_HALF_UP))


def _read_data(name: str) -> str:
    return files("linkwork.outcomes").joinpath(_DATA, name).read_text(encoding="utf-8")


def _csv_rows(name: str) -> list[list[str]]:
    lines = [line for line in _read_data(name).splitlines() if not line.startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(lines))))


def _additive_values(key: str) -> list[Decimal]:
    """1 + sum of per-dimension decrements, in exact decimals, for every state."""
    decrements = json.loads(_read_data("eq5d_value_sets.json"))[key]["decrements"]
    table = [[Decimal(str(x)) for x in decrements[dim]] for dim in DIMENSIONS]
    return [
        Decimal(1) + sum((table[d][int(level) - 1] for d, level in enumerate(state)), Decimal(0))
        for state in all_states()
    ]


def _lookup_values(name: str) -> list[list[Decimal]]:
    """Rows of a state-keyed CSV, checked to hold every state exactly once in order."""
    rows = _csv_rows(name)
    body = rows[1:]
    if [row[0] for row in body] != list(all_states()):
        raise RuntimeError(f"{name} must list all 3125 EQ-5D-5L states in ascending order")
    return [[Decimal(cell) for cell in row[1:]] for row in body]


@cache
def value_table(method: str) -> npt.NDArray[np.float64]:
    """Rounded index values, shape (groups, 3125): 10 groups (sex x age band) for dsu_2023, else 1.

    Group g of dsu_2023 is sex SEXES[g // 5] and age band AGE_BANDS[g % 5].
    """
    check_method(method)
    if method == "england_5l":
        columns = [_additive_values("england_5l")]
    elif method == "uk_5l_2026":
        columns = [_additive_values("uk_5l_2026")]
    elif method == "vanhout_crosswalk":
        columns = [[row[0] for row in _lookup_values("eq5d_vanhout2012_uk.csv")]]
    else:
        rows = _lookup_values("eq5d_dsu2023_uk.csv")
        columns = [[row[g] for row in rows] for g in range(len(SEXES) * len(AGE_BANDS))]
    table = np.array([[round_index(v) for v in column] for column in columns], dtype=np.float64)
    table.flags.writeable = False
    return table


@cache
def _code_lut(method: str) -> npt.NDArray[np.float64]:
    """Values indexed directly by the 5-digit code; NaN marks codes that are not states."""
    table = value_table(method)
    codes = np.array([int(s) for s in all_states()])
    lut = np.full((table.shape[0], _LUT_SIZE), np.nan)
    lut[:, codes] = table
    lut.flags.writeable = False
    return lut


def check_method(method: object, field: str = "method") -> str:
    if not isinstance(method, str):
        raise ScoreError(f"The method must be a string, one of: {', '.join(METHODS)}.", field)
    if method not in METHODS:
        raise ScoreError(
            f"Unknown EQ-5D-5L method {method!r}; use one of: {', '.join(METHODS)}.", field
        )
    return method


def parse_state(state: object, field: str = "state") -> int:
    """Accept "12345" (or the int 12345) and return the int code; anything else is refused."""
    if isinstance(state, bool) or not isinstance(state, str | int):
        raise ScoreError(
            'The EQ-5D-5L state must be five digits, each 1 to 5, such as "11121".', field
        )
    text = str(state)
    if len(text) != 5 or any(ch not in "12345" for ch in text):
        raise ScoreError(
            f"{text!r} is not an EQ-5D-5L state: it needs exactly five digits, each 1 to 5 "
            "(mobility, self-care, usual activities, pain/discomfort, anxiety/depression).",
            field,
        )
    return int(text)


def check_sex(sex: object, field: str = "sex") -> str:
    if sex is None:
        raise ScoreError('The dsu_2023 method needs sex ("male" or "female").', field)
    if not isinstance(sex, str) or sex not in SEXES:
        raise ScoreError(f'Sex must be "male" or "female", not {sex!r}.', field)
    return sex


def check_age(age: object, field: str = "age") -> int:
    """Age in whole years, adult only: the DSU mapping has no bands under 18."""
    if age is None:
        raise ScoreError("The dsu_2023 method needs age in whole years (18 or over).", field)
    if isinstance(age, bool) or not isinstance(age, int):
        raise ScoreError(f"Age must be a whole number of years, not {age!r}.", field)
    if age < MIN_AGE:
        raise ScoreError(f"Age {age} is under 18; the dsu_2023 mapping is for adults only.", field)
    if age > MAX_AGE:
        raise ScoreError(f"Age {age} is not plausible (over {MAX_AGE}).", field)
    return age


def age_band(age: object, field: str = "age") -> str:
    """The DSU age band (18-34, 35-44, 45-54, 55-64, 65+) for a validated age."""
    return AGE_BANDS[int(np.searchsorted(_BAND_STARTS, check_age(age, field), side="right"))]


def _group(method: str, sex: object, age: object) -> int:
    if method != "dsu_2023":
        return 0
    sex_name = check_sex(sex)
    band = age_band(age)
    return SEXES.index(sex_name) * len(AGE_BANDS) + AGE_BANDS.index(band)


def eq5d_index(
    state: str | int, method: str = "england_5l", sex: str | None = None, age: int | None = None
) -> float:
    """Index value for one state, rounded to 3 decimals; sex and age are only used by dsu_2023."""
    code = parse_state(state)
    method = check_method(method)
    group = _group(method, sex, age)
    return float(value_table(method)[group, state_position(code)])


def eq5d_index_array(
    states: npt.ArrayLike,
    method: str = "england_5l",
    sex: str | npt.ArrayLike | None = None,
    age: int | npt.ArrayLike | None = None,
) -> npt.NDArray[np.float64]:
    """Vectorised `eq5d_index` for integer codes (e.g. 12345); keeps the (broadcast) shape, >= 1-D.

    For dsu_2023, sex and age may be scalars or arrays broadcastable against `states`.
    The whole call fails on the first invalid entry, naming its position, so no partial
    result escapes.
    """
    codes = np.atleast_1d(np.asarray(states))
    if codes.dtype == np.bool_ or not np.issubdtype(codes.dtype, np.integer):
        raise ScoreError(
            "states must be an integer array of 5-digit codes such as 12345.", "states"
        )
    method = check_method(method)
    lut = _code_lut(method)
    if codes.size and (int(codes.min()) < 0 or int(codes.max()) >= _LUT_SIZE):
        _raise_bad_state(codes, (codes < 0) | (codes >= _LUT_SIZE))
    values: npt.NDArray[np.float64]
    if method != "dsu_2023":
        values = lut[0][codes]
    elif np.asarray(sex).ndim == 0 and np.asarray(age).ndim == 0:
        values = lut[_group(method, _scalar(sex), _scalar(age))][codes]
    else:
        values = lut[_groups_array(codes.shape, sex, age), codes]
    if np.isnan(values).any():
        _raise_bad_state(np.broadcast_to(codes, values.shape), np.isnan(values))
    return values


def _scalar(value: object) -> object:
    """Unwrap 0-d arrays and NumPy scalars so scalar validation sees plain Python values."""
    if isinstance(value, np.ndarray | np.generic):
        return value.item()
    return value


def _raise_bad_state(codes: npt.NDArray[np.generic], bad: npt.NDArray[np.bool_]) -> None:
    position = tuple(int(i) for i in np.argwhere(bad)[0])
    where = ",".join(map(str, position))
    value = codes[position]
    raise ScoreError(
        f"{int(value)} is not an EQ-5D-5L state: each of the five digits must be 1 to 5.",
        f"states[{where}]",
    )


def _text_equals(arr: npt.NDArray[Any], text: str) -> npt.NDArray[np.bool_]:
    """Exact match on fixed-width text, compared as machine words.

    NumPy's string == costs about 6 ns a row, which dominated bulk DSU scoring; comparing the
    raw code points (NUL-padded, as NumPy stores them) gives the same answer 3x faster.
    """
    if arr.dtype.kind != "U" or not arr.dtype.isnative or arr.ndim == 0:
        return np.asarray(arr == text, dtype=np.bool_)
    width = arr.dtype.itemsize // 4
    if len(text) > width:
        return np.zeros(arr.shape, dtype=np.bool_)
    word = np.uint64 if width % 2 == 0 else np.uint32
    columns = np.ascontiguousarray(arr).view(word).reshape(*arr.shape, -1)
    wanted = np.array([text], dtype=arr.dtype).view(word)
    out: npt.NDArray[np.bool_] = columns[..., 0] == wanted[0]
    for k in range(1, wanted.size):
        out &= columns[..., k] == wanted[k]
    return out


def _groups_array(shape: tuple[int, ...], sex: object, age: object) -> npt.NDArray[np.intp]:
    """Per-row DSU group (sex x age band), validating every row first."""
    if sex is None:
        check_sex(None)
    if age is None:
        check_age(None)
    sex_arr = np.asarray(sex)
    age_arr = np.asarray(age)
    try:
        np.broadcast_shapes(shape, sex_arr.shape, age_arr.shape)
    except ValueError:
        raise ScoreError(
            f"sex {sex_arr.shape} and age {age_arr.shape} arrays must match states {shape}.",
            "sex",
        ) from None
    is_male = _text_equals(sex_arr, "male")
    bad_sex = ~(is_male | _text_equals(sex_arr, "female"))
    if bad_sex.any():
        position = np.argwhere(np.atleast_1d(bad_sex))[0]
        where = ",".join(map(str, position))
        found = _scalar(np.atleast_1d(sex_arr)[tuple(position)])
        raise ScoreError(f'Sex must be "male" or "female", not {found!r}.', f"sex[{where}]")
    if age_arr.dtype == np.bool_ or not np.issubdtype(age_arr.dtype, np.integer):
        raise ScoreError("Age must be an integer array of whole years.", "age")
    bad_age = (age_arr < MIN_AGE) | (age_arr > MAX_AGE)
    if bad_age.any():
        position = np.argwhere(np.atleast_1d(bad_age))[0]
        where = ",".join(map(str, position))
        found = int(np.atleast_1d(age_arr)[tuple(position)])
        raise ScoreError(
            f"Age {found} is outside {MIN_AGE}-{MAX_AGE}; the dsu_2023 mapping is for adults.",
            f"age[{where}]",
        )
    groups: npt.NDArray[np.intp] = _SEX_AGE_GROUP[np.asarray(is_male, dtype=np.uint8), age_arr]
    return groups
