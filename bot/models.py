"""Typed SQLAlchemy 2 models of the domain in DESIGN.md.

Status of an obligation is never stored: it is derived from its submissions (see
bot.services.obligations), so it cannot disagree with them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.config import DEFAULT_TIMEZONE

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which drops the zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's documented class attribute
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class Campaign(Base):
    """An assessment campaign: one imported task-division table."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    stats_start: Mapped[date | None]
    stats_end: Mapped[date | None]
    deadline: Mapped[datetime | None]
    division_deadline: Mapped[datetime | None]
    reminder_rules: Mapped[list[str]] = mapped_column(default=list)
    quiet_dates: Mapped[list[str]] = mapped_column(default=list)
    # Weekend dates the campaign works (调休上班日), from its 活动设置 sheet: reminders go out.
    extra_workdays: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    active: Mapped[bool] = mapped_column(default=True)
    source_file: Mapped[str] = mapped_column(String(500), default="")
    # What the last import read (file bytes + command-line overrides): an unchanged table is
    # not applied again, so `make run` keeps deadlines and rules changed in chat since.
    source_fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The fingerprints of the tables it was given before that one: a table replaced since
    # (make run's data/campaigns file after an /import in chat) is not applied again by itself.
    past_fingerprints: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    # What the last import read for the values chat may change too (deadlines, reminder
    # rules): a value changed in chat is kept until the table changes that same value.
    imported_values: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    groups: Mapped[list[IndicatorGroup]] = relationship(
        back_populates="campaign", order_by="IndicatorGroup.position"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="campaign", order_by="Indicator.position"
    )


class IndicatorGroup(Base):
    """A group of indicators (考核指标 一…五)."""

    __tablename__ = "indicator_group"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="groups")


class Indicator(Base):
    """One assessment indicator with what must be delivered for it."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_group.id", ondelete="SET NULL")
    )
    number: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    key_points: Mapped[str] = mapped_column(Text, default="")
    material: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(default=list)
    score: Mapped[str] = mapped_column(String(32), default="")
    template_hint: Mapped[str] = mapped_column(Text, default="")
    # None: the campaign's deadline applies.
    deadline: Mapped[datetime | None]
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)

    campaign: Mapped[Campaign] = relationship(back_populates="indicators")
    group: Mapped[IndicatorGroup | None] = relationship()
    obligations: Mapped[list[Obligation]] = relationship(back_populates="indicator")
    supports: Mapped[list[IndicatorSupport]] = relationship(back_populates="indicator")

    @property
    def effective_deadline(self) -> datetime | None:
        """The indicator's own deadline, else the campaign's."""
        return self.deadline or self.campaign.deadline


class Unit(Base):
    """A responsible unit (责任单位); shared across campaigns."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.alias"
    )


class UnitAlias(Base):
    """Another name of a unit (县法院 for 县人民法院)."""

    __tablename__ = "unit_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(100), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class Obligation(Base):
    """Indicator × unit: the unit must deliver material for the indicator."""

    __tablename__ = "obligation"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    archived: Mapped[bool] = mapped_column(default=False)
    # The unit's own extended deadline (/extend); None: the indicator's, else the campaign's.
    deadline: Mapped[datetime | None]

    indicator: Mapped[Indicator] = relationship(back_populates="obligations")
    unit: Mapped[Unit] = relationship()
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="obligation", order_by="Submission.version"
    )
    exemptions: Mapped[list[Exemption]] = relationship(
        back_populates="obligation", order_by="Exemption.id"
    )

    @property
    def effective_deadline(self) -> datetime | None:
        """The unit's own deadline, else the indicator's, else the campaign's."""
        return self.deadline or self.indicator.effective_deadline


class Exemption(Base):
    """A request to excuse a unit from an obligation (不适用/豁免), and the coordinator's
    decision. An approved one makes the obligation `excused`; the status stays derived."""

    __tablename__ = "exemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("obligation.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="requested")  # approved, refused
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[int | None] = mapped_column(BigInteger)
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decider_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    obligation: Mapped[Obligation] = relationship(back_populates="exemptions")


class IndicatorSupport(Base):
    """A supporting unit of an indicator (配合单位): it supplies its part to the lead units,
    whose obligations these are; it owes nothing itself (no progress, no reminders of its own).
    """

    __tablename__ = "indicator_support"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))

    indicator: Mapped[Indicator] = relationship(back_populates="supports")
    unit: Mapped[Unit] = relationship()


