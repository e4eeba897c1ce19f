"""The task side of a requested file, shared by the extract and the evaluation: one task claims
a waiting request, and the request always ends done or failed with a reason a person can read."""

from __future__ import annotations

import logging

import pytest

from linkwork.insights.models import ExtractRequest, ExtractStatus
from linkwork.insights.requested import claim, finish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
logger = logging.getLogger("tests.requested")


class Refused(Exception):
    pass


def waiting(status: str = ExtractStatus.QUEUED) -> ExtractRequest:
    return ExtractRequest.objects.create(
        requested_by=UserFactory(), file_format="csv", status=status
    )


def run(found: ExtractRequest, make, done=lambda made: None) -> str:  # type: ignore[no-untyped-def]
    return finish(
        found,
        statuses=ExtractStatus,
        make=make,
        expected=Refused,
        done=done,
        fields=["status", "error", "episodes", "finished_at"],
        logger=logger,
    )


def test_claim_takes_a_waiting_request_once_and_makes_its_folder(tmp_path):
    found = waiting()
    folder = tmp_path / "made"

    claimed = claim(
        ExtractRequest, str(found.pk), statuses=ExtractStatus, folder=folder, related=()
    )

    assert claimed is not None
    assert claimed.status == ExtractStatus.RUNNING
    assert folder.is_dir()
    again = claim(ExtractRequest, str(found.pk), statuses=ExtractStatus, folder=folder, related=())
    assert again is None


def test_claim_leaves_a_request_that_is_not_waiting(tmp_path):
    found = waiting(status=ExtractStatus.DONE)

    claimed = claim(
        ExtractRequest, str(found.pk), statuses=ExtractStatus, folder=tmp_path, related=()
    )

    assert claimed is None
    assert ExtractRequest.objects.get(pk=found.pk).status == ExtractStatus.DONE


def test_finish_records_what_was_made():
    found = waiting(status=ExtractStatus.RUNNING)

    def done(made: int) -> None:
        found.episodes = made

    assert run(found, make=lambda: 12, done=done) == ExtractStatus.DONE

    saved = ExtractRequest.objects.get(pk=found.pk)
    assert (saved.status, saved.episodes, saved.error) == (ExtractStatus.DONE, 12, "")
    assert saved.finished_at is not None


def test_finish_gives_an_expected_error_its_own_message():
    found = waiting(status=ExtractStatus.RUNNING)

    def make() -> int:
        raise Refused("The period ends before it starts")

    assert run(found, make=make) == ExtractStatus.FAILED

    saved = ExtractRequest.objects.get(pk=found.pk)
    assert (saved.status, saved.error) == (ExtractStatus.FAILED, "The period ends before it starts")


def test_finish_names_an_unexpected_error_by_its_type_only_and_logs_it(caplog):
    found = waiting(status=ExtractStatus.RUNNING)

    def make() -> int:
        raise KeyError("a detail that must not reach the page")

    with caplog.at_level(logging.ERROR, logger="tests.requested"):
        assert run(found, make=make) == ExtractStatus.FAILED

    saved = ExtractRequest.objects.get(pk=found.pk)
    assert (saved.status, saved.error) == (ExtractStatus.FAILED, "Unexpected error (KeyError)")
    assert f"Extract {found.pk} failed" in caplog.text
