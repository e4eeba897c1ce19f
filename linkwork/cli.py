"""The `linkwork` command: every Django management command, plus scoring without a database.

Hyphenated names map to the management commands they name: `linkwork seed-demo` runs
`seed_demo`, `linkwork import-oruk` runs `import_oruk`.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

# Commands that need no database, run directly for speed and independence.
STANDALONE = {"score": "linkwork.outcomes.cli", "match": "linkwork.matching.cli"}


def _demo_environment() -> None:
    """The demo runs on plain HTTP on this machine, shows demo codes, and keeps a stable key."""
    os.environ.setdefault("LINKWORK_DEMO", "true")
    os.environ.setdefault("LINKWORK_HTTPS", "false")
    # The demo's people are made up, so it may show every instrument that needs a licence.
    os.environ.setdefault("LINKWORK_LICENSED_INSTRUMENTS", "eq5d5l,swemwbs,wemwbs,pam,mycaw")
    if not os.environ.get("SECRET_KEY"):
        data_dir = Path(os.environ.get("LINKWORK_DATA_DIR", Path.cwd() / "var"))
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file = data_dir / "demo-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["SECRET_KEY"] = key_file.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in STANDALONE:
        from importlib import import_module

        result: int = import_module(STANDALONE[args[0]]).main(args[1:])
        return result
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args and args[0] == "demo":
        _demo_environment()
    if args and args[0] == "bench":
        # Benchmarks drive pages through Django's test client on this machine: plain HTTP,
        # static files read from the source tree without running collectstatic first.
        os.environ.setdefault("LINKWORK_HTTPS", "false")
        os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    from django.core.management import execute_from_command_line

    from linkwork.core.env import ConfigurationError

    try:
        execute_from_command_line(["linkwork", *args])
    except ConfigurationError as error:
        # A setting to fix is one line for a person, not a traceback.
        print(f"linkwork: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
