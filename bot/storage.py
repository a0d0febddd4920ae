"""Content-addressed file store: bytes land under their sha256, whole or not at all.

Layout: `root/ab/cd/<sha256>`, where `ab` and `cd` are the first two byte pairs of the digest.
A write goes to a `.tmp-*` file directly under `root` (same filesystem, so the final
`os.replace` is atomic), is hashed while it is copied, fsynced, and only then renamed to its
final name. A final name therefore always holds exactly the bytes its name promises.

A file's modification time is its last write: storing bytes that are already there touches
it, so the sweep of unreferenced files (bot/services/housekeeping.py) leaves it alone while
the row that will point at it is being written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
TEMP_PREFIX = ".tmp-"
MAX_FILENAME_BYTES = 200
# An "extension" longer than this is part of the name, not a type suffix worth keeping.
MAX_EXTENSION_BYTES = 16
UNNAMED_FILE = "未命名文件"

_KEY = re.compile(r"(?P<a>[0-9a-f]{2})/(?P<b>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})")
_SEPARATORS = re.compile(r"[/\\]+")
# Characters Windows refuses in names: the export is opened on Windows desktops.
_UNSAFE_CHARS = re.compile(r'[:*?"<>|]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{n}" for n in range(1, 10)]
    + [f"LPT{n}" for n in range(1, 10)]
)


class ByteSource(Protocol):
    """Anything with a binary `read(size)`: an open file, BytesIO, a download stream."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True)
class BlobInfo:
    """A stored file as the sweep sees it."""

    key: str
    size: int
    written_at: datetime  # aware UTC: the last time these bytes were stored


@dataclass(frozen=True)
class StoredFile:
    """Where some bytes were stored and what they were."""

    sha256: str
    size: int
    key: str


