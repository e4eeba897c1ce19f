"""Backups, restores and the restore drill (`linkwork backup`, `linkwork restore`).

PostgreSQL is dumped with `pg_dump --format=custom` and restored with `pg_restore`; SQLite is
copied with the standard library's online backup API, which gives a consistent copy while the
site runs. The connection settings reach pg_dump and pg_restore through the PG* environment
variables, never the command line, where any user of the machine could read the password.

Beside every backup goes `FILE.checksums.json`: each table's row count and a checksum over
its rows, taken from the same snapshot as the dump. A restore compares the restored database
with it, table by table, so a backup is proved by restoring it, not by its size. The
checksums are hashes of personal data: keep them with the backup, under the same protection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import dj_database_url
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

MANIFEST_FORMAT: Final = "linkwork-backup-checksums/1"
POSTGRESQL: Final = "postgresql"
SQLITE: Final = "sqlite"
ENGINES: Final = {
    "django.db.backends.postgresql": POSTGRESQL,
    "django.db.backends.sqlite3": SQLITE,
}
# The first bytes of each kind of backup file.
SIGNATURES: Final = {b"PGDMP": POSTGRESQL, b"SQLite format 3\x00": SQLITE}


class BackupError(Exception):
    """The backup or restore could not run; the message names what is missing or wrong."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


@dataclass(frozen=True)
class Comparison:
    table: str
    expected: TableSum | None
    actual: TableSum | None

    @property
    def same(self) -> bool:
        return self.expected == self.actual


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".checksums.json")


def engine_of(settings_dict: Mapping[str, Any]) -> str:
    engine = ENGINES.get(settings_dict.get("ENGINE", ""))
    if engine is None:
        raise BackupError(
            f"the database engine {settings_dict.get('ENGINE')!r} is not supported: "
            "backups work on PostgreSQL and SQLite"
        )
    return engine


def engine_of_file(backup_file: Path) -> str:
    try:
        with backup_file.open("rb") as file:
            start = file.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read the backup file {backup_file}: {exc.strerror}") from exc
    for signature, engine in SIGNATURES.items():
        if start.startswith(signature):
            return engine
    raise BackupError(
        f"{backup_file} is neither a PostgreSQL custom-format dump nor a SQLite database"
    )


def settings_from_url(url: str) -> dict[str, Any]:
    """A database's settings from a `DATABASE_URL`-style address, as settings.py reads one."""
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise BackupError(f"--into: {exc}") from exc
    return parsed


# Checksums


def _sqlite_sums(raw: sqlite3.Connection) -> dict[str, TableSum]:
    """Each table's rows hashed one by one as SQL literals (`quote()`, so the same text
    whatever type converters the connection has), the sorted hashes hashed again."""
    names = [
        row[0]
        for row in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    sums = {}
    for name in names:
        table = '"' + name.replace('"', '""') + '"'
        columns = [row[1] for row in raw.execute(f"PRAGMA table_info({table})")]
        literal = " || ',' || ".join(
            'quote("' + column.replace('"', '""') + '")' for column in columns
        )
        hashes = sorted(
            hashlib.sha256(row[0].encode()).hexdigest()
            # Names from the database's own catalogue, quoted as identifiers.
            for row in raw.execute(f"SELECT {literal} FROM {table}")  # noqa: S608 # nosec B608
        )
        digest = hashlib.sha256("".join(hashes).encode()).hexdigest()
        sums[name] = TableSum(rows=len(hashes), checksum=digest)
    return sums


# Each row's text hashed, the hashes sorted (byte order) and hashed again: an order-free
# checksum of the table's rows, computed in the server. The session settings fix the text of
# times and numbers, so a scratch database on another server gives the same text.
_POSTGRESQL_SESSION: Final = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)


_POSTGRESQL_SUM: Final = (
    "count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text) COLLATE \"C\")), "
    "md5(''))"
)


def _postgresql_sums(cursor: Any) -> dict[str, TableSum]:
    for statement in _POSTGRESQL_SESSION:
        cursor.execute(statement)
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    )
    names = [row[0] for row in cursor.fetchall()]
    sums = {}
    for name in names:
        table = '"' + name.replace('"', '""') + '"'
        # The name comes from pg_class, quoted as an identifier.
        query = f"SELECT {_POSTGRESQL_SUM} FROM ONLY {table} AS t"  # noqa: S608 # nosec B608
        cursor.execute(query)
        rows, checksum = cursor.fetchone()
        sums[name] = TableSum(rows=rows, checksum=checksum)
    return sums


def checksums(connection: BaseDatabaseWrapper) -> dict[str, TableSum]:
    """Row counts and checksums of every table of a database, by a Django connection."""
    engine = engine_of(connection.settings_dict)
    connection.ensure_connection()
    if engine == SQLITE:
        return _sqlite_sums(connection.connection)
    with connection.cursor() as cursor:
        return _postgresql_sums(cursor)


def compare(expected: Mapping[str, TableSum], actual: Mapping[str, TableSum]) -> list[Comparison]:
    """One line per table in either, by name."""
    return [
        Comparison(table=name, expected=expected.get(name), actual=actual.get(name))
        for name in sorted(set(expected) | set(actual))
    ]


def write_manifest(backup_file: Path, engine: str, sums: Mapping[str, TableSum]) -> Path:
    path = manifest_path(backup_file)
    document = {
        "format": MANIFEST_FORMAT,
        "engine": engine,
        "backup": backup_file.name,
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": {
            name: {"rows": table.rows, "checksum": table.checksum}
            for name, table in sorted(sums.items())
        },
    }
    path.write_text(json.dumps(document, indent=1) + "\n")
    path.chmod(0o600)
    return path


