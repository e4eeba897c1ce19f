"""An inbound referral: a transaction Bundle of Patient, ServiceRequest, Task and Consent (and
optionally a QuestionnaireResponse) becomes a Linkwork referral from the token's organisation.

The Bundle is read into the referrals API's request (`api.schemas.ReferralRequest`) and given
to the same action (`api.actions.receive_referral`), so both APIs check the same rules and
match identities the same way: a person who may already be known gets a record of their own
and a pending match for a link worker to check; nothing of the existing record is changed or
shown. Every problem is named by its element in the Bundle (`Bundle.entry[0].resource...`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from django.http import HttpRequest
from pydantic import ValidationError

from linkwork.api import actions
from linkwork.api.models import ApiToken
from linkwork.api.problems import InvalidRequest, field_path, message_for
from linkwork.api.schemas import ReferralRequest
from linkwork.audit import auditor
from linkwork.interop.fhir import codes, emit
from linkwork.interop.fhir.access import about
from linkwork.interop.fhir.outcome import JSON, FhirError, Issue, from_pydantic

KINDS: Final = ("Patient", "ServiceRequest", "Task", "Consent", "QuestionnaireResponse")
REQUIRED: Final = ("Patient", "ServiceRequest", "Task", "Consent")
GENDER: Final = {"male": "male", "female": "female", "other": "not_known", "unknown": "not_known"}
ETHNIC_CATEGORY: Final = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
)
# QuestionnaireResponse items Linkwork reads, by linkId.
ANSWERS: Final = {
    "what-matters": ("referral", "what_matters"),
    "reasonable-adjustments": ("person", "reasonable_adjustments"),
    "safeguarding-concerns": ("person", "safeguarding_concerns"),
}


@dataclass
class Reading:
    """The referral request being read, and where in the Bundle each field came from."""

    request: dict[str, Any] = field(
        default_factory=lambda: {"person": {}, "consents": {}, "referral": {}}
    )
    where: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def put(self, path: str, value: Any, expression: str) -> None:
        if value in (None, "", []):
            return
        part, name = path.split(".", 1)
        self.request[part][name] = value
        self.where[path] = expression

    def fail(self, code: str, message: str, expression: str) -> None:
        self.issues.append(Issue(code, message, expression))

    def expression(self, path: str) -> str:
        """The Bundle element a referrals API field came from (or its resource)."""
        while path:
            if path in self.where:
                return self.where[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return "Bundle"


def receive(request: HttpRequest, token: ApiToken, body: Any) -> JSON:
    """Make the referral; the transaction-response Bundle, with the Task's status."""
    entries = _entries(body)
    reading = Reading()
    at = {kind: index for index, kind in reversed(entries)}
    for kind in REQUIRED:
        if kind not in at:
            reading.fail("required", f"The Bundle needs a {kind}.", "Bundle.entry")
    if reading.issues:
        raise FhirError(422, reading.issues)
    resources = {kind: body["entry"][index]["resource"] for kind, index in at.items()}
    path = {kind: f"Bundle.entry[{index}]" for kind, index in at.items()}
    full_urls = {kind: body["entry"][index].get("fullUrl", "") for kind, index in at.items()}
    _patient(reading, resources["Patient"], f"{path['Patient']}.resource")
    _service_request(
        reading, resources["ServiceRequest"], f"{path['ServiceRequest']}.resource", full_urls
    )
    _task(reading, resources["Task"], f"{path['Task']}.resource", full_urls)
    _consent(reading, resources["Consent"], f"{path['Consent']}.resource")
    if "QuestionnaireResponse" in resources:
        _answers(
            reading, resources["QuestionnaireResponse"], f"{path['QuestionnaireResponse']}.resource"
        )
    if reading.issues:
        raise FhirError(422, reading.issues)
    referral = _make(reading, token)
    auditor.record(
        action="fhir.referral_received",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
        detail=about(token),
    )
    return _response(body, entries, referral)


