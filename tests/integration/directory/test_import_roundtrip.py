"""What `linkwork export-oruk` writes, `linkwork import-oruk` reads back: into the same
directory it changes nothing. (Its own module: the seeded directory is shared by the module.)"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from linkwork.directory.oruk.importer import Status, import_oruk
from tests.integration.directory.test_import_fixtures import table_counts

pytestmark = pytest.mark.django_db


def test_export_then_import_changes_nothing(directory, tmp_path):
    """What `export-oruk` writes, `import-oruk` reads back to the same directory."""
    target = tmp_path / "feed"
    call_command("export_oruk", str(target), verbosity=0)
    before = table_counts()
    report = import_oruk(str(target))
    assert report.count(Status.UNCHANGED) == len(report.outcomes) > 300
    assert table_counts() == before
    vocabulary = [s for s in report.skipped if "vocabulary" in s.reason]
    assert vocabulary
    assert len(vocabulary) == len(report.skipped)
