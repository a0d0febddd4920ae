"""The status rules: what an obligation's submissions and exemptions make of it.

Derived, never stored (bot.models says why): missing / submitted / accepted / returned, or
excused; late and owed follow. The SQL twins of these rules live in bot.services.obligations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

Status = Literal["missing", "submitted", "accepted", "returned", "excused"]
OWED_STATUSES: frozenset[str] = frozenset({"missing", "returned"})


class SubmissionFacts(Protocol):
    """What status rules read of a submission: a Submission, or a row of its columns."""

    @property
    def version(self) -> int: ...
    @property
    def uploaded_at(self) -> datetime: ...
    @property
    def review_status(self) -> str: ...
    @property
    def withdrawn_at(self) -> datetime | None: ...
    @property
    def contributed_by_unit_id(self) -> int | None: ...
    @property
    def adopted_at(self) -> datetime | None: ...


def counts_as_delivery(submission: SubmissionFacts) -> bool:
    """The unit's own file, or a supporting unit's contribution the lead has adopted: a
    contribution alone never delivers the lead's obligation."""
    return submission.contributed_by_unit_id is None or submission.adopted_at is not None


def derive_status(submissions: Sequence[SubmissionFacts], *, excused: bool = False) -> Status:
    """missing / submitted / accepted / returned, from the live (not withdrawn) submissions
    that count as the unit's delivery; excused when a coordinator approved an exemption
    (不适用), whatever was submitted."""
    if excused:
        return "excused"
    live = [s for s in submissions if s.withdrawn_at is None and counts_as_delivery(s)]
    if not live:
        return "missing"
    if any(s.review_status == "accepted" for s in live):
        return "accepted"
    latest = max(live, key=lambda s: s.version)
    return "returned" if latest.review_status == "returned" else "submitted"


def is_late(submissions: Sequence[SubmissionFacts], deadline: datetime | None) -> bool:
    """Late: the first acceptable (not returned) submission came after the deadline."""
    if deadline is None:
        return False
    acceptable = [
        s
        for s in submissions
        if s.withdrawn_at is None and s.review_status != "returned" and counts_as_delivery(s)
    ]
    return bool(acceptable) and min(s.uploaded_at for s in acceptable) > deadline


class ExemptionFacts(Protocol):
    """What the owe list and the summary read of an exemption: an Exemption, or a row."""

    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def requester_name(self) -> str: ...
    @property
    def requested_at(self) -> datetime: ...
    @property
    def decider_name(self) -> str: ...
    @property
    def decided_at(self) -> datetime | None: ...
    @property
    def decision_reason(self) -> str: ...


@dataclass(frozen=True)
class ExemptionNote:
    """Where an obligation's 不适用 stands: approved, requested (waiting) or refused."""

    status: str
    reason: str
    requester: str
    requested_at: datetime
    decider: str = ""
    decided_at: datetime | None = None
    decision_reason: str = ""

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "requested_by": self.requester,
            "decided_by": self.decider,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decision_reason": self.decision_reason,
        }


def exemption_note(exemptions: Sequence[ExemptionFacts]) -> ExemptionNote | None:
    """The exemption that counts (in id order): an approved one, else the newest request or
    refusal; None when the unit never asked."""
    if not exemptions:
        return None
    approved = [e for e in exemptions if e.status == "approved"]
    chosen = approved[-1] if approved else exemptions[-1]
    return ExemptionNote(
        status=chosen.status,
        reason=chosen.reason,
        requester=chosen.requester_name,
        requested_at=chosen.requested_at,
        decider=chosen.decider_name,
        decided_at=chosen.decided_at,
        decision_reason=chosen.decision_reason,
    )
