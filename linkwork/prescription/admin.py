from django.contrib import admin

from linkwork.prescription.models import SchemeContact


@admin.register(SchemeContact)
class SchemeContactAdmin(admin.ModelAdmin[SchemeContact]):
    list_display = ["scheme", "phone", "email"]
