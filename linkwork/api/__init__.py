"""The internal JSON API at `/api/v1/`: organisations send and follow referrals with a token."""
