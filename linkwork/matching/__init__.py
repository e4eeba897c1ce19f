"""Matching: rank community services for a person, explain why, never break a hard constraint.

`recommend(person, k=10)` is the entry point; the engine works the same on the directory in the
database and on an Open Referral UK feed read from files (`linkwork match`). Matching is a
library over a person's profile and service facts: it knows no referrals, so recommending for
a referral goes through casework (`casework.matching.recommend_for_referral`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkwork.matching.engine import Recommendations


def recommend(person: Any, *, k: int = 10, **options: Any) -> Recommendations:
    """Services for `person` (a `Profile` or a profile as a JSON-like dict), ranked, with
    reasons and every excluded service with its reason."""
    from linkwork.matching.service import recommend as _recommend

    return _recommend(person, k=k, **options)


__all__ = ["recommend"]
