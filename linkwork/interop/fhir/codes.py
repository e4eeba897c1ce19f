"""Code systems, value sets and identifiers the FHIR API uses, in one place.

`TASK_STATUSES` is the SDOH Clinical Care IG's Task status value set: FHIR's `ready` and
`received` are not in it, and Linkwork neither sends nor takes them. Who may set which status
follows the IG: the requester drafts, requests, cancels or withdraws in error; the owner (the
provider) answers and reports progress.
"""

from __future__ import annotations

from typing import Final

# Linkwork's own code systems. A fixed address, not the deployment's: codes mean the same
# whichever Linkwork sent them.
CANONICAL: Final = "https://linkwork.org.uk/fhir"
NEED_SYSTEM: Final = f"{CANONICAL}/CodeSystem/need"
ROUTE_SYSTEM: Final = f"{CANONICAL}/CodeSystem/referral-route"
CONSENT_SYSTEM: Final = f"{CANONICAL}/CodeSystem/consent"
SCHEME_SYSTEM: Final = f"{CANONICAL}/Id/scheme"
SERVICE_SYSTEM: Final = f"{CANONICAL}/Id/service"
REFERENCE_SYSTEM: Final = f"{CANONICAL}/Id/referral-reference"
OUTCOME_SYSTEM: Final = f"{CANONICAL}/CodeSystem/connection-outcome"
QUESTIONNAIRE: Final = f"{CANONICAL}/Questionnaire/referral"

NHS_NUMBER_SYSTEM: Final = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM: Final = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED: Final = "http://snomed.info/sct"
TASK_CODE_SYSTEM: Final = "http://hl7.org/fhir/CodeSystem/task-code"
CONSENT_SCOPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY_SYSTEM: Final = "http://loinc.org"

# SNOMED CT UK: the national social prescribing codes.
REFERRAL_TO_SOCIAL_PRESCRIBING: Final = (
    "871731000000106",
    "Referral to social prescribing service",
)

FULFILL: Final = "fulfill"
ORDER: Final = "order"

REQUESTER_STATUSES: Final = frozenset({"draft", "requested", "cancelled", "entered-in-error"})
OWNER_STATUSES: Final = frozenset(
    {"accepted", "rejected", "in-progress", "on-hold", "failed", "completed"}
)
TASK_STATUSES: Final = REQUESTER_STATUSES | OWNER_STATUSES
# A Task set to one of these must say why, in `statusReason.text`.
REASON_REQUIRED: Final = frozenset({"rejected", "cancelled", "on-hold", "failed"})

SERVICE_REQUEST_STATUSES: Final = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
)
PRIORITIES: Final = {"routine": "routine", "urgent": "urgent", "asap": "urgent", "stat": "urgent"}
