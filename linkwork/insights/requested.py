"""Files a person asks for from the app and the task worker makes: the pseudonymised extract
and the standard evaluation. Both are asked for on a page that lists the requests of the
person who asked, made by a task that claims one request at a time, and downloaded by that
person only when ready. What is the same for both is here; what each one makes is its own."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages as banners
from django.db import models
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor

SHOWN = 20

Record = TypeVar("Record", bound=models.Model)
Made = TypeVar("Made")


def request_page(
    request: AuthenticatedHttpRequest,
    *,
    form: Form,
    ask: Callable[[], object],
    no_key: str,
    asked: str,
    again: str,
    template: str,
    title: str,
    found: Callable[[], models.QuerySet[Record]],
    row: Callable[[Record], object],
) -> HttpResponse:
    """The page to ask on, for someone the gate let through. A valid form asks (`ask`), says
    so (`asked`) and goes back to the page (`again`, a URL name); while the pseudonym key is
    not set the form says why nothing can be asked (`no_key`). The page lists the latest
    requests `found()` (scoped to the person; asked only when the page is shown) as `row`
    shows each."""
    if request.method == "POST" and form.is_valid():
        if not settings.LINKWORK_PSEUDONYM_KEY:
            form.add_error(None, no_key)
        else:
            ask()
            banners.success(request, asked)
            return redirect(again)
    return render(
        request,
        template,
        {
            "page_title": title,
            "form": form,
            "rows": [row(item) for item in found()[:SHOWN]],
            "key_missing": not settings.LINKWORK_PSEUDONYM_KEY,
        },
    )


def ready_file(
    request: AuthenticatedHttpRequest,
    found: models.Model,
    *,
    path: Path,
    done: bool,
    not_ready: str,
    action: str,
    detail: Mapping[str, Any],
    filename: str,
    content_type: str | None = None,
) -> FileResponse:
    """One file of a request the gate let the person reach, audited as `action`; 404 with
    `not_ready` while the request is not `done` or the file is not there."""
    if not done or not path.is_file():
        raise Http404(not_ready)
    auditor.record(action=action, request=request, target=found, detail=dict(detail))
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def claim(
    model: type[Record],
    request_id: str,
    *,
    statuses: type[models.TextChoices],
    folder: Path,
    related: tuple[str, ...],
) -> Record | None:
    """The request `request_id` for this task to make, now running, with its private folder
    made; None when it is not waiting (another task took it, or it is gone). `statuses` are
    its model's four: QUEUED, RUNNING, DONE and FAILED."""
    updated = model._default_manager.filter(pk=request_id, status=statuses["QUEUED"]).update(
        status=statuses["RUNNING"]
    )
    if not updated:
        return None
    found = model._default_manager.select_related(*related).get(pk=request_id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return found


def finish(
    found: Any,
    *,
    statuses: type[models.TextChoices],
    make: Callable[[], Made],
    expected: type[Exception],
    done: Callable[[Made], None],
    fields: list[str],
    logger: logging.Logger,
) -> str:
    """Make a claimed request's files and save what became of it: done (and `done` records
    what was made) or failed with a reason a person can read. An `expected` error gives its
    own message; anything else is logged and named by its type only, so the request never
    stays "being made". Returns the status."""
    try:
        made = make()
    except expected as error:
        found.status, found.error = statuses["FAILED"], str(error)[:300]
    except Exception as unexpected:  # the request must say it failed, not stay running
        logger.exception("%s failed", found)
        found.status = statuses["FAILED"]
        found.error = f"Unexpected error ({type(unexpected).__name__})"
    else:
        found.status = statuses["DONE"]
        done(made)
    found.finished_at = timezone.now()
    found.save(update_fields=fields)
    return str(found.status)
