"""Model validation that asks the database about every check constraint of a record at once.

Django's `Model.validate_constraints` checks each `CheckConstraint` with a query of its own
(`Q.check`: a savepoint, `SELECT 1 WHERE <condition>`, and its release). A referral sent
through the API validates a person, a referral and a message, some twelve check constraints
and so 36 statements before anything is written. `validate_constraints` below gives the same
errors, in the same order, from one `SELECT` of every condition of the record per model
class, without a savepoint; other constraints (unique ones) are validated by Django as before.
Models opt in by mixing in `ChecksInOneQuery`.

Django asks inside a savepoint so that a condition the database cannot evaluate is logged
and passed over, leaving the INSERT to fail. The INSERT evaluates the same conditions on the
same values, so it would fail anyway: here the error is raised at once, where it happens,
and the savepoint's two statements are saved on every record written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import connections, models, router
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def _failing_checks(
    instance: Any, model_class: Any, checks: list[CheckConstraint], exclude: Any, using: str
) -> set[str]:
    """The names of `checks` whose condition is false for `instance`, as `Q.check` decides:
    a NULL condition passes and a condition naming an excluded field is not checked. A
    database error is raised (see the module's docstring)."""
    query = Query(None)
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked: list[str] = []
    for constraint in checks:
        alias = f"_check_{len(asked)}"
        try:
            query.add_annotation(
                Coalesce(Q(constraint.condition), True, output_field=BooleanField()), alias
            )
        except FieldError:
            continue  # names a field left out of validation, as `CheckConstraint.validate` skips
        asked.append(constraint.name)
    if not asked:
        return set()
    row = query.get_compiler(using=using).execute_sql(SINGLE)
    return {name for name, passed in zip(asked, row or (), strict=False) if not passed}


def validate_constraints(instance: Any, exclude: Any = None) -> None:
    """`Model.validate_constraints(exclude)` with every check constraint of each model class
    asked in one query: the same `ValidationError`, the same messages and codes in the same
    order."""
    using = router.db_for_write(type(instance), instance=instance)
    if not connections[using].features.supports_comparing_boolean_expr:
        models.Model.validate_constraints(instance, exclude=exclude)
        return
    errors: dict[str, Any] = {}
    for model_class, model_constraints in instance.get_constraints():
        checks = [c for c in model_constraints if type(c) is CheckConstraint]
        failing = _failing_checks(instance, model_class, checks, exclude, using) if checks else ()
        for constraint in model_constraints:
            try:
                if type(constraint) is CheckConstraint:
                    if constraint.name in failing:
                        raise ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                else:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class ChecksInOneQuery:
    """Mixed into a model (before `models.Model`): `full_clean` asks the database less. Its
    check constraints are validated in one query (see `validate_constraints`), and a new
    record's random UUID key is not looked up to prove it unique (a version 4 UUID repeats
    with odds of one in 2^122; the primary key's own index would refuse it anyway)."""

    def validate_constraints(self, exclude: Any = None) -> None:
        validate_constraints(self, exclude)

    def validate_unique(self, exclude: Any = None) -> None:
        record: Any = self
        key = record._meta.pk
        if record._state.adding and key.default is uuid.uuid4:
            exclude = {*(exclude or ()), key.name}
        models.Model.validate_unique(record, exclude=exclude)
