"""Open Referral UK 3.0: the public API, the serialisers it shares with the export, and the
social prescribing attribute vocabulary that the import reads back."""
