"""The notification centre's pages: the user's own alerts, newest first, marking them read,
opening one, and which kinds also go by email. Nobody sees another user's alerts: every page
reads `Alert.objects.visible_to(user)`, and another's alert answers 404 through the gate."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages as banners
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.core.paging import paging
from linkwork.notifications import actions
from linkwork.notifications.centre_forms import AlertEmailsForm
from linkwork.notifications.centre_presenters import AlertRow
from linkwork.notifications.models import Alert, email_kinds_of

PAGE_SIZE = 20


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread ones marked, 20 a page."""
    alerts = Alert.objects.visible_to(request.user).only(
        "id", "kind", "text", "created_at", "read_at"
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [AlertRow.of(alert) for alert in page.object_list]
    unread = Alert.objects.visible_to(request.user).unread().count()
    return render(
        request,
        "notifications/centre.jinja",
        {
            "page_title": "Notifications",
            "page": page,
            "paging": paging(request.GET, page, label="Pages of notifications"),
            "rows": rows,
            "unread": unread,
        },
    )


@login_required
def open_alert(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Mark the alert read and go to what it is about."""
    alert = gate.get_visible_or_404(request, Alert, pk=alert_id)
    actions.mark_alert_read(by=request.user, alert=alert)
    return HttpResponseRedirect(alert.link)


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = gate.get_visible_or_404(request, Alert, pk=alert_id)
    actions.mark_alert_read(by=request.user, alert=alert)
    banners.success(request, "Notification marked as read")
    return _back_to_list(request)


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = actions.mark_all_alerts_read(by=request.user)
    banners.success(
        request,
        "All notifications marked as read" if count else "You had no unread notifications",
    )
    return _back_to_list(request)


@login_required
def email_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which kinds of notification also go to the user by email."""
    if request.method == "POST":
        form = AlertEmailsForm(request.POST)
        if form.is_valid():
            actions.choose_alert_emails(by=request.user, kinds=form.cleaned_data["email_kinds"])
            banners.success(request, "Your email choices are saved")
            return redirect("notification_centre:index")
    else:
        chosen = email_kinds_of([request.user.pk])[request.user.pk]
        form = AlertEmailsForm(initial={"email_kinds": sorted(chosen)})
    return render(
        request,
        "notifications/centre_settings.jinja",
        {"page_title": "Emails about notifications", "form": form},
    )


def _back_to_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Back to the page of the list the button was on."""
    target = reverse("notification_centre:index")
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        target += "?" + urlencode({"page": page})
    return HttpResponseRedirect(target)
