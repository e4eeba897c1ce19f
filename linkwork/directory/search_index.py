"""The full-text index of services, kept in step with them by the database itself.

What is indexed: a service's name (weight A, the most), the plain text of its description
(`description_text`, never the HTML; weight B) and its organisation's name (weight C).

- PostgreSQL: a `tsvector` column `directory_service.search_vector` (English stemming), written
  by a trigger on every insert and on updates that change one of those three inputs, and by a
  trigger on organisations when one is renamed; GIN indexes serve `@@` (one on every service,
  one on the listed ones, active or temporarily closed, that the search page shows). A GIN
  trigram index on the plain text serves the typo fallback, beside 0003's one on the name.
- SQLite: an FTS5 table `directory_service_fts` with the Porter tokenizer (columns name,
  description, organisation), and `directory_service_fts_doc` giving each service its FTS row
  number, kept by triggers on services and organisations. `directory_service_fts_vocab` lists
  the indexed terms, for the typo fallback.

The column, tables and triggers are not in the model state: triggers keep them right whatever
writes the rows (`save()`, `bulk_create`, `bulk_update`, `update()` or raw SQL), and no query
Django builds from the models reads or writes them. Migration `0011_service_full_text_search`
creates them; `ensure()` runs after every `migrate` too, because SQLite drops a table's triggers
when Django rebuilds the table to alter it: it puts back what is missing and, if anything was,
rebuilds the index from the services.
"""

from __future__ import annotations

from typing import Any

PG_DOCUMENT = """
CREATE OR REPLACE FUNCTION directory_service_document(name text, body text, organization uuid)
RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector('english', coalesce(name, '')), 'A')
      || setweight(to_tsvector('english', coalesce(body, '')), 'B')
      || setweight(to_tsvector('english', coalesce(
           (SELECT o.name FROM directory_organization o WHERE o.id = organization), '')), 'C')
$$
"""
# No column list on the triggers ("UPDATE OF name"): PostgreSQL would then refuse a later
# migration that alters one of those columns. The functions compare old and new instead.
PG_SERVICE_TRIGGER = """
CREATE OR REPLACE FUNCTION directory_service_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.name IS NOT DISTINCT FROM OLD.name
     AND NEW.description_text IS NOT DISTINCT FROM OLD.description_text
     AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id THEN
    RETURN NEW;
  END IF;
  NEW.search_vector := directory_service_document(
    NEW.name, NEW.description_text, NEW.organization_id);
  RETURN NEW;
END $$
"""
PG_ORGANIZATION_TRIGGER = """
CREATE OR REPLACE FUNCTION directory_organization_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name IS DISTINCT FROM OLD.name THEN
    UPDATE directory_service
       SET search_vector = directory_service_document(name, description_text, organization_id)
     WHERE organization_id = NEW.id;
  END IF;
  RETURN NULL;
END $$
"""
PG_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE directory_service ADD COLUMN IF NOT EXISTS search_vector tsvector",
    PG_DOCUMENT,
    PG_SERVICE_TRIGGER,
    PG_ORGANIZATION_TRIGGER,
    "DROP TRIGGER IF EXISTS directory_service_search_vector ON directory_service",
    "CREATE TRIGGER directory_service_search_vector BEFORE INSERT OR UPDATE "
    "ON directory_service FOR EACH ROW EXECUTE FUNCTION directory_service_search_vector()",
    "DROP TRIGGER IF EXISTS directory_organization_search_vector ON directory_organization",
    "CREATE TRIGGER directory_organization_search_vector AFTER UPDATE ON directory_organization "
    "FOR EACH ROW EXECUTE FUNCTION directory_organization_search_vector()",
]
PG_REBUILD = [
    "UPDATE directory_service "
    "SET search_vector = directory_service_document(name, description_text, organization_id)",
]
PG_INDEXES = [
    "CREATE INDEX IF NOT EXISTS dir_service_search_gin ON directory_service "
    "USING gin (search_vector)",
    # The search page lists only these statuses: with the condition in the index, counting
    # its matches need not read each row's status.
    "CREATE INDEX IF NOT EXISTS dir_service_listed_search_gin ON directory_service "
    "USING gin (search_vector) WHERE status IN ('active', 'temporarily closed')",
    "CREATE INDEX IF NOT EXISTS dir_service_description_text_trgm ON directory_service "
    "USING gin ((UPPER(description_text::text)) gin_trgm_ops)",
    # Search no longer reads the HTML, so migration 0003's trigram index on it goes.
    "DROP INDEX IF EXISTS dir_service_description_trgm",
]
PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS directory_organization_search_vector ON directory_organization",
    "DROP TRIGGER IF EXISTS directory_service_search_vector ON directory_service",
    "DROP FUNCTION IF EXISTS directory_organization_search_vector()",
    "DROP FUNCTION IF EXISTS directory_service_search_vector()",
    "DROP INDEX IF EXISTS dir_service_search_gin",
    "DROP INDEX IF EXISTS dir_service_listed_search_gin",
    "DROP INDEX IF EXISTS dir_service_description_text_trgm",
    "ALTER TABLE directory_service DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS directory_service_document(text, text, uuid)",
    "CREATE INDEX IF NOT EXISTS dir_service_description_trgm ON directory_service "
    "USING gin ((UPPER(description::text)) gin_trgm_ops)",
]

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5("
    "name, description, organisation, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TABLE IF NOT EXISTS directory_service_fts_doc ("
    "docid INTEGER PRIMARY KEY, service_id TEXT NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts_vocab "
    "USING fts5vocab(directory_service_fts, 'row')",
]
SQLITE_TRIGGERS = {
    "directory_service_fts_insert": """
CREATE TRIGGER IF NOT EXISTS directory_service_fts_insert AFTER INSERT ON directory_service
BEGIN
  INSERT INTO directory_service_fts_doc (service_id) VALUES (NEW.id);
  INSERT INTO directory_service_fts (rowid, name, description, organisation)
  VALUES ((SELECT docid FROM directory_service_fts_doc WHERE service_id = NEW.id),
          NEW.name, NEW.description_text,
          coalesce((SELECT name FROM directory_organization WHERE id = NEW.organization_id), ''));
END""",
    "directory_service_fts_update": """
CREATE TRIGGER IF NOT EXISTS directory_service_fts_update AFTER UPDATE ON directory_service
WHEN OLD.name IS NOT NEW.name OR OLD.description_text IS NOT NEW.description_text
  OR OLD.organization_id IS NOT NEW.organization_id OR OLD.id IS NOT NEW.id
BEGIN
  DELETE FROM directory_service_fts
   WHERE rowid = (SELECT docid FROM directory_service_fts_doc WHERE service_id = OLD.id);
  DELETE FROM directory_service_fts_doc WHERE service_id = OLD.id;
  INSERT INTO directory_service_fts_doc (service_id) VALUES (NEW.id);
  INSERT INTO directory_service_fts (rowid, name, description, organisation)
  VALUES ((SELECT docid FROM directory_service_fts_doc WHERE service_id = NEW.id),
          NEW.name, NEW.description_text,
          coalesce((SELECT name FROM directory_organization WHERE id = NEW.organization_id), ''));
END""",
    "directory_service_fts_delete": """
CREATE TRIGGER IF NOT EXISTS directory_service_fts_delete AFTER DELETE ON directory_service
BEGIN
  DELETE FROM directory_service_fts
   WHERE rowid = (SELECT docid FROM directory_service_fts_doc WHERE service_id = OLD.id);
  DELETE FROM directory_service_fts_doc WHERE service_id = OLD.id;
END""",
    "directory_organization_fts_rename": """
CREATE TRIGGER IF NOT EXISTS directory_organization_fts_rename
AFTER UPDATE ON directory_organization WHEN OLD.name IS NOT NEW.name
BEGIN
  UPDATE directory_service_fts SET organisation = NEW.name
   WHERE rowid IN (SELECT d.docid FROM directory_service_fts_doc d
                   JOIN directory_service s ON s.id = d.service_id
                   WHERE s.organization_id = NEW.id);
END""",
}
SQLITE_REBUILD = [
    "DELETE FROM directory_service_fts",
    "DELETE FROM directory_service_fts_doc",
    "INSERT INTO directory_service_fts_doc (service_id) SELECT id FROM directory_service",
    "INSERT INTO directory_service_fts (rowid, name, description, organisation) "
    "SELECT d.docid, s.name, s.description_text, coalesce(o.name, '') "
    "FROM directory_service s JOIN directory_service_fts_doc d ON d.service_id = s.id "
    "LEFT JOIN directory_organization o ON o.id = s.organization_id",
]
SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS directory_service_fts_vocab",
    "DROP TABLE IF EXISTS directory_service_fts",
    "DROP TABLE IF EXISTS directory_service_fts_doc",
]


