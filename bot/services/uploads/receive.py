"""Receiving a file: who may upload, duplicates, matching, and filing it or asking.

The bytes are on disk (content-addressed, atomically) before any row points at them, and a
pending question lives in the database, so a restart between the question and the answer
loses nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only, run_prepared
from bot.matching import MatchResult
from bot.models import Campaign, Indicator, Obligation, PendingUpload, Submission, Unit
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import find_campaign, find_unit
from bot.services.handouts import is_blank_template
from bot.services.uploads.admission import check_quota, paced
from bot.services.uploads.checking import TemplateCheck
from bot.services.uploads.files import FileFacts, UploadRequest, check_file
from bot.services.uploads.filing import (
    OwnObligation,
    choices_for,
    file_submission,
    filed,
    filing_targets,
)
from bot.services.uploads.matchers import MatcherCache, match_upload
from bot.services.uploads.results import (
    Admitted,
    BlankTemplate,
    Duplicate,
    Ignored,
    NeedsChoice,
    NotOwed,
    Throttled,
    UploadOutcome,
)
from bot.storage import FileStore
from bot.throttle import Throttle

CHOICES_SHOWN = 3


def uploading_unit(actor: Actor) -> str | None:
    """The unit the actor's files are filed for here; None when a file is mere conversation.

    Contacts upload for their unit in private, anyone in a bound unit group for the group's
    unit. Strangers and unbound groups are told why not; in the coordinator group, someone
    acting for no unit is just sharing a file with colleagues.
    """
    if actor.unit is not None:
        return actor.unit
    if actor.chat_kind == "private":
        raise NotAllowed(texts.UPLOAD_NOT_REGISTERED)
    if actor.chat_kind == "unbound":
        raise NotAllowed(texts.UPLOAD_UNBOUND_GROUP)
    return None


@read_only
def admit_upload(
    uow: UnitOfWork,
    actor: Actor,
    filename: str,
    size: int | None,
    limit_bytes: int,
    throttle: Throttle | None = None,
    quota_bytes: int | None = None,
) -> Admitted | Ignored | Throttled:
    """Before the download: may the actor upload here, and is the file one we take?

    Nothing is downloaded for a stranger, an unbound group, a refused file, a unit over its
    pace (`throttle`, the runtime's) or a campaign over its storage quota, and nothing for a
    file shared as conversation. Without a throttle or a quota, neither limit applies.
    """
    unit = uploading_unit(actor)
    if unit is None:
        return Ignored()
    # The pace first: a flood is turned away before any other check or query.
    if throttle is not None and not paced(throttle, unit, filename):
        return Throttled()
    check_file(filename, size, limit_bytes)
    if quota_bytes is not None:
        check_quota(uow.session, quota_bytes, filename, size)
    return Admitted()


def receive_upload(
    uow: UnitOfWork,
    actor: Actor,
    store: FileStore,
    matchers: MatcherCache,
    request: UploadRequest,
    now: datetime,
) -> UploadOutcome | Ignored:
    """File a stored upload to an obligation, or keep a pending question.

    The actor is looked up again for this transaction, so a group unbound since the file
    was admitted is refused here rather than filed for its old unit.
    """
    unit_name = uploading_unit(actor)
    if unit_name is None:
        return Ignored()
    session = uow.session
    campaign = find_campaign(session, request.campaign_code)
    unit = find_unit(session, unit_name)
    facts = FileFacts.received(request, actor)
    blank = is_blank_template(uow, campaign, facts.sha256)
    if blank is not None:
        return BlankTemplate(blank)  # nothing filed, nothing asked: it has to be filled in
    duplicate = _duplicate_of(session, campaign, unit, facts.sha256)
    if duplicate is not None:
        return duplicate
    # Its own obligations and the indicators it supports (a contribution to the lead's).
    own = filing_targets(session, campaign, unit)
    if not own:
        raise NotAllowed(texts.UPLOAD_NO_OBLIGATIONS, unit=unit.name)
    waiting = _open_pending_for(session, campaign, unit, facts.sha256)
    if waiting is not None:
        # The same file again while its question is open: ask again, don't open a second one.
        return NeedsChoice(waiting.id, waiting.filename, choices_for(waiting, own)[:CHOICES_SHOWN])
    # The slow part (a first matcher build, a peek into a PDF, reading a header row) runs
    # here, in the worker thread the bot calls services in, never on the event loop.
    path = store.path_for(facts.storage_key)
    result = match_upload(
        matchers.for_campaign(session, campaign),
        unit.name,
        facts.filename,
        facts.caption,
        path,
    )
    check = TemplateCheck(uow, campaign, facts.filename, path)
    top = result.candidates[0] if result.candidates else None
    score: float | None
    if result.confident and top is not None and top.indicator in own:
        number, method, score = top.indicator, "auto", top.score
    else:
        # Unsure from the name (新建 Microsoft Excel 工作表.xlsx): a header row that is an owed
        # indicator's template header says where it goes; two alike are asked about first.
        picked, fitting = check.evidence_pick(own)
        if picked is None:
            return _ask(uow, campaign, unit, facts, result, own, fitting)
        number = picked
        method, score = "auto", None  # filed by its header row, not by a name's score
    filing = file_submission(
        session,
        actor,
        campaign,
        unit,
        own[number],
        facts,
        method,
        score,
        now,
        check.differences(number),
    )
    return filed(uow, campaign, unit, filing)


# Statements of the upload path, built once (see bot.db.run_prepared): every upload runs them.
_OPEN_PENDING_FOR_FILE = (
    select(PendingUpload.id)
    .where(
        PendingUpload.campaign_id == bindparam("campaign_id"),
        PendingUpload.unit_id == bindparam("unit_id"),
        PendingUpload.sha256 == bindparam("sha256"),
        PendingUpload.resolved_at.is_(None),
    )
    .order_by(PendingUpload.id)
    .limit(1)
)
_FIRST_LIVE_COPY = (
    select(
        Submission.filename,
        Submission.version,
        Submission.uploaded_at,
        Indicator.number,
        Indicator.title,
    )
    .join(Obligation, Submission.obligation_id == Obligation.id)
    .join(Indicator, Obligation.indicator_id == Indicator.id)
    .where(
        Indicator.campaign_id == bindparam("campaign_id"),
        # The unit's own files, and its contributions filed to the leads it supports.
        or_(
            and_(
                Obligation.unit_id == bindparam("unit_id"),
                Submission.contributed_by_unit_id.is_(None),
            ),
            Submission.contributed_by_unit_id == bindparam("unit_id"),
        ),
        Submission.sha256 == bindparam("sha256"),
        Submission.withdrawn_at.is_(None),
    )
    .order_by(Submission.uploaded_at)
    .limit(1)
)


def _duplicate_of(
    session: Session, campaign: Campaign, unit: Unit, sha256: str
) -> Duplicate | None:
    keys = {"campaign_id": campaign.id, "unit_id": unit.id, "sha256": sha256}
    row = run_prepared(session, _FIRST_LIVE_COPY, **keys).first()
    if row is None:
        return None
    return Duplicate(row.filename, row.number, row.title, row.version, row.uploaded_at)


def _open_pending_for(
    session: Session, campaign: Campaign, unit: Unit, sha256: str
) -> PendingUpload | None:
    keys = {"campaign_id": campaign.id, "unit_id": unit.id, "sha256": sha256}
    # Almost always none: look for its id first, load the row only when there is one.
    pending_id = run_prepared(session, _OPEN_PENDING_FOR_FILE, **keys).scalar()
    return session.get(PendingUpload, pending_id) if pending_id is not None else None


def _indicator(session: Session, campaign: Campaign, number: str) -> Indicator | None:
    return session.scalar(
        select(Indicator).where(Indicator.campaign_id == campaign.id, Indicator.number == number)
    )


def _ask(
    uow: UnitOfWork,
    campaign: Campaign,
    unit: Unit,
    facts: FileFacts,
    result: MatchResult,
    own: dict[str, OwnObligation],
    first: list[str] | None = None,
) -> NeedsChoice | NotOwed:
    """Keep a pending question (it survives restarts) and say what to offer: `first` (the
    indicators whose templates the file fits) ahead of the matcher's ranking."""
    ranked = list(first or [])
    ranked += [c.indicator for c in result.candidates if c.indicator in own]
    ranked = list(dict.fromkeys(ranked))
    ranked += [n for n in own if n not in ranked]
    pending = PendingUpload(
        **facts.columns(),
        campaign_id=campaign.id,
        unit_id=unit.id,
        candidates=ranked,
        scores={c.indicator: c.score for c in result.candidates},
    )
    uow.session.add(pending)
    uow.session.flush()
    choices = choices_for(pending, own)
    uow.commit()
    top = result.candidates[0] if result.candidates else None
    if result.confident and top is not None and top.indicator not in own:
        # Clearly another unit's indicator: say so, and offer every one of the unit's own.
        indicator = _indicator(uow.session, campaign, top.indicator)
        title = indicator.title if indicator else ""
        return NotOwed(pending.id, facts.filename, top.indicator, title, unit.name, choices)
    return NeedsChoice(pending.id, facts.filename, choices[:CHOICES_SHOWN])
