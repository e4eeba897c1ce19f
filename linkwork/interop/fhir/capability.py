"""The CapabilityStatement at `/fhir/metadata`: exactly what this server supports, no more."""

from __future__ import annotations

from linkwork.interop.fhir import codes, tasks
from linkwork.interop.fhir.emit import check
from linkwork.interop.fhir.outcome import JSON, MEDIA_TYPE

SDOH_IG = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/ImplementationGuide/hl7.fhir.us.sdoh-clinicalcare"
)

SEARCH_PARAMS = [
    ("owner", "reference", "Organization/<id>: Tasks owned by this organisation."),
    (
        "status",
        "token",
        f"One or more of {', '.join(sorted(codes.TASK_STATUSES))}, comma separated.",
    ),
    ("_lastUpdated", "date", "With gt, ge, lt or le, such as gt2026-12-01T09:00:00Z."),
    (
        "_count",
        "number",
        f"Tasks per page, 1 to {tasks.MAX_COUNT} ({tasks.DEFAULT_COUNT} by default).",
    ),
    ("_offset", "number", "Where the page starts; follow the Bundle's next link."),
]


def capability_statement(base: str, date: str) -> JSON:
    return check(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": date,
            "kind": "instance",
            "software": {"name": "Linkwork"},
            "implementation": {"description": "Linkwork FHIR API", "url": base},
            "fhirVersion": "4.3.0",
            "format": [MEDIA_TYPE],
            "implementationGuide": [SDOH_IG],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Closed-loop referrals: a transaction Bundle makes a "
                    "referral; providers poll and update the Tasks of connections to them; a "
                    "referrer withdraws its referral by setting its Task to cancelled (with "
                    "statusReason.text) or entered-in-error.",
                    "security": {
                        "description": "Authorization: Bearer <organisation API token with the "
                        "fhir scope>. 401 without a valid token."
                    },
                    "resource": [
                        {
                            "type": "Task",
                            "interaction": [
                                {"code": "read"},
                                {"code": "update"},
                                {"code": "patch"},
                                {"code": "search-type"},
                            ],
                            "versioning": "versioned-update",
                            "readHistory": False,
                            "updateCreate": False,
                            "conditionalCreate": False,
                            "conditionalUpdate": False,
                            "conditionalDelete": "not-supported",
                            "searchInclude": ["Task:focus"],
                            "searchParam": [
                                {"name": name, "type": kind, "documentation": documentation}
                                for name, kind, documentation in SEARCH_PARAMS
                            ],
                        },
                        {
                            "type": "ServiceRequest",
                            "interaction": [{"code": "read"}],
                            "versioning": "versioned",
                        },
                    ],
                    "interaction": [
                        {
                            "code": "transaction",
                            "documentation": "A Bundle of Patient, ServiceRequest, Task and "
                            "Consent, with an optional QuestionnaireResponse: one referral. "
                            "Sent again with the same Bundle.identifier (system and value) or "
                            "the same Idempotency-Key header, it makes no second referral: the "
                            "same Bundle answers as the first time did (200, header "
                            "Idempotent-Replayed: true); a different Bundle with that "
                            "identifier is refused (409), and a different request with that key "
                            "(422).",
                        }
                    ],
                }
            ],
        }
    )
