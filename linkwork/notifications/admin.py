from django.contrib import admin

from linkwork.notifications.models import Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ["organisation", "email"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    autocomplete_fields = ["organisation"]