MIGRATION = "0011_service_full_text_search"


def _run(cursor: Any, statements: list[str]) -> None:
    for sql in statements:
        cursor.execute(sql)


def install(connection: Any) -> None:
    """Create the index and its triggers, and index every service (the migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _run(cursor, PG_INSTALL + PG_REBUILD + PG_INDEXES)
        elif connection.vendor == "sqlite":
            _run(cursor, SQLITE_TABLES + list(SQLITE_TRIGGERS.values()) + SQLITE_REBUILD)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _run(cursor, PG_UNINSTALL)
        elif connection.vendor == "sqlite":
            _run(cursor, SQLITE_UNINSTALL)


def ensure(connection: Any) -> bool:
    """Put back any missing part once the directory tables exist; True if it had to.

    Run after every `migrate`: SQLite loses a table's triggers when Django rebuilds it.
    """
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    if ("directory", MIGRATION) not in applied:
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            wanted = {"directory_service_fts", "directory_service_fts_doc", *SQLITE_TRIGGERS}
            if wanted <= present:
                return False
            _run(cursor, SQLITE_TABLES + list(SQLITE_TRIGGERS.values()) + SQLITE_REBUILD)
            return True
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'directory_service' AND column_name = 'search_vector'"
            )
            has_column = cursor.fetchone()[0] > 0
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('directory_service_search_vector', 'directory_organization_search_vector')"
            )
            if has_column and cursor.fetchone()[0] == 2:
                return False
            _run(cursor, PG_INSTALL + PG_REBUILD + PG_INDEXES)
            return True
    return False
