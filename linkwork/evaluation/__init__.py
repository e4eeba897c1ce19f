"""Evaluation of social prescribing schemes: pandas in, typed results out.

Pre/post change, difference-in-differences (two-by-two and two-way fixed effects, with an event
study and the wild cluster bootstrap), QALYs, cost-effectiveness with the bootstrap, and
subgroup analyses. The package imports nothing from Django or the other Linkwork apps (an
import-linter contract says so), so it runs on an extract anywhere: a notebook, the CLI, a
task worker. Methods and their assumptions: ``docs/guides/evaluation.md``.
"""

from linkwork.evaluation.cea import CeaResult, bootstrap_cea, icer, nmb
from linkwork.evaluation.change import paired_change
from linkwork.evaluation.did import did
from linkwork.evaluation.panel import event_study, twfe
from linkwork.evaluation.qaly import incremental_qalys, qaly_auc
from linkwork.evaluation.results import (
    ChangeResult,
    Coefficient,
    DidResult,
    EventStudyResult,
    IcerResult,
    NmbResult,
    RegressionResult,
    Result,
    SubgroupsResult,
    TwfeResult,
)
from linkwork.evaluation.subgroups import subgroups
from linkwork.evaluation.validation import EvaluationInputError

__all__ = [
    "CeaResult",
    "ChangeResult",
    "Coefficient",
    "DidResult",
    "EvaluationInputError",
    "EventStudyResult",
    "IcerResult",
    "NmbResult",
    "RegressionResult",
    "Result",
    "SubgroupsResult",
    "TwfeResult",
    "bootstrap_cea",
    "did",
    "event_study",
    "icer",
    "incremental_qalys",
    "nmb",
    "paired_change",
    "qaly_auc",
    "subgroups",
    "twfe",
]
