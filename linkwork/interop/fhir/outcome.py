"""Errors of the FHIR API: each is an OperationOutcome with the HTTP status, an issue `code`
from FHIR's issue-type value set, what to do (`diagnostics`) and, for an element of the
request, its path (`expression`, FHIRPath such as `Bundle.entry[0].resource.birthDate`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.http import HttpResponse

MEDIA_TYPE: Final = "application/fhir+json"
JSON = dict[str, Any]


@dataclass(frozen=True)
class Issue:
    code: str  # FHIR issue type: invalid, required, value, not-found, forbidden, conflict...
    diagnostics: str
    expression: str = ""
    severity: str = "error"

    def as_json(self) -> JSON:
        issue: JSON = {"severity": self.severity, "code": self.code}
        issue["diagnostics"] = self.diagnostics
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


class FhirError(Exception):
    """An answer other than success, as an OperationOutcome of one or more issues."""

    def __init__(self, status: int, issues: Sequence[Issue] | Issue) -> None:
        self.status = status
        self.issues = [issues] if isinstance(issues, Issue) else list(issues)
        super().__init__("; ".join(issue.diagnostics for issue in self.issues))

    @classmethod
    def of(cls, status: int, code: str, diagnostics: str, expression: str = "") -> FhirError:
        return cls(status, Issue(code, diagnostics, expression))


def operation_outcome(issues: Iterable[Issue]) -> JSON:
    return {"resourceType": "OperationOutcome", "issue": [issue.as_json() for issue in issues]}


def fhir_response(body: JSON, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error_response(error: FhirError) -> HttpResponse:
    return fhir_response(operation_outcome(error.issues), error.status)


def fhirpath(root: str, location: Sequence[Any]) -> str:
    """pydantic's `("entry", 0, "resource", "birthDate")` under `Bundle` as
    `Bundle.entry[0].resource.birthDate`."""
    path = root
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def from_pydantic(root: str, errors: Iterable[Any]) -> list[Issue]:
    """Issues for pydantic's validation errors of a resource named `root`."""
    issues = []
    for error in errors:
        kind = error.get("type", "")
        code = (
            "required"
            if kind == "missing"
            else "structure"
            if kind.startswith("extra")
            else "value"
        )
        message = {
            "missing": "This element is required.",
            "extra_forbidden": "This element is not part of the resource: check its name.",
        }.get(kind, str(error.get("msg", "This value is not valid.")))
        issues.append(Issue(code, message, fhirpath(root, error.get("loc", ()))))
    return issues
