"""Where a person lives, as the statistics need it: the LSOA, the local authority and the
Index of Multiple Deprivation decile of their postcode.

The postcode and deprivation tables belong to the directory, which sits on the same floor as
people and may not be imported from here. An app above both registers the lookup at start-up
(`referrals.apps.ReferralsConfig.ready`), so every way a person is created or edited fills the
area the same way; with none registered (people on its own) the area is left as given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linkwork.people.models import Person


@dataclass(frozen=True)
class Area:
    lsoa: str = ""
    local_authority: str = ""
    imd_decile: int | None = None


# The fields `fill_area` sets.
AREA_FIELDS = ("lsoa_code", "local_authority", "imd_decile")

AreaLookup = Callable[[str], Area | None]
_lookups: list[AreaLookup] = []


def register_area_lookup(lookup: AreaLookup) -> None:
    """Let `lookup(postcode)` say where a postcode is (None: not in the tables)."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def area_of(postcode: str) -> Area | None:
    """The area of a postcode by the registered lookup; None when it is unknown."""
    if not postcode:
        return None
    for lookup in _lookups:
        found = lookup(postcode)
        if found is not None:
            return found
    return None


def fill_area(person: Person) -> list[str]:
    """Set the person's LSOA, local authority and IMD decile from their postcode, and return
    the names of those that changed. A postcode the tables do not know clears them: the old
    values described the old address. Does nothing when no lookup is registered."""
    if not _lookups:
        return []
    area = area_of(person.postcode) or Area()
    values = {
        "lsoa_code": area.lsoa,
        "local_authority": area.local_authority,
        "imd_decile": area.imd_decile,
    }
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, values[name])
    return changed
