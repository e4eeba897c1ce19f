"""Production settings pass `manage.py check --deploy` with no warnings."""

from __future__ import annotations

import os
import subprocess
import sys


def test_check_deploy_has_no_warnings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "LINKWORK_HTTPS",
            "LINKWORK_DEMO",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "SECRET_KEY": "x7Kq2vP9mZ4rT8wY1nB6cD3fG5hJ0kL2sA9qW4eR7tY1uI3oP6aS8dF0gH2jK4lZ",
            "ALLOWED_HOSTS": "linkwork.example.org",
            "LINKWORK_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "linkwork.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "linkwork", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_fails_with_hint(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["LINKWORK_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "linkwork", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr
