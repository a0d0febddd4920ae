"""Receiving a file: store it, recognise duplicates, match it, and file it or ask.

The bytes are on disk (content-addressed, atomically) before any row points at them, and a
pending choice lives in the database, so a restart between the question and the answer
loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from threading import Lock

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session, selectinload

from bot import texts
from bot.db import UnitOfWork, run_prepared
from bot.filecheck import check_content
from bot.matching import IndicatorProfile, Matcher, MatchResult, load_glossary, needs_content
from bot.models import (
    AuditEvent,
    Campaign,
    Indicator,
    Obligation,
    PendingUpload,
    Submission,
    Unit,
)
from bot.peek import peek_text
from bot.progress import OwedIndicator
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import still_owed, unit_obligation_rows
from bot.storage import FileStore, StoredFile

log = logging.getLogger(__name__)

CHOICES_SHOWN = 3

# Office, WPS, PDF, images, archives and plain data; everything else is refused.
ALLOWED_EXTENSIONS = frozenset(
    {
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "wps",
        "et",
        "dps",
        "pdf",
        "ofd",
        "txt",
        "csv",
        "rtf",
        "odt",
        "ods",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "webp",
        "heic",
        "zip",
        "rar",
        "7z",
    }
)


@dataclass(frozen=True)
class FileCheck:
    ok: bool
    reason: str = ""  # catalog text, filled


def check_file(filename: str, size: int | None, limit_bytes: int) -> FileCheck:
    """Refuse empty, oversized and disallowed files before downloading them."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if size is not None and size > limit_bytes:
        return FileCheck(
            False,
            texts.UPLOAD_TOO_BIG.format(
                filename=filename, size_mb=size / 1024 / 1024, limit_mb=limit_bytes // 1024 // 1024
            ),
        )
    if size == 0:
        return FileCheck(False, texts.UPLOAD_EMPTY.format(filename=filename))
    if extension not in ALLOWED_EXTENSIONS:
        return FileCheck(False, texts.UPLOAD_TYPE_REFUSED.format(filename=filename))
    return FileCheck(True)


@dataclass(frozen=True)
class UploadRequest:
    actor: Actor
    filename: str
    caption: str
    mime_type: str
    stored: StoredFile  # see store_content: the bytes are on disk before anything is recorded
    telegram_file_id: str = ""
    telegram_file_unique_id: str = ""
    campaign_code: str | None = None


@dataclass(frozen=True)
class FileFacts:
    """A stored file and who sent it: what a submission or a pending question records."""

    filename: str
    caption: str
    size: int
    mime_type: str
    sha256: str
    storage_key: str
    telegram_file_id: str
    telegram_file_unique_id: str
    uploaded_by: int | None
    uploader_name: str
    chat_id: int | None
    password_protected: bool = False

    @classmethod
    def of(cls, row: Submission | PendingUpload) -> FileFacts:
        """The facts a submission or pending upload already holds."""
        return cls(
            row.filename,
            row.caption,
            row.size,
            row.mime_type,
            row.sha256,
            row.storage_key,
            row.telegram_file_id,
            row.telegram_file_unique_id,
            row.uploaded_by,
            row.uploader_name,
            row.chat_id,
            row.password_protected,
        )


@dataclass(frozen=True)
class Choice:
    number: str
    title: str
    score: float


@dataclass(frozen=True)
class Filed:
    submission_id: int
    number: str
    title: str
    filename: str
    size: int
    method: str
    unit: str
    still_owed: tuple[OwedIndicator, ...]
    password_protected: bool = False


@dataclass(frozen=True)
class NeedsChoice:
    pending_id: int
    filename: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class NotOwed:
    pending_id: int
    filename: str
    number: str
    title: str
    unit: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Duplicate:
    filename: str
    number: str
    title: str
    version: int
    uploaded_at: datetime


UploadOutcome = Filed | NeedsChoice | NotOwed | Duplicate


# --- matcher per campaign -----------------------------------------------------------------------


class MatcherCache:
    """One Matcher per campaign version: building it is the slow part, matching is cheap."""

    def __init__(self, glossary_file: Path | None) -> None:
        self._glossary = (
            load_glossary(glossary_file) if glossary_file and glossary_file.exists() else None
        )
        self._matchers: dict[tuple[int, datetime], Matcher] = {}
        self._lock = Lock()

    def for_campaign(self, session: Session, campaign: Campaign) -> Matcher:
        key = (campaign.id, campaign.imported_at)
        with self._lock:
            matcher = self._matchers.get(key)
            if matcher is None:
                matcher = Matcher(
                    campaign_profiles(session, campaign),
                    self._glossary,
                    unit_names=session.scalars(select(Unit.name)),
                )
                self._matchers = {
                    key: matcher,
                    **{k: v for k, v in self._matchers.items() if k[0] != campaign.id},
                }
            return matcher


