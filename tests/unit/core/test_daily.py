"""The daily jobs each app registers for `linkwork reminders`, in the order it runs them."""

from __future__ import annotations

from linkwork.core import daily


def test_each_app_registers_its_daily_jobs_in_the_order_reminders_runs_them():
    assert [job.name for job in daily.jobs()] == [
        "remind_overdue_triage",
        "ask_providers_to_confirm_listings",
        "remind_link_workers",
        "chase_connection_deadlines",
        "remind_appointments",
        "prompt_scheme_leads",
        "sweep_webhooks",
        "review_retention",
    ]


def test_registering_a_daily_job_again_adds_it_once():
    first = daily.jobs()[0]
    daily.register(first)
    assert daily.jobs().count(first) == 1