def _entries(body: Any) -> list[tuple[int, str]]:
    """(index, resourceType) of each entry, once the Bundle is a valid transaction."""
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise FhirError.of(
            400, "invalid", "Send a Bundle of type transaction.", "Bundle.resourceType"
        )
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(body)
    except ValidationError as error:
        raise FhirError(400, from_pydantic("Bundle", error.errors())) from None
    if body.get("type") != "transaction":
        raise FhirError.of(422, "value", "The Bundle's type must be transaction.", "Bundle.type")
    found: list[tuple[int, str]] = []
    issues = []
    seen: set[str] = set()
    for index, entry in enumerate(body.get("entry") or []):
        kind = (entry.get("resource") or {}).get("resourceType", "")
        where = f"Bundle.entry[{index}]"
        if kind not in KINDS:
            issues.append(
                Issue(
                    "not-supported",
                    f"A referral Bundle holds {', '.join(KINDS)}; not {kind or 'nothing'}.",
                    f"{where}.resource",
                )
            )
        elif kind in seen:
            issues.append(
                Issue("business-rule", f"A referral Bundle holds one {kind}.", f"{where}.resource")
            )
        elif (entry.get("request") or {}).get("method") != "POST":
            issues.append(
                Issue(
                    "value",
                    "Each entry of a referral is created: request.method POST.",
                    f"{where}.request.method",
                )
            )
        seen.add(kind)
        found.append((index, kind))
    if issues:
        raise FhirError(422, issues)
    return found


def _first(items: Any) -> dict[str, Any]:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def _codings(concept: Any) -> list[dict[str, Any]]:
    return [coding for coding in (concept or {}).get("coding") or [] if isinstance(coding, dict)]


def _code_in(concept: Any, system: str) -> str:
    return next(
        (str(c.get("code", "")) for c in _codings(concept) if c.get("system") == system), ""
    )


def _patient(reading: Reading, patient: JSON, at: str) -> None:
    names = patient.get("name") or []
    index = next((i for i, name in enumerate(names) if name.get("use") == "official"), 0)
    name = names[index] if names else {}
    reading.put(
        "person.given_name",
        _first([{"v": g} for g in name.get("given") or []]).get("v"),
        f"{at}.name[{index}].given[0]",
    )
    reading.put("person.family_name", name.get("family"), f"{at}.name[{index}].family")
    reading.where.setdefault("person.given_name", f"{at}.name")
    reading.where.setdefault("person.family_name", f"{at}.name")
    reading.put("person.date_of_birth", patient.get("birthDate"), f"{at}.birthDate")
    reading.where.setdefault("person.date_of_birth", f"{at}.birthDate")
    for i, identifier in enumerate(patient.get("identifier") or []):
        if identifier.get("system") == codes.NHS_NUMBER_SYSTEM:
            reading.put("person.nhs_number", identifier.get("value"), f"{at}.identifier[{i}].value")
    gender = patient.get("gender")
    if gender in GENDER:
        reading.put("person.sex", GENDER[gender], f"{at}.gender")
    elif gender:
        reading.fail("code-invalid", f"gender is one of {', '.join(GENDER)}.", f"{at}.gender")
    for i, extension in enumerate(patient.get("extension") or []):
        if extension.get("url") == ETHNIC_CATEGORY:
            letter = _first(_codings(extension.get("valueCodeableConcept"))).get("code")
            reading.put("person.ethnicity", letter, f"{at}.extension[{i}]")
    ranked = sorted(
        enumerate(patient.get("telecom") or []), key=lambda item: item[1].get("rank", 10**6)
    )
    preferred = ""
    for i, telecom in ranked:
        system = telecom.get("system")
        if (
            system in ("phone", "sms", "email")
            and f"person.{'email' if system == 'email' else 'phone'}" not in reading.where
        ):
            target = "email" if system == "email" else "phone"
            reading.put(f"person.{target}", telecom.get("value"), f"{at}.telecom[{i}].value")
            preferred = preferred or {"phone": "phone", "sms": "text", "email": "email"}[system]
    address = _first(patient.get("address"))
    if address:
        lines = [*(address.get("line") or []), address.get("city", ""), address.get("district", "")]
        reading.put(
            "person.address", ", ".join(line for line in lines if line), f"{at}.address[0].line"
        )
        reading.put("person.postcode", address.get("postalCode"), f"{at}.address[0].postalCode")
        preferred = preferred or "letter"
    if preferred:
        reading.put("person.preferred_contact_method", preferred, f"{at}.telecom")
    language = _first(_codings(_first(patient.get("communication")).get("language"))).get(
        "code", ""
    )
    if language:
        reading.put(
            "person.preferred_language",
            language.split("-")[0].lower(),
            f"{at}.communication[0].language",
        )
    practice = _first(patient.get("generalPractitioner"))
    ods = practice.get("identifier") or {}
    if ods.get("system") == codes.ODS_SYSTEM:
        reading.put(
            "person.gp_practice_ods_code",
            ods.get("value"),
            f"{at}.generalPractitioner[0].identifier.value",
        )


