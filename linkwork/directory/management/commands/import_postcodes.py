from __future__ import annotations

from linkwork.directory.geography import import_postcodes
from linkwork.directory.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Load or update postcodes from a CSV file (columns postcode, latitude, longitude, lsoa; "
        "the ONS Postcode Directory names pcds, lat, long, lsoa21 also work)."
    )
    noun = "postcodes"
    importer = staticmethod(import_postcodes)
