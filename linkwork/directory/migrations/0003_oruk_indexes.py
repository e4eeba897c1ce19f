"""Trigram indexes for free-text search of services (the ORUK API's `search`), PostgreSQL only.

On PostgreSQL `icontains` compiles to `UPPER(column::text) LIKE UPPER('%word%')`; a GIN trigram
index on that same expression answers it without reading every service. SQLite has no such
index and scans, which is quick at the sizes SQLite is meant for. The model state is unchanged,
so `makemigrations --check` stays quiet. pg_trgm is a trusted extension (PostgreSQL 13 and
later): the database owner may create it.
"""

from django.db import migrations

INDEXES = [
    ("dir_service_name_trgm", "directory_service", "name"),
    ("dir_service_description_trgm", "directory_service", "description"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_listing_confirmation"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
