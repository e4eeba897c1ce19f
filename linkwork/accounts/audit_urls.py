from django.urls import path

from linkwork.accounts import audit_views

# The audit log's page keeps its own namespace; it lives here because deciding who may read
# the log needs `accounts.permissions`, and `audit` sits below accounts.
app_name = "audit"
urlpatterns = [path("", audit_views.search, name="search")]
