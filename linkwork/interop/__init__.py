"""Interoperability (issue 17): the FHIR R4 API for closed-loop referrals, coded events for GP
systems, and webhooks. On the top floor: it reads and changes referrals and connections through
the apps below it, and authenticates with the referrals API's organisation tokens."""
