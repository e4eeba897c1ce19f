"""On PostgreSQL every reused connection is checked before a request uses it
(`CONN_HEALTH_CHECKS`), so the first request after a database restart connects afresh and
succeeds instead of failing on a dead connection (issue 16, item 11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PRINT_DATABASE = (
    "import json; from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({k: db[k] for k in ('ENGINE', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}))"
)


def database_settings(database_url: str) -> dict[str, object]:
    """The default database's settings as Linkwork loads them for `database_url`, in a fresh
    process (settings are read once, at start-up)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "linkwork.settings",
        "SECRET_KEY": "settings-test-only",
    }
    env.pop("DATABASE_CONN_MAX_AGE", None)
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PRINT_DATABASE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_postgresql_connections_are_kept_and_health_checked():
    loaded = database_settings("postgres://linkwork@db.example:5432/linkwork")
    assert loaded == {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
