"""Webhooks (issue 17, item 3): organisations register endpoints, and Linkwork tells them when
a referral or a connection changes status.

How a change reaches a receiver, and why none is lost:

1. `signals` hears the lower apps' status history rows being written (every status change of a
   referral or a connection writes one) and calls `outbox.record`, inside the same
   transaction: an event row per organisation told, and a pending delivery per subscribed
   endpoint. A change rolled back writes nothing; a change committed always has its rows.
2. On commit, each delivery is handed to the task worker (`tasks.deliver_webhook`). If that
   hand-over is lost (a worker stopped, the queue was cleared), `tasks.sweep` finds the
   delivery still pending and hands it over again.
3. The worker POSTs the payload (ids only: the receiver fetches the resource through the API)
   signed by `signing`, retries with exponential backoff, and after
   LINKWORK_WEBHOOK_MAX_ATTEMPTS failures parks it as dead, where an admin can replay it.
"""
