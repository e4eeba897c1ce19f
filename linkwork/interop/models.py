"""The interop app's models. Each part keeps its own module; they are gathered here so Django
finds them."""

from linkwork.interop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = ["WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]
