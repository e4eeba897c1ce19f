"""The internal JSON API at `/api/v1/`: organisations send referrals and follow them.

Handlers check input, call one action, and shape the answer. Each caller is an organisation,
known by its API token; it sees only the referrals it made. Every error is an RFC 9457
problem document (see `problems.py`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.params import HeaderEx, P
from pydantic import ValidationError as PydanticValidationError

from linkwork.accounts import gate
from linkwork.api import actions, idempotency, problems
from linkwork.api.auth import ApiClient, TokenAuth
from linkwork.api.models import ApiToken
from linkwork.api.schemas import (
    Problem,
    ProblemTypeOut,
    ReferralOut,
    ReferralReceived,
    ReferralRequest,
    WithdrawalRequest,
)
from linkwork.audit import auditor
from linkwork.referrals import actions as referral_actions
from linkwork.referrals.models import Referral

NAMESPACE: Final = "api_v1"
JSON = dict[str, Any]

DESCRIPTION = """\
Send referrals into a social prescribing scheme from your organisation's own systems, and
follow what happens to them.

**Authentication.** Every request carries your organisation's API token:
`Authorization: Bearer lw_...`. Ask the Linkwork administrator for one; it is shown once.
Your organisation sees only the referrals it made.

**Idempotency.** Send an `Idempotency-Key` header (any unique text up to 255 characters,
such as a UUID) with each new referral. If you are not sure a request arrived, send it again
with the same key and the same body: you get the first answer again (with
`Idempotent-Replayed: true`) and no second referral. The same key with a different body is
refused. Keys are kept for at least 24 hours. Failed requests are not kept, so a corrected
request may reuse its key.

**Errors** are RFC 9457 problem documents (`application/problem+json`) with `type`, `title`,
`status`, `detail` and `instance`. Invalid input is status 422 with `errors`, a list of
`{"field": "person.date_of_birth", "message": "..."}`, each field named by its path in the
request body; nothing is saved when a request fails.
"""


class LinkworkApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: JSON | None = None
    ) -> OpenAPISchema:
        """Error answers are documented as application/problem+json, as they are served."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        return schema


api = LinkworkApi(
    title="Linkwork API",
    version="1",
    description=DESCRIPTION,
    urls_namespace=NAMESPACE,
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
problems.install(api)


def referral_url(referral_id: uuid.UUID | str) -> str:
    return reverse(f"{NAMESPACE}:referral", kwargs={"id": referral_id})


def _idempotency_key(description: str) -> Any:
    """The optional Idempotency-Key header of an endpoint that makes something."""
    return P(
        alias=idempotency.HEADER,
        min_length=1,
        max_length=idempotency.KEY_MAX_LENGTH,
        pattern=idempotency.KEY_PATTERN,
        description=description,
    )


@api.post(
    "/referrals",
    response={201: ReferralReceived, 400: Problem, 401: Problem, 422: Problem},
    summary="Send a referral",
    tags=["referrals"],
    url_name="referrals",
    operation_id="createReferral",
)
def post_referral(
    request: HttpRequest,
    payload: ReferralRequest,
    idempotency_key: HeaderEx[
        str | None,
        _idempotency_key("Unique per new referral; resend it with the same body to retry."),
    ] = None,
) -> HttpResponse:
    """Refer a person into a scheme, as the organisation that holds the token.

    If the person may already be known (the same NHS number and date of birth, or the same
    name, date of birth and postcode), a link worker of the scheme checks before the referral
    joins their record; nothing of that record is changed by or shown to your organisation,
    and the answer is the same either way.
    """
    token: ApiToken = request.auth  # type: ignore[attr-defined]

    def work() -> idempotency.Answer:
        referral = actions.receive_referral(token=token, request=payload)
        return idempotency.Answer.of(
            201,
            {
                "id": referral.pk,
                "reference": referral.reference,
                "status": referral.status,
                "received_at": referral.received_at,
                "links": {"self": referral_url(referral.pk)},
            },
        )

    if idempotency_key is None:
        return work().render()
    return idempotency.once(
        organisation_id=token.organisation_id,
        key=idempotency_key,
        fingerprint=idempotency.fingerprint(request),
        work=work,
    )


@api.get(
    "/referrals/{uuid:id}",
    response={200: ReferralOut, 401: Problem, 404: Problem},
    summary="A referral your organisation made",
    tags=["referrals"],
    url_name="referral",
    operation_id="getReferral",
)
def get_referral(request: HttpRequest, id: uuid.UUID) -> JSON:
    """Its status, when each status began, and the messages sent back to the referrer.

    Referrals made by other organisations answer 404, as if they did not exist.
    """
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    client = ApiClient(token)
    referral = _sent_referral(request, client, id)
    auditor.record(
        action="referral.viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
        detail={"api_token": token.pk, "organisation": token.organisation_id},
    )
    return referral_body(client, referral)


def _sent_referral(request: HttpRequest, client: ApiClient, id: uuid.UUID) -> Referral:
    """A referral the caller's organisation made; 404 (audited) for any other."""
    referral = Referral.objects.visible_to(client).select_related("scheme").filter(pk=id).first()
    if referral is None:
        gate.refuse(
            request,
            record=(Referral, id),
            message="Your organisation made no referral with this id.",
            detail={"api_token": client.token.pk, "organisation": client.organisation_id},
        )
    return referral


def referral_body(client: ApiClient, referral: Referral) -> JSON:
    history = referral.history.order_by("changed_at", "id").values_list("to_status", "changed_at")
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "received_at": referral.received_at,
        "scheme": referral.scheme.slug,
        "route": referral.route,
        "needs": referral.needs,
        "urgency": referral.urgency,
        "decline_reason": referral.decline_reason or None,
        "redirected_to": referral.redirected_to or None,
        "closure_reason": referral.closure_reason or None,
        "withdrawal_reason": referral.withdrawal_reason() or None,
        "status_history": [
            {"status": status, "changed_at": changed_at} for status, changed_at in history
        ],
        "messages": messages_back(client, referral),
        "links": {"self": referral_url(referral.pk)},
    }