def read_manifest(backup_file: Path) -> dict[str, TableSum] | None:
    path = manifest_path(backup_file)
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text())
        if document.get("format") != MANIFEST_FORMAT:
            raise BackupError(f"{path} is not a Linkwork checksums file ({MANIFEST_FORMAT})")
        return {
            name: TableSum(rows=int(table["rows"]), checksum=str(table["checksum"]))
            for name, table in document["tables"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"{path} cannot be read as a checksums file: {exc}") from exc


# Connections


@contextmanager
def scratch_connection(settings_dict: Mapping[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection of its own to a database, closed afterwards."""
    # A handler of its own, so the site's connections (and their transactions) are untouched.
    handler = ConnectionHandler({"default": dict(settings_dict)})
    connection = handler["default"]
    try:
        yield connection
    finally:
        connection.close()


def _libpq_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The PG* variables for pg_dump and pg_restore: the connection stays off the command line."""
    # Inherited PG* variables stay (PGSSLROOTCERT, say): psycopg honours them as well, so
    # pg_dump reaches the database the site does.
    environment = dict(os.environ)
    given = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    environment.update({name: str(value) for name, value in given.items() if value})
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        environment["PGSSLMODE"] = str(options["sslmode"])
    if not environment.get("PGDATABASE"):
        raise BackupError("the database has no NAME: set it in DATABASE_URL")
    return environment


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed or not on PATH: install the PostgreSQL client programs "
            f"(Debian and Ubuntu: apt-get install postgresql-client), the same major version "
            f"as the server or newer"
        )
    return found


def _run(arguments: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (a fixed program, no shell, no user text)
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        # pg_dump and pg_restore name objects and connection errors, not rows.
        detail = result.stderr.strip().splitlines()
        last = detail[-1] if detail else f"exit status {result.returncode}"
        raise BackupError(f"{Path(arguments[0]).name} failed: {last}")


def _is_empty(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


# Backup


def backup(backup_file: Path, *, alias: str = "default") -> dict[str, TableSum]:
    """Copy the database `alias` to `backup_file` and write its checksums beside it."""
    settings_dict = connections[alias].settings_dict
    engine = engine_of(settings_dict)
    if not backup_file.parent.is_dir():
        raise BackupError(f"the folder {backup_file.parent} does not exist")
    if engine == SQLITE:
        sums = _backup_sqlite(connections[alias], backup_file)
    else:
        sums = _backup_postgresql(settings_dict, backup_file)
    write_manifest(backup_file, engine, sums)
    return sums


def _backup_sqlite(connection: BaseDatabaseWrapper, backup_file: Path) -> dict[str, TableSum]:
    connection.ensure_connection()
    partial = backup_file.with_name(backup_file.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
        # The copy on its own, in the journal mode a plain `sqlite3` opens.
        target.execute("PRAGMA journal_mode=DELETE")
        sums = _sqlite_sums(target)
    except BaseException:
        target.close()
        partial.unlink(missing_ok=True)
        raise
    target.close()
    partial.chmod(0o600)
    partial.replace(backup_file)
    return sums


def _backup_postgresql(settings_dict: Mapping[str, Any], backup_file: Path) -> dict[str, TableSum]:
    pg_dump = _program("pg_dump")
    environment = _libpq_environment(settings_dict)
    partial = backup_file.with_name(backup_file.name + ".partial")
    # The checksums come from the snapshot pg_dump copies: one transaction exports it, pg_dump
    # imports it, and the same transaction then counts.
    with scratch_connection(settings_dict) as connection:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
                partial.touch(mode=0o600)
                arguments = [pg_dump, "--format=custom", f"--snapshot={snapshot}"]
                _run([*arguments, f"--file={partial}"], environment)
                sums = _postgresql_sums(cursor)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            finally:
                cursor.execute("ROLLBACK")
    partial.replace(backup_file)
    return sums


# Restore


def restore(backup_file: Path, *, into: Mapping[str, Any], empty: bool) -> list[Comparison]:
    """Restore `backup_file` into the database `into` and compare it with the checksums.

    `empty` says the target must hold no tables (the drill); otherwise what is there is
    replaced. Without a checksums file a SQLite backup is compared with itself; a PostgreSQL
    dump cannot be, and the restore is refused before it starts.
    """
    engine = engine_of_file(backup_file)
    target_engine = engine_of(into)
    if engine != target_engine:
        raise BackupError(
            f"{backup_file} is a {engine} backup and the target database is {target_engine}"
        )
    expected = read_manifest(backup_file)
    if expected is None and engine == POSTGRESQL:
        raise BackupError(
            f"{manifest_path(backup_file)} is missing: it is written beside every backup, "
            "and a restore is checked against it"
        )
    if expected is None:
        with closing_sqlite(backup_file) as raw:
            expected = _sqlite_sums(raw)
    with scratch_connection(into) as connection:
        connection.ensure_connection()
        if empty and not _is_empty(connection):
            raise BackupError("the database given with --into is not empty: give an empty one")
        if engine == SQLITE:
            with closing_sqlite(backup_file) as source:
                source.backup(connection.connection)
        else:
            connection.close()
            _restore_postgresql(backup_file, into, clean=not empty)
        return compare(expected, checksums(connection))


@contextmanager
def closing_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield raw
    finally:
        raw.close()


def _restore_postgresql(backup_file: Path, into: Mapping[str, Any], *, clean: bool) -> None:
    pg_restore = _program("pg_restore")
    environment = _libpq_environment(into)
    arguments = [pg_restore, "--no-owner", "--single-transaction", "--exit-on-error"]
    if clean:
        arguments += ["--clean", "--if-exists"]
    # An empty --dbname makes pg_restore connect (not print SQL), and libpq then takes the
    # database's name from PGDATABASE.
    arguments += ["--dbname=", str(backup_file)]
    _run(arguments, environment)
