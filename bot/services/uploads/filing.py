"""Filing a file to one of the unit's obligations, or to the lead's obligation of an indicator
the unit supports (a contribution): the step receiving, choosing and moving share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from bot.db import UnitOfWork, run_prepared
from bot.models import Campaign, Chat, Contact, Obligation, PendingUpload, Submission, Unit
from bot.services.access import Actor
from bot.services.audit import audit
from bot.services.obligations import still_owed, unit_obligation_rows
from bot.services.supports import supported_obligations
from bot.services.uploads.files import FileFacts
from bot.services.uploads.results import Choice, Filed
from bot.structure import Difference, differences_json

# Statements of the upload path, built once (see bot.db.run_prepared): every upload runs them.
_LAST_VERSION = select(func.max(Submission.version)).where(
    Submission.obligation_id == bindparam("obligation_id")
)
_INSERT_SUBMISSION = insert(Submission).returning(Submission.id)


@dataclass(frozen=True)
class OwnObligation:
    """Where a unit's file may be filed: one of its live obligations, or (`lead` set) the
    lead's obligation of an indicator it supports, where its file is a contribution."""

    obligation_id: int
    number: str
    title: str
    lead: str = ""  # the lead unit, when a file filed here is a contribution to it


def own_obligations(session: Session, campaign: Campaign, unit: Unit) -> dict[str, OwnObligation]:
    """The unit's live obligations in the campaign, by indicator number."""
    rows = unit_obligation_rows(session, campaign, unit)
    return {row.number: OwnObligation(row.id, row.number, row.title) for row in rows}


def filing_targets(session: Session, campaign: Campaign, unit: Unit) -> dict[str, OwnObligation]:
    """Where the unit's files may go, by indicator number: its own obligations first, then
    the indicators it supports (the lead's obligation; the first lead where there are
    several). A unit that both owes and supports an indicator files there as itself: its own
    upload is never a contribution to itself."""
    targets = own_obligations(session, campaign, unit)
    for row in supported_obligations(session, campaign, unit):
        if row.lead != unit.name:
            targets.setdefault(
                row.number, OwnObligation(row.obligation_id, row.number, row.title, row.lead)
            )
    return targets


@dataclass(frozen=True)
class Filing:
    """A submission just added, and the obligation it was filed to (a contribution when the
    obligation is a lead's)."""

    submission_id: int
    filename: str
    size: int
    method: str
    obligation: OwnObligation
    password_protected: bool = False
    differences: tuple[Difference, ...] = ()


def file_submission(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    unit: Unit,
    obligation: OwnObligation,
    facts: FileFacts,
    method: str,
    score: float | None,
    now: datetime,
    differences: Sequence[Difference] = (),
) -> Filing:
    """Add the next version of the obligation's submissions (the caller commits), with how
    it differs from the indicator's template."""
    session.flush()  # a withdrawal in this transaction must be seen by the next query
    last = run_prepared(session, _LAST_VERSION, obligation_id=obligation.obligation_id).scalar()
    submission_id: int = run_prepared(
        session,
        _INSERT_SUBMISSION,
        **facts.columns(),
        obligation_id=obligation.obligation_id,
        version=(last or 0) + 1,
        uploaded_at=now,
        match_method=method,
        match_score=score,
        contributed_by_unit_id=unit.id if obligation.lead else None,
        template_differences=differences_json(differences),
    ).scalar_one()
    audit(
        session,
        actor,
        "contribute" if obligation.lead else "submit",
        campaign_id=campaign.id,
        unit_id=unit.id,
        submission=submission_id,
        method=method,
    )
    return Filing(
        submission_id,
        facts.filename,
        facts.size,
        method,
        obligation,
        facts.password_protected,
        tuple(differences),
    )


def filed(uow: UnitOfWork, campaign: Campaign, unit: Unit, filing: Filing) -> Filed:
    """Commit the filing; the receipt says what the unit still owes after it, and a
    contribution names the chats where the lead is to be told."""
    owed = tuple(still_owed(uow.session, campaign, unit))  # in the same transaction
    lead = filing.obligation.lead
    told = unit_chats(uow.session, filing.obligation.obligation_id) if lead else ()
    uow.commit()
    return Filed(
        filing.submission_id,
        filing.obligation.number,
        filing.obligation.title,
        filing.filename,
        filing.size,
        filing.method,
        unit.name,
        owed,
        filing.password_protected,
        lead,
        told,
        filing.differences,
    )


def unit_chats(session: Session, obligation_id: int) -> tuple[int, ...]:
    """Where the obligation's unit is told something: its reachable groups, else its
    contacts in private."""
    unit_id = session.scalar(select(Obligation.unit_id).where(Obligation.id == obligation_id))
    groups = session.scalars(
        select(Chat.telegram_chat_id)
        .where(Chat.unit_id == unit_id, Chat.kind == "unit", Chat.unreachable.is_(False))
        .order_by(Chat.id)
    )
    contacts = session.scalars(
        select(Contact.telegram_user_id)
        .where(Contact.unit_id == unit_id, Contact.active.is_(True), Contact.role == "contact")
        .order_by(Contact.id)
    )
    return tuple(groups) or tuple(contacts)


def choices_for(pending: PendingUpload, own: dict[str, OwnObligation]) -> tuple[Choice, ...]:
    """The unit's indicators for a pending question: the matcher's ranking first."""
    order = [n for n in pending.candidates if n in own] + [
        n for n in own if n not in pending.candidates
    ]
    return tuple(
        Choice(n, own[n].title, float(pending.scores.get(n, 0.0)), own[n].lead) for n in order
    )