class Contact(Base):
    """A Telegram user registered for a unit, or as a coordinator."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16), default="contact")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class Invite(Base):
    """A single-use, expiring registration token behind a deep link."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="contact")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)

    unit: Mapped[Unit | None] = relationship()


class Chat(Base):
    """A Telegram group bound to a unit, or the coordinator group."""

    __tablename__ = "chat"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "unit" | "coordinator"
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    bound_by: Mapped[int | None] = mapped_column(BigInteger)
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminders_paused: Mapped[bool] = mapped_column(default=False)
    # Set when Telegram answers 403 (the bot was removed); its unit falls back to private chats.
    unreachable: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit | None] = relationship()


class FileColumns:
    """A received file and who sent it: the columns a submission and a pending upload share.

    Declared once here; bot.services.uploads.FileFacts carries exactly these between the two
    (a test holds them equal), so a new fact about a file is one column here and one field there.
    """

    filename: Mapped[str] = mapped_column(String(300))
    caption: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    mime_type: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    telegram_file_id: Mapped[str] = mapped_column(String(300), default="")
    telegram_file_unique_id: Mapped[str] = mapped_column(String(100), default="")
    uploaded_by: Mapped[int | None] = mapped_column(BigInteger)
    uploader_name: Mapped[str] = mapped_column(String(200), default="")
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # The content check found an open password: the reviewer needs it from the unit.
    password_protected: Mapped[bool] = mapped_column(default=False, server_default=false())


class Submission(FileColumns, Base):
    """One delivered file for an obligation, with how it was matched and reviewed."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("obligation_id", "version"),
        Index("ix_submission_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligation.id", ondelete="CASCADE"))
    version: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    match_method: Mapped[str] = mapped_column(String(16), default="auto")
    match_score: Mapped[float | None]
    review_status: Mapped[str] = mapped_column(String(16), default="submitted")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # A supporting unit's contribution (配合材料) to the lead's obligation: it counts as the
    # lead's delivery only once adopted by the lead's people or a coordinator.
    contributed_by_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL")
    )
    adopted_at: Mapped[datetime | None]
    adopted_by: Mapped[int | None] = mapped_column(BigInteger)
    # 收一次，用多处: the submission this one was linked from (same stored file, another
    # obligation of the same unit); None for a file delivered for this obligation itself.
    link_of: Mapped[int | None] = mapped_column(ForeignKey("submission.id", ondelete="SET NULL"))

    obligation: Mapped[Obligation] = relationship(back_populates="submissions")
    contributor: Mapped[Unit | None] = relationship()

    @property
    def contributor_name(self) -> str | None:
        """The supporting unit of a contribution; None for the obligation's own unit's file."""
        return self.contributor.name if self.contributor is not None else None


class PendingUpload(FileColumns, Base):
    """A stored file waiting for its uploader to choose the indicator (survives restarts)."""

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    candidates: Mapped[list[str]] = mapped_column(default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(String(32), default="")


class PendingImport(Base):
    """A task table sent in chat with /import, previewed and waiting for [确认导入] or [取消].

    Kept in the database (the file in the store) so that a restart between the preview and
    the press loses nothing; resolved once, so a second press is told it was handled.
    """

    __tablename__ = "pending_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by: Mapped[int] = mapped_column(BigInteger)
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    chat_id: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    campaign_code: Mapped[str] = mapped_column(String(64), default="")  # as the preview said
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(String(32), default="")  # "imported" | "cancelled"


class ReminderDispatch(Base):
    """One reminder message for (campaign, unit, chat, rule, due time): the exactly-once ledger."""

    __tablename__ = "reminder_dispatch"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "chat_id", "rule", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what, when."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class InboxUpdate(Base):
    """A received Telegram update, kept until handled: PTB confirms updates before handling."""

    __tablename__ = "inbox_update"

    # Update ids are only unique per bot: a new token on the same database starts afresh.
    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


class Template(Base):
    """A file handed out for an indicator (several allowed); never a submission. Its structure
    (header rows, headings) is what uploads for the indicator are compared with."""

    __tablename__ = "template"
    __table_args__ = (
        UniqueConstraint("indicator_id", "sha256"),
        Index("ix_template_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    # Set by the first send (or by the coordinator's own upload): later sends reuse it.
    telegram_file_id: Mapped[str | None] = mapped_column(String(300))
    structure: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")

    indicator: Mapped[Indicator] = relationship()