def _references(reference: Any, full_url: str, kind: str) -> bool:
    value = (reference or {}).get("reference", "")
    return bool(value) and value in {full_url, f"{kind}/{full_url}"} if full_url else bool(value)


def _service_request(reading: Reading, request: JSON, at: str, full_urls: dict[str, str]) -> None:
    code, _ = codes.REFERRAL_TO_SOCIAL_PRESCRIBING
    if _code_in(request.get("code"), codes.SNOMED) != code:
        reading.fail(
            "code-invalid",
            f"A referral is SNOMED CT {code} (referral to social prescribing service).",
            f"{at}.code",
        )
    if request.get("intent") != codes.ORDER:
        reading.fail("value", "A referral's intent is order.", f"{at}.intent")
    if request.get("status") != "active":
        reading.fail("value", "A referral's status is active.", f"{at}.status")
    if not _references(request.get("subject"), full_urls["Patient"], "Patient"):
        reading.fail(
            "value", "subject must reference the Bundle's Patient by its fullUrl.", f"{at}.subject"
        )
    scheme = next(
        (
            (i, performer["identifier"].get("value"))
            for i, performer in enumerate(request.get("performer") or [])
            if (performer.get("identifier") or {}).get("system") == codes.SCHEME_SYSTEM
        ),
        None,
    )
    if scheme is None:
        reading.fail(
            "required",
            f"Name the scheme in performer.identifier (system {codes.SCHEME_SYSTEM}).",
            f"{at}.performer",
        )
    else:
        reading.put("referral.scheme", scheme[1], f"{at}.performer[{scheme[0]}].identifier.value")
    route = next(
        (
            i
            for i, concept in enumerate(request.get("category") or [])
            if _code_in(concept, codes.ROUTE_SYSTEM)
        ),
        None,
    )
    if route is None:
        reading.fail(
            "required",
            f"Give the referral route in category (system {codes.ROUTE_SYSTEM}).",
            f"{at}.category",
        )
    else:
        reading.put(
            "referral.route",
            _code_in(request["category"][route], codes.ROUTE_SYSTEM),
            f"{at}.category[{route}]",
        )
    coded = [
        (i, need)
        for i, concept in enumerate(request.get("reasonCode") or [])
        if (need := _code_in(concept, codes.NEED_SYSTEM))
    ]
    reading.put("referral.needs", [need for _, need in coded], f"{at}.reasonCode")
    reading.where.setdefault("referral.needs", f"{at}.reasonCode")
    for position, (i, _) in enumerate(coded):
        reading.where[f"referral.needs.{position}"] = f"{at}.reasonCode[{i}]"
    reading.put(
        "referral.reason",
        "\n\n".join(note.get("text", "") for note in request.get("note") or []),
        f"{at}.note",
    )
    priority = request.get("priority")
    if priority in codes.PRIORITIES:
        reading.put("referral.urgency", codes.PRIORITIES[priority], f"{at}.priority")
    elif priority:
        allowed = ", ".join(codes.PRIORITIES)
        reading.fail("code-invalid", f"priority is one of {allowed}.", f"{at}.priority")
    referrer = (request.get("requester") or {}).get("display", "")
    reading.put(
        "referral.referrer", {"name": referrer} if referrer else None, f"{at}.requester.display"
    )
    reading.where.setdefault("referral.referrer", f"{at}.requester.display")


