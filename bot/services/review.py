"""Coordinators review submissions: accept, or return with a reason the unit is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Chat, Contact, Indicator, Obligation, Submission
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import find_campaign
from bot.services.obligations import COUNTS_AS_DELIVERY
from bot.structure import Difference, differences_from_json
from bot.structure.sentences import differences_text

REVIEW_PAGE = 10


@dataclass(frozen=True)
class ReviewItem:
    submission_id: int
    unit: str
    number: str
    title: str
    filename: str
    size: int
    version: int
    uploaded_at: datetime
    uploader: str
    status: str
    password_protected: bool = False
    differences: tuple[Difference, ...] = ()  # how it differs from its template (the flag)


@dataclass(frozen=True)
class ReviewQueue:
    total: int
    items: tuple[ReviewItem, ...]
    timezone: str


@dataclass(frozen=True)
class Returned:
    item: ReviewItem
    reason: str
    notify_chats: tuple[int, ...]  # the unit's groups, or its contacts when it has none


class AlreadyReviewed(Refusal):
    """The submission is no longer waiting for review."""


def _item(submission: Submission) -> ReviewItem:
    obligation = submission.obligation
    return ReviewItem(
        submission.id,
        obligation.unit.name,
        obligation.indicator.number,
        obligation.indicator.title,
        submission.filename,
        submission.size,
        submission.version,
        submission.uploaded_at,
        submission.uploader_name,
        submission.review_status,
        submission.password_protected,
        differences_from_json(submission.template_differences),
    )


@read_only
def review_queue(
    uow: UnitOfWork, actor: Actor, campaign_code: str | None = None, limit: int = REVIEW_PAGE
) -> ReviewQueue:
    """Submissions waiting for review, oldest first."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    campaign = find_campaign(uow.session, campaign_code)
    waiting = (
        select(Submission)
        .join(Obligation)
        .join(Indicator)
        .where(
            Indicator.campaign_id == campaign.id,
            Submission.review_status == "submitted",
            Submission.withdrawn_at.is_(None),
            Obligation.archived.is_(False),
            COUNTS_AS_DELIVERY,  # a contribution is reviewed once its lead adopts it
        )
    )
    total = uow.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    rows = uow.session.scalars(
        waiting.options(
            selectinload(Submission.obligation).selectinload(Obligation.unit),
            selectinload(Submission.obligation).selectinload(Obligation.indicator),
        )
        .order_by(Submission.uploaded_at, Submission.id)
        .limit(limit)
    )
    return ReviewQueue(total, tuple(_item(s) for s in rows), campaign.timezone)


def _waiting(uow: UnitOfWork, submission_id: int, actor: Actor) -> Submission:
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    submission = uow.session.get(Submission, submission_id)
    if submission is None or submission.withdrawn_at is not None:
        raise AlreadyReviewed(texts.UPLOAD_CHOICE_GONE)
    if submission.review_status != "submitted":
        status = texts.STATUS_NAME.get(submission.review_status, submission.review_status)
        raise AlreadyReviewed(texts.REVIEW_ALREADY, status=status)
    return submission


@read_only
def describe(uow: UnitOfWork, actor: Actor, submission_id: int) -> ReviewItem:
    """The submission awaiting review (for the reason prompt)."""
    return _item(_waiting(uow, submission_id, actor))


def accept(uow: UnitOfWork, actor: Actor, submission_id: int, now: datetime) -> ReviewItem:
    submission = _waiting(uow, submission_id, actor)
    submission.review_status = "accepted"
    submission.reviewed_by = actor.user_id
    submission.reviewed_at = now
    audit(
        uow.session,
        actor,
        "accept",
        unit_id=submission.obligation.unit_id,
        submission=submission.id,
    )
    item = _item(submission)
    uow.commit()
    return item


def return_for_differences(
    uow: UnitOfWork,
    actor: Actor,
    submission_id: int,
    now: datetime,
) -> Returned:
    """[按模板差异退回]: return the submission with how it differs from its template as the
    reason, in plain words (a normal return: the unit is told)."""
    differences = _item(_waiting(uow, submission_id, actor)).differences
    if not differences:
        raise NotAllowed(texts.REVIEW_NO_DIFFERENCES)
    # The reason is stored as plain text, as if the coordinator had typed it.
    return return_submission(uow, actor, submission_id, differences_text(differences), now)


def return_submission(
    uow: UnitOfWork, actor: Actor, submission_id: int, reason: str, now: datetime
) -> Returned:
    """Send a submission back; the obligation is owed again and the unit must be told."""
    reason = reason.strip()
    if not reason:
        raise NotAllowed(texts.REVIEW_REASON_EMPTY)
    submission = _waiting(uow, submission_id, actor)
    submission.review_status = "returned"
    submission.review_comment = reason[:1000]
    submission.reviewed_by = actor.user_id
    submission.reviewed_at = now
    unit_id = submission.obligation.unit_id
    audit(
        uow.session,
        actor,
        "return",
        unit_id=unit_id,
        submission=submission.id,
        reason=reason[:1000],
    )
    groups = tuple(
        uow.session.scalars(
            select(Chat.telegram_chat_id).where(
                Chat.unit_id == unit_id, Chat.kind == "unit", Chat.unreachable.is_(False)
            )
        )
    )
    contacts = tuple(
        uow.session.scalars(
            select(Contact.telegram_user_id).where(
                Contact.unit_id == unit_id, Contact.active.is_(True)
            )
        )
    )
    item = _item(submission)
    uow.commit()
    return Returned(item, reason, groups or contacts)