def campaign_profiles(session: Session, campaign: Campaign) -> list[IndicatorProfile]:
    """The matcher's view of the campaign's live indicators."""
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
        .options(
            selectinload(Indicator.obligations).selectinload(Obligation.unit),
            selectinload(Indicator.group),
        )
        .order_by(Indicator.position)
    )
    return [
        IndicatorProfile(
            number=i.number,
            title=i.title,
            key_points=i.key_points,
            material=i.material,
            keywords=tuple(i.keywords),
            units=frozenset(o.unit.name for o in i.obligations if not o.archived),
            group_title=i.group.title if i.group else "",
        )
        for i in indicators
    ]


def match_upload(
    matcher: Matcher, unit: str | None, filename: str, caption: str, path: Path | None
) -> MatchResult:
    """Match by name and caption; look inside the file only when they are not enough."""
    result = matcher.match(unit, filename, caption)
    if path is not None and needs_content(result):
        content = peek_text(path)
        if content:
            result = matcher.match(unit, filename, caption, content=content)
    return result


# --- receiving --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedFile(StoredFile):
    """Stored bytes that passed the content check, and what the check noticed."""

    password_protected: bool = False


def store_content(store: FileStore, content: bytes | Path, filename: str) -> ReceivedFile:
    """Check received bytes (or a file holding them), then put them in the store: the first
    step of an upload. A file the content check refuses raises its `FileRefused` and is
    never stored.

    Only disk work (the check, hashing, writing, two fsyncs; a copy of up to 2 GB from a local
    Bot API server), no database: the bot runs it in a worker thread so other updates go on.
    """
    verdict = check_content(content, filename)
    stored = store.put_file(content) if isinstance(content, Path) else store.put_bytes(content)
    return ReceivedFile(stored.sha256, stored.size, stored.key, verdict.password_protected)


def receive_upload(
    uow: UnitOfWork, store: FileStore, matchers: MatcherCache, request: UploadRequest, now: datetime
) -> UploadOutcome:
    """File a stored upload to an obligation, or keep a pending choice."""
    actor = request.actor
    if actor.unit is None:
        raise NotAllowed(
            texts.UPLOAD_NOT_REGISTERED
            if actor.chat_kind == "private"
            else texts.UPLOAD_UNBOUND_GROUP
        )
    session = uow.session
    campaign = find_campaign(session, request.campaign_code)
    unit = find_unit(session, actor.unit)
    stored = request.stored
    facts = FileFacts(
        request.filename,
        request.caption,
        stored.size,
        request.mime_type,
        stored.sha256,
        stored.key,
        request.telegram_file_id,
        request.telegram_file_unique_id,
        actor.user_id,
        actor.name,
        actor.chat_id,
        isinstance(stored, ReceivedFile) and stored.password_protected,
    )
    duplicate = _duplicate_of(session, campaign, unit, stored.sha256)
    if duplicate is not None:
        return duplicate
    own = _own_obligations(session, campaign, unit)
    if not own:
        raise NotAllowed(texts.UPLOAD_NO_OBLIGATIONS.format(unit=unit.name))
    waiting = _open_pending_for(session, campaign, unit, stored.sha256)
    if waiting is not None:
        # The same file again while its question is open: ask again, don't open a second one.
        return NeedsChoice(waiting.id, waiting.filename, _choices(waiting, own)[:CHOICES_SHOWN])
    result = match_upload(
        matchers.for_campaign(session, campaign),
        unit.name,
        request.filename,
        request.caption,
        store.path_for(stored.key),
    )
    top = result.candidates[0] if result.candidates else None
    if result.confident and top is not None and top.indicator in own:
        filing = _file(session, unit, own[top.indicator], facts, "auto", top.score, now)
        return _filed(uow, campaign, unit, filing)
    pending = _pending(session, campaign, unit, facts, result, own)
    choices = _choices(pending, own)
    uow.commit()
    if result.confident and top is not None and top.indicator not in own:
        indicator = _indicator(session, campaign, top.indicator)
        return NotOwed(
            pending.id,
            request.filename,
            top.indicator,
            indicator.title if indicator else "",
            unit.name,
            choices,
        )
    return NeedsChoice(pending.id, request.filename, choices[:CHOICES_SHOWN])


