"""Files received: submissions, questions still open, task tables waiting for 确认."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, utcnow
from bot.models.campaign import Obligation, Unit


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
    # How the file differs from its indicator's template when it was filed (a list of
    # bot.structure.Difference as JSON); None when it agrees or there was nothing to compare.
    template_differences: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

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
