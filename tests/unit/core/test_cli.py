"""The `linkwork` command speaks to people: a setting to fix is one line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "linkwork", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_command_help_without_secret_key_says_what_to_set():
    result = _run("migrate", "--help")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("linkwork: The environment variable SECRET_KEY is required")
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_defaults_https_off_and_production_defaults_it_on():
    show = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)"
    base = {"SECRET_KEY": "k" * 50, "DJANGO_SETTINGS_MODULE": "linkwork.settings"}
    environ = {k: v for k, v in os.environ.items() if k not in {"LINKWORK_HTTPS", "DEBUG"}}

    def redirect(**env: str) -> str:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-c", f"import django; django.setup(); {show}"],
            env={**environ, **base, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.strip()

    assert redirect(DEBUG="true") == "False"
    assert redirect() == "True"
    assert redirect(DEBUG="true", LINKWORK_HTTPS="true") == "True"
