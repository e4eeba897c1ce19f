"""Backup and restore, proved by the drill (issue 16, item 16).

Each test backs up the database the suite runs on (SQLite or PostgreSQL) with the real
commands, restores it into an empty scratch database (a temporary SQLite file, or a
PostgreSQL database with a name of its own, created and dropped here) and compares every
table's row count and checksum with those taken at backup time.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from linkwork.core.backup import (
    BackupError,
    checksums,
    compare,
    manifest_path,
    read_manifest,
    restore,
    scratch_connection,
    settings_from_url,
)
from tests.factories import PersonFactory, ReferralFactory
from tests.prerequisites import missing

# The data must be committed for pg_dump, a separate session, to see it.
pytestmark = pytest.mark.django_db(transaction=True)

PLANTED_NAME = "Zebedee-Quartermaine"


def _postgresql_url(name: str) -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "localhost"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's engine, gone afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import shutil

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        missing("pg_dump and pg_restore are not installed: apt-get install postgresql-client")
    name = f"linkwork_drill_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgresql_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backed_up(tmp_path: Path) -> Path:
    """Real records (a referral, its person, scheme and organisations), then a backup."""
    ReferralFactory(person=PersonFactory(family_name=PLANTED_NAME))
    ReferralFactory.create_batch(3)
    backup_file = tmp_path / "linkwork.backup"
    out = io.StringIO()
    call_command("backup", str(backup_file), stdout=out)
    assert backup_file.exists()
    assert manifest_path(backup_file).exists()
    assert PLANTED_NAME not in out.getvalue()
    return backup_file


def test_restore_into_an_empty_database_gives_equal_row_counts_and_checksums(
    backed_up: Path, scratch_url: str
) -> None:
    out = io.StringIO()
    call_command("restore", str(backed_up), into=scratch_url, stdout=out)

    expected = read_manifest(backed_up)
    assert expected is not None
    assert expected["people_person"].rows == 4
    assert expected["referrals_referral"].rows == 4
    with scratch_connection(settings_from_url(scratch_url)) as restored:
        actual = checksums(restored)
    assert actual == expected
    # And both equal the live database, which has not changed since.
    assert checksums(connection) == expected
    report = out.getvalue()
    assert f"all {len(expected)} tables match" in report
    assert "people_person" in report
    assert PLANTED_NAME not in report


def test_a_row_missing_from_the_restored_copy_is_found(backed_up: Path, scratch_url: str) -> None:
    into = settings_from_url(scratch_url)
    assert all(line.same for line in restore(backed_up, into=into, empty=True))
    with scratch_connection(into) as restored:
        with restored.cursor() as cursor:
            cursor.execute(
                "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
            )
        differing = [
            line
            for line in compare(read_manifest(backed_up) or {}, checksums(restored))
            if not line.same
        ]
    assert [line.table for line in differing] == ["django_migrations"]
    expected, actual = differing[0].expected, differing[0].actual
    assert expected is not None
    assert actual is not None
    assert actual.rows == expected.rows - 1
    assert actual.checksum != expected.checksum


def test_a_changed_row_with_the_same_count_is_found(backed_up: Path, scratch_url: str) -> None:
    into = settings_from_url(scratch_url)
    restore(backed_up, into=into, empty=True)
    with scratch_connection(into) as restored:
        with restored.cursor() as cursor:
            cursor.execute(
                "UPDATE people_person SET postcode = 'ZZ9 9ZZ' WHERE family_name = %s",
                [PLANTED_NAME],
            )
        lines = compare(read_manifest(backed_up) or {}, checksums(restored))
    changed = next(line for line in lines if line.table == "people_person")
    assert changed.expected is not None
    assert changed.actual is not None
    assert changed.actual.rows == changed.expected.rows
    assert not changed.same


def test_the_drill_exits_1_with_a_table_when_the_restore_differs(
    backed_up: Path, scratch_url: str
) -> None:
    # The restored copy is compared with what the backup recorded: a backup short of a
    # person's row (as here, its record saying one more) fails the drill.
    path = manifest_path(backed_up)
    document = json.loads(path.read_text())
    document["tables"]["people_person"]["rows"] += 1
    path.write_text(json.dumps(document))
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("restore", str(backed_up), into=scratch_url, stdout=out)

    assert raised.value.returncode == 1
    assert "1 of" in str(raised.value)
    line = next(row for row in out.getvalue().splitlines() if row.startswith("people_person"))
    assert line.split() == ["people_person", "5", "4", "DIFFERENT"]
    assert PLANTED_NAME not in out.getvalue()


def test_the_drill_refuses_a_database_that_is_not_empty(backed_up: Path, scratch_url: str) -> None:
    call_command("restore", str(backed_up), into=scratch_url, stdout=io.StringIO())

    with pytest.raises(CommandError) as raised:
        call_command("restore", str(backed_up), into=scratch_url, stdout=io.StringIO())

    assert raised.value.returncode == 2
    assert "not empty" in str(raised.value)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, scratch_url: str) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("not a backup")

    with pytest.raises(CommandError) as raised:
        call_command("restore", str(stray), into=scratch_url)

    assert raised.value.returncode == 2
    assert "neither a PostgreSQL custom-format dump nor a SQLite database" in str(raised.value)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump backs up PostgreSQL only")
def test_backup_names_pg_dump_when_it_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    with pytest.raises(CommandError) as raised:
        call_command("backup", str(tmp_path / "linkwork.backup"))

    assert raised.value.returncode == 2
    assert "pg_dump is not installed" in str(raised.value)
    assert not (tmp_path / "linkwork.backup").exists()


def test_settings_from_a_bad_url_name_the_option() -> None:
    with pytest.raises(BackupError, match="--into"):
        settings_from_url("nosuchengine://somewhere/db")


def test_restore_replaces_the_configured_database_with_the_backup(backed_up: Path) -> None:
    PersonFactory(family_name="Added-After-The-Backup")
    assert checksums(connection) != read_manifest(backed_up)
    out = io.StringIO()

    call_command("restore", str(backed_up), interactive=False, stdout=out)

    assert checksums(connection) == read_manifest(backed_up)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM people_person WHERE family_name = %s", ["Added-After-The-Backup"]
        )
        assert cursor.fetchone() == (0,)
    assert "tables match" in out.getvalue()