class FileStore:
    """Files on disk under `root`, addressed by the sha256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put_file(self, src: Path) -> StoredFile:
        """Store a copy of the file at `src`."""
        with Path(src).open("rb") as stream:
            return self.put_stream(stream)

    def put_bytes(self, data: bytes) -> StoredFile:
        """Store `data`."""
        return self.put_stream(io.BytesIO(data))

    def put_stream(self, stream: ByteSource) -> StoredFile:
        """Store everything `stream` yields; on any error nothing is left behind."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed and renamed by hand below
            dir=self.root, prefix=TEMP_PREFIX, delete=False
        )
        tmp_path = Path(tmp.name)
        try:
            with tmp:
                while chunk := stream.read(CHUNK_SIZE):
                    digest.update(chunk)
                    tmp.write(chunk)
                    size += len(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            sha256 = digest.hexdigest()
            stored = StoredFile(sha256=sha256, size=size, key=key_for(sha256))
            self._move_into_place(tmp_path, stored)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        return stored

    def _move_into_place(self, tmp_path: Path, stored: StoredFile) -> None:
        """Rename the finished temp file to its final name, or drop it if that already holds it."""
        final = self.path_for(stored.key)
        if _holds(final, stored):
            try:
                os.utime(final)  # stored again: young again, so the sweep keeps it
            except FileNotFoundError:
                pass  # the sweep set it aside a moment ago: store it anew below
            else:
                tmp_path.unlink()
                log.debug("already stored: %s", stored.key)
                return
        final.parent.mkdir(parents=True, exist_ok=True)
        # Replacing also repairs a final file whose bytes were damaged after it was written.
        tmp_path.replace(final)  # os.replace: atomic on one filesystem
        _fsync_dir(final.parent)
        log.info("stored %s (%s bytes)", stored.key, stored.size)

    def path_for(self, key: str) -> Path:
        """The path of a stored file; refuses anything that is not a key this store makes."""
        match = _KEY.fullmatch(key)
        if match is None or key_for(match["sha"]) != key:
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / match["a"] / match["b"] / match["sha"]

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for reading."""
        return self.path_for(key).open("rb")

    def exists(self, key: str) -> bool:
        """Whether `key` is stored."""
        return self.path_for(key).is_file()

    def verify(self, key: str) -> bool:
        """Whether `key` is stored and its bytes still hash to its name."""
        path = self.path_for(key)
        return path.is_file() and sha256_of(path) == path.name

    def blobs(self) -> Iterator[BlobInfo]:
        """Every stored file (temp files aside), with its size and last write."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
            key = path.relative_to(self.root).as_posix()
            if _KEY.fullmatch(key) is None or key_for(path.name) != key:
                continue  # not a name this store makes: not ours to judge
            with contextlib.suppress(FileNotFoundError):
                status = path.stat()
                yield BlobInfo(key, status.st_size, _mtime(status.st_mtime))

    def remove_unused(
        self, key: str, *, written_before: datetime, still_unused: Callable[[], bool]
    ) -> bool:
        """Remove `key` unless it was written since `written_before` or `still_unused()` says
        something now points at it; returns whether it was removed.

        The file is first set aside under a temp name (atomic): from then on a writer of the
        same bytes stores them anew instead of relying on this copy. What a writer did just
        before shows in the file's time or in the database, both checked after.
        """
        final = self.path_for(key)
        aside = self.root / f"{TEMP_PREFIX}sweep-{final.name}"
        try:
            final.replace(aside)
        except FileNotFoundError:
            return False
        if _mtime(aside.stat().st_mtime) >= written_before or not still_unused():
            if final.exists():  # stored anew meanwhile: the same bytes, so this copy can go
                aside.unlink()
            else:
                aside.replace(final)
            return False
        aside.unlink()
        _fsync_dir(self.root)
        return True

    def cleanup_temp(self, older_than: timedelta, *, now: datetime) -> int:
        """Remove temp files left by crashed writes, older than `older_than`; return how many."""
        if not self.root.is_dir():
            return 0
        # Only old ones: a young temp file may belong to a write still in progress.
        cutoff = (now - older_than).timestamp()
        removed = 0
        for path in self.root.glob(f"{TEMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        if removed:
            log.info("removed %s stale temp files from %s", removed, self.root)
        return removed


def _mtime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def key_for(sha256: str) -> str:
    """The storage key of a digest: `ab/cd/<sha256>`."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _holds(final: Path, stored: StoredFile) -> bool:
    """Whether `final` already holds exactly these bytes (size first: it is free)."""
    try:
        if final.stat().st_size != stored.size:
            return False
    except FileNotFoundError:
        return False
    return sha256_of(final) == stored.sha256


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable; POSIX only, so a failure elsewhere is not an error."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def safe_filename(name: str) -> str:
    """A name safe to create on any desktop, keeping Chinese and the extension; never empty."""
    # Path parts become one flat name; empty, "." and ".." parts (a climb out) are dropped.
    parts = _SEPARATORS.split(unicodedata.normalize("NFC", name))
    cleaned = _UNSAFE_CHARS.sub("_", "_".join(part for part in parts if part.strip(" .")))
    # Control and format characters (U+202E can fake an extension) go; runs of whitespace,
    # tabs and newlines included, become one space.
    cleaned = "".join(ch for ch in cleaned if ch.isspace() or not _is_invisible(ch))
    cleaned = " ".join(cleaned.split())
    # Leading dots hide files; trailing dots and spaces vanish on Windows.
    cleaned = cleaned.lstrip(". ").rstrip(". ")
    stem, extension = _split_extension(cleaned)
    # Windows reserves CON, NUL… whatever follows them after a dot ("CON.tar.gz" too).
    if stem.split(".", 1)[0].rstrip().upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    budget = MAX_FILENAME_BYTES - len(extension.encode())
    stem = _truncate_utf8(stem, budget).rstrip(". ")
    if not stem:
        return UNNAMED_FILE + extension if extension else UNNAMED_FILE
    return stem + extension


def _is_invisible(ch: str) -> bool:
    """Control, format and surrogate characters: nothing a reader can see or type."""
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs"}


def _split_extension(name: str) -> tuple[str, str]:
    """`报告.pdf` → (`报告`, `.pdf`); no split when the suffix is long or has spaces."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or " " in suffix or len(suffix.encode()) > MAX_EXTENSION_BYTES:
        return name, ""
    return stem, dot + suffix


def _truncate_utf8(text: str, limit: int) -> str:
    """The longest prefix of `text` whose UTF-8 encoding fits in `limit` bytes."""
    return text.encode()[: max(limit, 0)].decode(errors="ignore")
