"""`Idempotency-Key`: a retried write gives the first answer again and does nothing twice.

The first request with a key claims it by inserting its record, in the same transaction as
the work; its answer is stored before commit. A retry finds the record and replays the answer
exactly (the same status and the same bytes). Two requests racing with one key both try to
insert: the database's unique constraint lets one win, the other waits for its commit, gets an
IntegrityError, and replays the winner's answer. Errors are not stored: nothing was done, so
the request may be corrected and sent again with the same key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from linkwork.api.models import IdempotencyRecord
from linkwork.api.problems import IdempotencyKeyReused

JSON = dict[str, Any]
HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
KEY_PATTERN = r"^[\x21-\x7e]+$"  # printable ASCII, no spaces: keys Linkwork makes have one


@dataclass(frozen=True)
class Answer:
    status: int
    body: JSON

    @classmethod
    def of(cls, status: int, body: JSON) -> Answer:
        # Through JSON and back, so the answer is exactly what the database will give back.
        return cls(status, json.loads(json.dumps(body, cls=DjangoJSONEncoder)))

    def render(self, *, replayed: bool = False) -> HttpResponse:
        # Sorted keys: PostgreSQL's jsonb does not keep the order keys were written in, and a
        # replay must be byte for byte the first answer.
        response = HttpResponse(
            json.dumps(self.body, sort_keys=True),
            status=self.status,
            content_type="application/json; charset=utf-8",
        )
        if self.status == 201:
            response["Location"] = self.body["links"]["self"]
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def valid_key(key: str) -> bool:
    """Whether a client's `Idempotency-Key` is one Linkwork accepts."""
    return 0 < len(key) <= KEY_MAX_LENGTH and re.fullmatch(KEY_PATTERN, key) is not None


def digest(*parts: bytes) -> str:
    """SHA-256 of `parts`, each prefixed by its length so no two lists of parts collide."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(len(part).to_bytes(8, "big"))
        hashed.update(part)
    return hashed.hexdigest()


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the method, the path and the body exactly as sent."""
    return digest(str(request.method).encode(), request.path.encode(), request.body)


def once(
    *,
    organisation_id: int,
    key: str,
    fingerprint: str,
    work: Callable[[], Answer],
) -> HttpResponse:
    """Do `work` once for this organisation's `key`; later calls replay its answer."""
    answer, replayed = answer_once(
        organisation_id=organisation_id, key=key, fingerprint=fingerprint, work=work
    )
    return answer.render(replayed=replayed)


def answer_once(
    *,
    organisation_id: int,
    key: str,
    fingerprint: str,
    work: Callable[[], Answer],
    kept: bool = False,
) -> tuple[Answer, bool]:
    """Do `work` once for this organisation's `key`: its answer, and whether it is a replay of
    an earlier one. `IdempotencyKeyReused` if the key was used for a different request. A
    `kept` key is never purged (it is a message's own identifier, not a client's retry key)."""
    stored = _stored(organisation_id, key)
    if stored is not None:
        return _replay(stored, fingerprint)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                organisation_id=organisation_id,
                key=key,
                fingerprint=fingerprint,
                response_status=0,
                response_body={},
                kept=kept,
            )
            answer = work()
            record.response_status = answer.status
            record.response_body = answer.body
            record.save(update_fields=["response_status", "response_body"])
    except IntegrityError:
        # Another request with this key committed first: answer as it did.
        stored = _stored(organisation_id, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return answer, False


def _stored(organisation_id: int, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(organisation_id=organisation_id, key=key).first()


def _replay(stored: IdempotencyRecord, fingerprint: str) -> tuple[Answer, bool]:
    if not hmac.compare_digest(stored.fingerprint, fingerprint):
        raise IdempotencyKeyReused
    return Answer(stored.response_status, stored.response_body), True
