"""Support for link workers: supervision, training, wellbeing check-ins, prompts to the
scheme lead and the peer network."""
