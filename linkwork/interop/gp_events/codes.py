"""The codes the GP event export writes, and where each comes from.

The two national social prescribing codes are SNOMED CT UK concepts (the shared DESIGN.md,
"Standards and codes"); `referrals.models.CodedEvent` records them. A GP record files the
preferred term, so the FSN's semantic tag ("(procedure)", "(situation)") is left off.

Outcome instruments: only a code that is published is used. LOINC publishes a total-score
code for PHQ-9 (44261-6, "Patient Health Questionnaire 9 item (PHQ-9) total score
[Reported]") and GAD-7 (70274-6, "Generalized anxiety disorder 7 item (GAD-7) total score
[Reported.PHQ]"), as used in HL7's published guides (US Core's PHQ-9 examples; the Personal
Health Record format IG's scored-assessment value set). Linkwork holds no cited code for
SWEMWBS, WEMWBS, ONS4, the ONS loneliness question, UCLA-3, EQ-5D-5L, goal progress, PAM or
MYCaW, so those go out with the instrument's name as text and no code: a reviewer who can cite
a code adds it here. None of these is a SNOMED CT code, so the CSV's `snomed_code` column is
empty for scores and the FHIR Observation carries the LOINC coding where there is one.
"""

from __future__ import annotations

import re
from typing import Final

from linkwork.interop.fhir.codes import CANONICAL
from linkwork.referrals.models import CodedEvent

LOINC: Final = "http://loinc.org"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
# Linkwork's identifiers of an exported event and of a batch.
EVENT_SYSTEM: Final = f"{CANONICAL}/Id/gp-event"
BATCH_SYSTEM: Final = f"{CANONICAL}/Id/gp-event-batch"

# instrument id -> (system, code, display) of the instrument's total score.
INSTRUMENT_CODES: Final[dict[str, tuple[str, str, str]]] = {
    "phq9": (
        LOINC,
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    ),
    "gad7": (
        LOINC,
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    ),
}


def preferred_term(fully_specified: str) -> str:
    """The FSN without its semantic tag: "Social prescribing declined (situation)" gives
    "Social prescribing declined"."""
    return re.sub(r" \([a-z /]+\)$", "", fully_specified)


REFERRED: Final = (CodedEvent.REFERRED[0], preferred_term(CodedEvent.REFERRED[1]))
DECLINED: Final = (CodedEvent.DECLINED[0], preferred_term(CodedEvent.DECLINED[1]))
