"""See and switch the weight sets matching ranks with.

    linkwork matching-weights list
    linkwork matching-weights show VERSION
    linkwork matching-weights activate VERSION
    linkwork matching-weights deactivate

At most one set is active (a database constraint); with none active the default weights
written in `weights.py` are used. Switching prints what changed and writes an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from linkwork.audit import auditor
from linkwork.matching.learning import report_lines
from linkwork.matching.models import WeightSet
from linkwork.matching.weights import DEFAULT_VERSION, DEFAULT_WEIGHTS, Weights


def _weights_of(weight_set: WeightSet | None) -> Weights:
    if weight_set is None:
        return DEFAULT_WEIGHTS
    try:
        return Weights.from_json(weight_set.weights)
    except (TypeError, ValueError) as error:
        raise CommandError(
            f"The weight set {weight_set.version!r} has weights that cannot be read: {error}"
        ) from None


def changes(before: Weights, after: Weights) -> list[str]:
    """Each weight that differs, as `name: old -> new`; the version is left out."""
    found = []
    for item in fields(Weights):
        if item.name in {"version", "category_adjustments"}:
            continue
        old, new = getattr(before, item.name), getattr(after, item.name)
        if old != new:
            found.append(f"{item.name}: {old:g} -> {new:g}")
    old_adjustments: Mapping[str, float] = before.category_adjustments
    new_adjustments: Mapping[str, float] = after.category_adjustments
    for category in sorted(set(old_adjustments) | set(new_adjustments)):
        old, new = old_adjustments.get(category, 0.0), new_adjustments.get(category, 0.0)
        if old != new:
            found.append(f"category {category}: {old:+.3f} -> {new:+.3f}")
    return found


def _find(version: str) -> WeightSet:
    if version == DEFAULT_VERSION:
        raise CommandError(
            f"{DEFAULT_VERSION!r} is the built-in default, used when no set is active: "
            "run `linkwork matching-weights deactivate` to go back to it."
        )
    found = WeightSet.objects.select_for_update().filter(version=version).first()
    if found is None:
        raise CommandError(
            f"No weight set is called {version!r}. See `linkwork matching-weights list`."
        )
    return found


class Command(BaseCommand):
    help = "List, show, activate or deactivate the weight sets matching ranks with."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("list", help="Every weight set, newest first.")
        show = actions.add_parser("show", help="A weight set's weights and evaluation.")
        show.add_argument("version")
        activate = actions.add_parser("activate", help="Rank with this weight set.")
        activate.add_argument("version")
        actions.add_parser("deactivate", help="Go back to the default weights.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "show":
            self._show(options["version"])
        elif action == "activate":
            self._activate(options["version"])
        else:
            self._deactivate()

    def _list(self) -> None:
        active = None
        for weight_set in WeightSet.objects.order_by("-created_at", "-id"):
            marker = "*" if weight_set.active else " "
            active = active or (weight_set.version if weight_set.active else None)
            verdict = weight_set.evaluation.get("verdict", "") if weight_set.evaluation else ""
            self.stdout.write(
                f"{marker} {weight_set.version:<40} "
                f"{timezone.localtime(weight_set.created_at):%Y-%m-%d %H:%M}  "
                f"{verdict or '-'}"
            )
        self.stdout.write(f"In use: {active or DEFAULT_VERSION + ' (the default)'}")

    def _show(self, version: str) -> None:
        if version == DEFAULT_VERSION:
            weights, weight_set = DEFAULT_WEIGHTS, None
            self.stdout.write(f"{DEFAULT_VERSION}: the built-in default weights")
        else:
            weight_set = WeightSet.objects.filter(version=version).first()
            if weight_set is None:
                raise CommandError(
                    f"No weight set is called {version!r}. See `linkwork matching-weights list`."
                )
            weights = _weights_of(weight_set)
            state = "active" if weight_set.active else "not active"
            self.stdout.write(
                f"{weight_set.version} ({state}), made "
                f"{timezone.localtime(weight_set.created_at):%Y-%m-%d %H:%M}"
            )
            if weight_set.note:
                self.stdout.write(weight_set.note)
        self.stdout.write("Weights:")
        for item in fields(Weights):
            if item.name not in {"version", "category_adjustments"}:
                self.stdout.write(f"  {item.name}: {getattr(weights, item.name):g}")
        if weights.category_adjustments:
            self.stdout.write("Category adjustments:")
            for category, value in sorted(weights.category_adjustments.items()):
                self.stdout.write(f"  {category}: {value:+.3f}")
        else:
            self.stdout.write("Category adjustments: none")
        if weight_set is not None and weight_set.evaluation:
            self.stdout.write("Evaluation:")
            for line in report_lines(weight_set.evaluation):
                self.stdout.write(f"  {line}")

    def _activate(self, version: str) -> None:
        with transaction.atomic():
            chosen = _find(version)
            after = _weights_of(chosen)
            previous = list(WeightSet.objects.select_for_update().filter(active=True))
            if chosen.active:
                self.stdout.write(f"{version} is already active; nothing changed.")
                return
            before = _weights_of(previous[0] if previous else None)
            # One statement switches the others off before this one is switched on, so the
            # one-active constraint holds at every step.
            WeightSet.objects.filter(active=True).update(active=False)
            chosen.active = True
            chosen.activated_at = timezone.now()
            chosen.save(update_fields=["active", "activated_at"])
            changed = changes(before, after)
            auditor.record(
                action="matching.weights_activated",
                target=chosen,
                detail={
                    "version": chosen.version,
                    "previous": before.version,
                    "changed": [line.split(":")[0] for line in changed],
                },
            )
        self._changed(f"Activated {version}, replacing {before.version}.", changed)

    def _deactivate(self) -> None:
        with transaction.atomic():
            previous = list(WeightSet.objects.select_for_update().filter(active=True))
            if not previous:
                self.stdout.write(
                    f"No weight set is active; the default weights {DEFAULT_VERSION} are in use."
                )
                return
            before = _weights_of(previous[0])
            WeightSet.objects.filter(active=True).update(active=False)
            changed = changes(before, DEFAULT_WEIGHTS)
            for weight_set in previous:
                auditor.record(
                    action="matching.weights_deactivated",
                    target=weight_set,
                    detail={
                        "version": weight_set.version,
                        "now": DEFAULT_VERSION,
                        "changed": [line.split(":")[0] for line in changed],
                    },
                )
        self._changed(
            f"Deactivated {before.version}; the default weights {DEFAULT_VERSION} are in use.",
            changed,
        )

    def _changed(self, headline: str, changed: list[str]) -> None:
        self.stdout.write(headline)
        if changed:
            self.stdout.write("Changed:")
            for line in changed:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("No weight changed apart from the version.")
