"""Full-text search of services: a weighted `tsvector` column with a GIN index on PostgreSQL,
an FTS5 table with the Porter tokenizer on SQLite, both kept by triggers (see
`linkwork/directory/search_index.py`). Each part runs only on its own database. The model
state is unchanged, so `makemigrations --check` stays quiet."""

from django.db import migrations

from linkwork.directory import search_index


def install(apps, schema_editor):
    search_index.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_postcode_local_authority"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