@api.post(
    "/referrals/{uuid:id}/withdraw",
    response={
        200: ReferralOut,
        400: Problem,
        401: Problem,
        404: Problem,
        409: Problem,
        422: Problem,
    },
    summary="Withdraw a referral your organisation made",
    tags=["referrals"],
    url_name="withdraw",
    operation_id="withdrawReferral",
    # The body is read after the referral is found, so another organisation's referral is
    # 404 whatever was sent; it is documented here as the schema it is checked against.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": WithdrawalRequest.model_json_schema()}},
        }
    },
)
def withdraw_referral(
    request: HttpRequest,
    id: uuid.UUID,
    idempotency_key: HeaderEx[
        str | None,
        _idempotency_key("Unique per withdrawal; resend it with the same body to retry."),
    ] = None,
) -> HttpResponse:
    """Take back a referral that has not ended (received, accepted, active or on hold), with
    the reason. The scheme stops work on it: its link worker, or its leads while nobody is
    assigned, are told, and a confirmation goes to the referrer. The answer is the referral
    as it now is.

    A referral that has ended (declined, redirected, closed or already withdrawn) answers 409
    and is not changed; a referral of another organisation answers 404.
    """
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    client = ApiClient(token)
    referral = _sent_referral(request, client, id)
    payload = _withdrawal(request)
    about = {"api_token": token.pk, "organisation": token.organisation_id}

    def work() -> idempotency.Answer:
        try:
            changed = referral_actions.withdraw_referral(
                who=client, referral=referral, reason=payload.reason, detail=about
            )
        except ValueError as error:
            raise problems.InvalidRequest.of("reason", str(error)) from None
        changed = Referral.objects.visible_to(client).select_related("scheme").get(pk=changed.pk)
        return idempotency.Answer.of(200, referral_body(client, changed))

    if idempotency_key is None:
        return work().render()
    try:
        return idempotency.once(
            organisation_id=token.organisation_id,
            key=idempotency_key,
            fingerprint=idempotency.fingerprint(request),
            work=work,
        )
    except (*referral_actions.WITHDRAWAL_REFUSALS, problems.InvalidRequest) as error:
        # The request's own transaction rolled the refusal's audit event back with the rest.
        referral_actions.audit_withdrawal_refused(
            by=None, referral=referral, error=error, detail=about
        )
        raise


def _withdrawal(request: HttpRequest) -> WithdrawalRequest:
    """The body of a withdrawal, checked as Ninja checks a declared body."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "Send the request as a JSON object in the body.") from None
    try:
        return WithdrawalRequest.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationError(
            [{**found, "loc": ("body", "payload", *found["loc"])} for found in error.errors()]
        ) from None


def messages_back(client: ApiClient, referral: Referral) -> list[JSON]:
    """The messages sent back to the referrer about `referral`, oldest first."""
    if not apps.is_installed("linkwork.notifications"):
        return []
    message_model: Any = apps.get_model("notifications", "Message")
    return list(
        message_model.objects.visible_to(client)
        .filter(referral=referral, audience="referrer")
        .order_by("created_at", "id")
        .values("event", "channel", "status", "sent_at", "subject", "body")
    )


@api.get(
    "/problems/{slug}",
    auth=None,
    response={200: ProblemTypeOut, 404: Problem},
    include_in_schema=False,
    url_name="problem-type",
)
def problem_type(request: HttpRequest, slug: str) -> JSON:
    """What a problem `type` of this API means: where its URI leads."""
    kind = problems.TYPES.get(slug)
    if kind is None:
        raise Http404("No problem type has this name.")
    return {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "description": kind.description,
    }


# Matching for a referral, for the scheme's own staff and systems.
from linkwork.api.recommendations import router as recommendations_router  # noqa: E402

api.add_router("", recommendations_router)