def all_choices(uow: UnitOfWork, pending_id: int, actor: Actor) -> NeedsChoice:
    """Every indicator the unit owes, for [全部指标]."""
    pending = _open_pending(uow.session, pending_id, actor)
    campaign = uow.session.get_one(Campaign, pending.campaign_id)
    unit = uow.session.get_one(Unit, pending.unit_id)
    own = _own_obligations(uow.session, campaign, unit)
    return NeedsChoice(pending.id, pending.filename, _choices(pending, own))


def choose_indicator(
    uow: UnitOfWork, pending_id: int, number: str, actor: Actor, now: datetime
) -> Filed:
    """File a pending upload to the indicator the person picked."""
    session = uow.session
    pending = _open_pending(session, pending_id, actor)
    campaign = session.get_one(Campaign, pending.campaign_id)
    unit = session.get_one(Unit, pending.unit_id)
    own = _own_obligations(session, campaign, unit)
    if number not in own:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    score = pending.scores.get(number)
    filing = _file(
        session,
        unit,
        own[number],
        FileFacts.of(pending),
        "chosen",
        float(score) if score is not None else None,
        now,
    )
    pending.resolved_at = now
    pending.resolution = f"chosen:{number}"
    return _filed(uow, campaign, unit, filing)


def cancel_pending(uow: UnitOfWork, pending_id: int, actor: Actor, now: datetime) -> str:
    """Drop a pending upload; returns its file name."""
    pending = _open_pending(uow.session, pending_id, actor)
    pending.resolved_at = now
    pending.resolution = "cancelled"
    uow.commit()
    return pending.filename


def withdraw(uow: UnitOfWork, submission_id: int, actor: Actor, now: datetime) -> Submission:
    """Withdraw a submission of the actor's unit (or any, for a coordinator)."""
    submission = _own_submission(uow.session, submission_id, actor)
    submission.withdrawn_at = now
    uow.session.add(
        AuditEvent(
            actor=str(actor.user_id),
            action="withdraw",
            unit_id=submission.obligation.unit_id,
            detail={"submission": submission.id},
        )
    )
    uow.commit()
    return submission


def reclassify_choices(
    uow: UnitOfWork, submission_id: int, actor: Actor
) -> tuple[str, tuple[Choice, ...]]:
    """The file name and the other indicators its unit owes, for [改归类]."""
    submission = _own_submission(uow.session, submission_id, actor)
    obligation = submission.obligation
    campaign = obligation.indicator.campaign
    own = _own_obligations(uow.session, campaign, obligation.unit)
    choices = tuple(
        Choice(n, o.title, 0.0) for n, o in own.items() if o.obligation_id != obligation.id
    )
    return submission.filename, choices


def reclassify(
    uow: UnitOfWork, submission_id: int, number: str, actor: Actor, now: datetime
) -> tuple[str, Filed]:
    """Move a submission to another indicator of its unit; returns the old number and the filing."""
    session = uow.session
    old = _own_submission(session, submission_id, actor)
    obligation = old.obligation
    campaign = obligation.indicator.campaign
    own = _own_obligations(session, campaign, obligation.unit)
    if number not in own:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    old.withdrawn_at = now
    moved = _file(session, obligation.unit, own[number], FileFacts.of(old), "corrected", None, now)
    return obligation.indicator.number, _filed(uow, campaign, obligation.unit, moved)


# --- helpers of this module ---------------------------------------------------------------------


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
        Obligation.unit_id == bindparam("unit_id"),
        Submission.sha256 == bindparam("sha256"),
        Submission.withdrawn_at.is_(None),
    )
    .order_by(Submission.uploaded_at)
    .limit(1)
)
_LAST_VERSION = select(func.max(Submission.version)).where(
    Submission.obligation_id == bindparam("obligation_id")
)
_INSERT_SUBMISSION = insert(Submission).returning(Submission.id)
_INSERT_AUDIT_EVENT = insert(AuditEvent)


@dataclass(frozen=True)
class OwnObligation:
    """One of the unit's live obligations, as filing needs it."""

    obligation_id: int
    number: str
    title: str


def _own_obligations(session: Session, campaign: Campaign, unit: Unit) -> dict[str, OwnObligation]:
    rows = unit_obligation_rows(session, campaign, unit)
    return {row.number: OwnObligation(row.id, row.number, row.title) for row in rows}


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


