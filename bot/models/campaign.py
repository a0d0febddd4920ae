"""A campaign and what it asks: groups, indicators, units, obligations, exemptions,
supporting units and templates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.config import DEFAULT_TIMEZONE
from bot.models.base import Base, utcnow

if TYPE_CHECKING:  # mapped by name through the registry; imported for the type checker
    from bot.models.files import Submission


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
