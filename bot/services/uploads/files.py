"""The file itself: which files are taken, putting the bytes in the store, and the facts a
submission or a pending question records about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from bot import texts
from bot.filecheck import check_content
from bot.models import FileColumns
from bot.refusals import Refusal
from bot.services.access import Actor
from bot.storage import FileStore, StoredFile

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


class FileRefused(Refusal):
    """An empty, oversized or disallowed file: refused before it is downloaded."""


def check_file(filename: str, size: int | None, limit_bytes: int) -> None:
    """Refuse empty, oversized and disallowed files (by what Telegram says of them)."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if size is not None and size > limit_bytes:
        raise FileRefused(
            texts.UPLOAD_TOO_BIG,
            filename=filename,
            size_mb=f"{size / 1024 / 1024:.1f}",
            limit_mb=limit_bytes // 1024 // 1024,
        )
    if size == 0:
        raise FileRefused(texts.UPLOAD_EMPTY, filename=filename)
    if extension not in ALLOWED_EXTENSIONS:
        raise FileRefused(texts.UPLOAD_TYPE_REFUSED, filename=filename)


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


@dataclass(frozen=True)
class UploadRequest:
    """A received file, already in the store, as the Telegram layer describes it."""

    filename: str
    caption: str
    mime_type: str
    stored: StoredFile  # see store_content: the bytes are on disk before anything is recorded
    telegram_file_id: str = ""
    telegram_file_unique_id: str = ""
    campaign_code: str | None = None


@dataclass(frozen=True)
class FileFacts:
    """A stored file and who sent it: exactly the columns of bot.models.FileColumns.

    Every file column flows through here: from a request into a pending question or a
    submission, and from a pending question or an old submission into a new submission.
    """

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
    def received(cls, request: UploadRequest, sender: Actor) -> FileFacts:
        """The facts of a file just received from `sender`."""
        stored = request.stored
        return cls(
            filename=request.filename,
            caption=request.caption,
            size=stored.size,
            mime_type=request.mime_type,
            sha256=stored.sha256,
            storage_key=stored.key,
            telegram_file_id=request.telegram_file_id,
            telegram_file_unique_id=request.telegram_file_unique_id,
            uploaded_by=sender.user_id,
            uploader_name=sender.name,
            chat_id=sender.chat_id,
            password_protected=isinstance(stored, ReceivedFile) and stored.password_protected,
        )

    @classmethod
    def of(cls, row: FileColumns) -> FileFacts:
        """The facts a submission or pending upload already holds."""
        return cls(**{field.name: getattr(row, field.name) for field in fields(cls)})

    def columns(self) -> dict[str, Any]:
        """The facts as column values, for a new Submission or PendingUpload."""
        return asdict(self)
