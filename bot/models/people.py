"""Who the bot knows: contacts, invites, bound chats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, utcnow
from bot.models.campaign import Unit


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