def _duplicate_of(
    session: Session, campaign: Campaign, unit: Unit, sha256: str
) -> Duplicate | None:
    keys = {"campaign_id": campaign.id, "unit_id": unit.id, "sha256": sha256}
    row = run_prepared(session, _FIRST_LIVE_COPY, **keys).first()
    if row is None:
        return None
    return Duplicate(row.filename, row.number, row.title, row.version, row.uploaded_at)


def _file(
    session: Session,
    unit: Unit,
    obligation: OwnObligation,
    facts: FileFacts,
    method: str,
    score: float | None,
    now: datetime,
) -> Filing:
    session.flush()  # a withdrawal in this transaction must be seen by the next query
    last = run_prepared(session, _LAST_VERSION, obligation_id=obligation.obligation_id).scalar()
    submission_id: int = run_prepared(
        session,
        _INSERT_SUBMISSION,
        obligation_id=obligation.obligation_id,
        version=(last or 0) + 1,
        uploaded_by=facts.uploaded_by,
        uploader_name=facts.uploader_name,
        uploaded_at=now,
        filename=facts.filename,
        caption=facts.caption,
        size=facts.size,
        mime_type=facts.mime_type,
        sha256=facts.sha256,
        storage_key=facts.storage_key,
        telegram_file_id=facts.telegram_file_id,
        telegram_file_unique_id=facts.telegram_file_unique_id,
        chat_id=facts.chat_id,
        password_protected=facts.password_protected,
        match_method=method,
        match_score=score,
    ).scalar_one()
    run_prepared(
        session,
        _INSERT_AUDIT_EVENT,
        actor=str(facts.uploaded_by),
        action="submit",
        unit_id=unit.id,
        detail={"submission": submission_id, "method": method},
    )
    return Filing(
        submission_id, facts.filename, facts.size, method, obligation, facts.password_protected
    )


@dataclass(frozen=True)
class Filing:
    """A submission just added, and the obligation it was filed to."""

    submission_id: int
    filename: str
    size: int
    method: str
    obligation: OwnObligation
    password_protected: bool = False


def _filed(uow: UnitOfWork, campaign: Campaign, unit: Unit, filing: Filing) -> Filed:
    owed = tuple(still_owed(uow.session, campaign, unit))  # in the same transaction
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
    )


def _pending(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    facts: FileFacts,
    result: MatchResult,
    own: dict[str, OwnObligation],
) -> PendingUpload:
    ranked = [c.indicator for c in result.candidates if c.indicator in own]
    ranked += [n for n in own if n not in ranked]
    pending = PendingUpload(
        campaign_id=campaign.id,
        unit_id=unit.id,
        uploaded_by=facts.uploaded_by,
        uploader_name=facts.uploader_name,
        chat_id=facts.chat_id,
        filename=facts.filename,
        caption=facts.caption,
        size=facts.size,
        mime_type=facts.mime_type,
        sha256=facts.sha256,
        storage_key=facts.storage_key,
        telegram_file_id=facts.telegram_file_id,
        telegram_file_unique_id=facts.telegram_file_unique_id,
        password_protected=facts.password_protected,
        candidates=ranked,
        scores={c.indicator: c.score for c in result.candidates},
    )
    session.add(pending)
    session.flush()
    return pending


def _choices(pending: PendingUpload, own: dict[str, OwnObligation]) -> tuple[Choice, ...]:
    order = [n for n in pending.candidates if n in own] + [
        n for n in own if n not in pending.candidates
    ]
    return tuple(Choice(n, own[n].title, float(pending.scores.get(n, 0.0))) for n in order)


def _open_pending(session: Session, pending_id: int, actor: Actor) -> PendingUpload:
    pending = session.get(PendingUpload, pending_id)
    if pending is None or pending.resolved_at is not None:
        raise ChoiceGone(texts.UPLOAD_CHOICE_GONE)
    unit = session.get_one(Unit, pending.unit_id)
    if not actor.is_coordinator and actor.unit != unit.name:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    return pending


def _own_submission(session: Session, submission_id: int, actor: Actor) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None or submission.withdrawn_at is not None:
        raise ChoiceGone(texts.UPLOAD_CHOICE_GONE)
    if not actor.is_coordinator and actor.unit != submission.obligation.unit.name:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    return submission


class ChoiceGone(Exception):
    """The button refers to something already handled (answered, withdrawn, cancelled)."""