def _task(reading: Reading, task: JSON, at: str, full_urls: dict[str, str]) -> None:
    if task.get("status") != "requested":
        reading.fail("value", "A new referral's Task is requested.", f"{at}.status")
    if task.get("intent") != codes.ORDER:
        reading.fail("value", "The Task's intent is order.", f"{at}.intent")
    if _code_in(task.get("code"), codes.TASK_CODE_SYSTEM) != codes.FULFILL:
        reading.fail("code-invalid", "The Task's code is fulfill.", f"{at}.code")
    if not _references(task.get("focus"), full_urls["ServiceRequest"], "ServiceRequest"):
        reading.fail(
            "value",
            "focus must reference the Bundle's ServiceRequest by its fullUrl.",
            f"{at}.focus",
        )


def _consent(reading: Reading, consent: JSON, at: str) -> None:
    provision = consent.get("provision") or {}
    agreed = consent.get("status") == "active" and provision.get("type") == "permit"
    reading.put("referral.consent_to_refer", agreed, f"{at}.provision.type")
    reading.where.setdefault("referral.consent_to_refer", f"{at}.provision.type")
    for i, part in enumerate(provision.get("provision") or []):
        kind = next((_code_in(code, codes.CONSENT_SYSTEM) for code in part.get("code") or []), "")
        if not kind:
            reading.fail(
                "required",
                f"Each nested provision has a code of {codes.CONSENT_SYSTEM}.",
                f"{at}.provision.provision[{i}].code",
            )
            continue
        reading.request["consents"][kind] = part.get("type") == "permit"
        reading.where[f"consents.{kind}"] = f"{at}.provision.provision[{i}]"


def _answers(reading: Reading, response: JSON, at: str) -> None:
    for i, item in enumerate(response.get("item") or []):
        target = ANSWERS.get(item.get("linkId", ""))
        if target is None:
            reading.fail(
                "not-supported", f"linkId is one of {', '.join(ANSWERS)}.", f"{at}.item[{i}].linkId"
            )
            continue
        answer = _first(item.get("answer")).get("valueString", "")
        reading.put(".".join(target), answer, f"{at}.item[{i}].answer[0].valueString")


def _make(reading: Reading, token: ApiToken) -> Any:
    try:
        request = ReferralRequest.model_validate(reading.request)
    except ValidationError as error:
        raise FhirError(
            422,
            [
                Issue(
                    "required" if problem["type"] == "missing" else "value",
                    message_for(dict(problem)),
                    reading.expression(
                        field_path(problem["loc"]).replace("[", ".").replace("]", "")
                    ),
                )
                for problem in error.errors()
            ],
        ) from None
    try:
        return actions.receive_referral(token=token, request=request)
    except InvalidRequest as error:
        raise FhirError(
            422,
            [
                Issue("business-rule", problem.message, reading.expression(problem.field))
                for problem in error.errors
            ],
        ) from None


def _response(body: JSON, entries: list[tuple[int, str]], referral: Any) -> JSON:
    task = emit.referral_task(referral)
    answer: list[JSON] = []
    for _, kind in entries:
        entry: JSON = {"response": {"status": "201 Created"}}
        if kind == "Task":
            entry["fullUrl"] = f"Task/{referral.pk}"
            entry["resource"] = task
            entry["response"]["location"] = f"Task/{referral.pk}/_history/{referral.version}"
            entry["response"]["etag"] = f'W/"{referral.version}"'
        elif kind == "ServiceRequest":
            entry["response"]["location"] = (
                f"ServiceRequest/{referral.pk}/_history/{referral.version}"
            )
        answer.append(entry)
    return emit.check({"resourceType": "Bundle", "type": "transaction-response", "entry": answer})
