from __future__ import annotations

from linkwork.directory.geography import import_imd
from linkwork.directory.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Load or update Index of Multiple Deprivation deciles (CSV columns lsoa, imd_decile)."
    noun = "IMD deciles"
    importer = staticmethod(import_imd)
