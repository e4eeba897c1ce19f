"""Group sessions: recurring groups linked to a directory service, a register per session,
and the attendance a finalised register writes to each connected person's record."""
