"""Serve Linkwork with gunicorn, a production WSGI server (static files via WhiteNoise)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.util import import_app  # type: ignore[import-untyped]


class LinkworkServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Named as gunicorn's "module:callable", so core imports nothing of the project above it.
        return import_app("linkwork.wsgi:application")


class Command(BaseCommand):
    help = "Serve Linkwork over HTTP with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"Serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)"
        )
        LinkworkServer(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 60,
            }
        ).run()
