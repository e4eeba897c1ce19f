from django.urls import path

from linkwork.casework.views import (
    appointments,
    caseload,
    connections,
    contacts,
    inbox,
    plans,
    timeline,
)

app_name = "casework"
urlpatterns = [
    # The link worker's day, and the scheme lead's view of every link worker's load.
    path("caseload/", caseload.caseload, name="caseload"),
    path("capacity/", caseload.capacity, name="capacity"),
    path("referrals/<uuid:referral_id>/assign/", caseload.assign, name="assign"),
    # Appointments: the link worker's diary, the scheme's, and the calendar feed (whose
    # secret address is its own key: no sign-in).
    path("diary/", appointments.my_diary, name="diary"),
    path("diary/scheme/", appointments.scheme_diary, name="scheme_diary"),
    path("diary/calendar/", appointments.calendar_settings, name="calendar"),
    path("diary/calendar/<str:token>.ics", appointments.calendar_feed, name="calendar_feed"),
    # One episode.
    path("referrals/<uuid:referral_id>/contacts/", contacts.contacts, name="contacts"),
    path(
        "referrals/<uuid:referral_id>/appointments/",
        appointments.appointments,
        name="appointments",
    ),
    path(
        "referrals/<uuid:referral_id>/appointments/<uuid:appointment_id>/",
        appointments.appointment,
        name="appointment",
    ),
    path(
        "referrals/<uuid:referral_id>/appointments/<uuid:appointment_id>/appointment.ics",
        appointments.appointment_ics,
        name="appointment_ics",
    ),
    path("referrals/<uuid:referral_id>/notes/", plans.notes, name="notes"),
    path("referrals/<uuid:referral_id>/timeline/", timeline.timeline, name="timeline"),
    path("referrals/<uuid:referral_id>/plan/", plans.plan, name="plan"),
    path("referrals/<uuid:referral_id>/plan/letter/", plans.plan_letter, name="plan_letter"),
    path("referrals/<uuid:referral_id>/plan/goals/<uuid:goal_id>/", plans.goal, name="goal"),
    path(
        "referrals/<uuid:referral_id>/plan/actions/<uuid:action_id>/",
        plans.plan_action,
        name="plan_action",
    ),
    path("referrals/<uuid:referral_id>/connections/", connections.connections, name="connections"),
    path(
        "referrals/<uuid:referral_id>/connections/new/<uuid:service_id>/",
        connections.connect,
        name="connect",
    ),
    path(
        "referrals/<uuid:referral_id>/connections/<uuid:connection_id>/",
        connections.connection,
        name="connection",
    ),
    path(
        "referrals/<uuid:referral_id>/follow-ups/<uuid:follow_up_id>/",
        connections.follow_up,
        name="follow_up",
    ),
    path("referrals/<uuid:referral_id>/discharge/", connections.discharge, name="discharge"),
    # The provider's side: requests to its own services, and their availability.
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<uuid:connection_id>/", inbox.inbox_connection, name="inbox_connection"),
    path("services/", inbox.provider_services, name="provider_services"),
    path(
        "services/<uuid:service_id>/availability/",
        inbox.service_availability,
        name="service_availability",
    ),
]
