"""Set up and serve the demo: migrate, build static files, load demo data once, print the
demo logins, run the task worker and serve on http://127.0.0.1:8000.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from linkwork.web.management.commands.seed_demo import demo_loaded, demo_logins, format_logins


class Command(BaseCommand):
    help = "Prepare and serve the Linkwork demo (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--no-serve", action="store_true", help="Prepare, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Migrating the database...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo_loaded():
            self.stdout.write(format_logins(demo_logins()))
        else:
            call_command("seed_demo", people=options["people"], stdout=self.stdout)
        if options["no_serve"]:
            return
        # Notifications and reminders run in the database-backed task worker.
        worker = subprocess.Popen([sys.executable, "-m", "linkwork", "worker"])
        try:
            self.stdout.write(f"\nOpen http://{options['host']}:{options['port']}/ and log in.")
            call_command("serve", host=options["host"], port=options["port"])
        finally:
            worker.terminate()
            worker.wait(timeout=10)
