"""The FHIR R4 API at `/fhir/`: closed-loop referrals in the pattern of the HL7 SDOH Clinical
Care IG (a ServiceRequest and a Task with `code = fulfill`, `intent = order`).

Inbound, a referrer's system posts a transaction Bundle that becomes a Linkwork referral
(`inbound`); outbound, each connection to a provider is a ServiceRequest and a Task owned by
the provider, which its own system polls and updates (`tasks`). Resources are built as plain
JSON and checked with `fhir.resources.R4B` and our value sets before they leave (`emit`).
"""
