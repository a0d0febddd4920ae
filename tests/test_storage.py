"""The content-addressed file store and export-safe file names."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import (
    CHUNK_SIZE,
    TEMP_PREFIX,
    FileStore,
    StoredFile,
    key_for,
    safe_filename,
    sha256_of,
)

NOW = datetime(2023, 10, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    """A store in a fresh directory that does not exist yet."""
    return FileStore(tmp_path / "files")


def files_under(root: Path) -> list[Path]:
    """Every regular file below `root`."""
    return sorted(path for path in root.rglob("*") if path.is_file())


class FailingReader:
    """A stream that yields one chunk and then fails, like a download cut off mid-way."""

    def __init__(self) -> None:
        self.calls = 0

    def read(self, size: int, /) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise OSError("connection reset")
        return b"x" * 1000


def test_bytes_put_in_come_back_out_under_their_sha256(store: FileStore) -> None:
    data = "支撑材料".encode() * 100
    sha = hashlib.sha256(data).hexdigest()

    stored = store.put_bytes(data)

    assert stored == StoredFile(sha256=sha, size=len(data), key=f"{sha[:2]}/{sha[2:4]}/{sha}")
    assert store.path_for(stored.key) == store.root / sha[:2] / sha[2:4] / sha
    with store.open(stored.key) as stream:
        assert stream.read() == data
    assert store.exists(stored.key)
    assert store.verify(stored.key)


def test_a_file_is_stored_like_its_bytes(store: FileStore, tmp_path: Path) -> None:
    src = tmp_path / "舆情信息表.xlsx"
    src.write_bytes(b"PK\x03\x04 workbook")
    assert store.put_file(src) == store.put_bytes(b"PK\x03\x04 workbook")
    assert src.exists()


def test_content_larger_than_one_chunk_is_stored_whole(store: FileStore) -> None:
    data = os.urandom(CHUNK_SIZE * 2 + 123)
    stored = store.put_bytes(data)
    assert stored.size == len(data)
    assert sha256_of(store.path_for(stored.key)) == hashlib.sha256(data).hexdigest()


def test_empty_content_is_stored_too(store: FileStore) -> None:
    stored = store.put_bytes(b"")
    assert stored.size == 0
    assert store.verify(stored.key)


def test_identical_content_is_stored_once(store: FileStore) -> None:
    first = store.put_bytes(b"same report")
    second = store.put_bytes(b"same report")
    assert first == second
    assert files_under(store.root) == [store.path_for(first.key)]


def test_a_failure_mid_copy_leaves_neither_a_final_file_nor_a_temp(store: FileStore) -> None:
    with pytest.raises(OSError, match="connection reset"):
        store.put_stream(FailingReader())
    assert files_under(store.root) == []


def test_temp_files_left_by_a_crash_are_cleaned_up_once_stale(store: FileStore) -> None:
    kept = store.put_bytes(b"finished upload")
    stale = store.root / f"{TEMP_PREFIX}crashed"
    young = store.root / f"{TEMP_PREFIX}in-progress"
    stale.write_bytes(b"half a fi")
    young.write_bytes(b"half a fi")
    two_hours_ago = (NOW - timedelta(hours=2)).timestamp()
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(young, (NOW.timestamp(), NOW.timestamp()))

    removed = store.cleanup_temp(timedelta(hours=1), now=NOW)

    assert removed == 1
    assert not stale.exists()
    assert young.exists()
    assert store.verify(kept.key)


def test_cleanup_of_a_store_never_written_to_is_a_no_op(store: FileStore) -> None:
    assert store.cleanup_temp(timedelta(hours=1), now=NOW) == 0


def test_a_damaged_file_fails_verification_and_is_repaired_by_storing_it_again(
    store: FileStore,
) -> None:
    stored = store.put_bytes(b"original bytes")
    store.path_for(stored.key).write_bytes(b"bit rot!")
    assert not store.verify(stored.key)

    assert store.put_bytes(b"original bytes") == stored
    assert store.verify(stored.key)


def test_a_missing_file_does_not_verify(store: FileStore) -> None:
    key = key_for(hashlib.sha256(b"never stored").hexdigest())
    assert not store.exists(key)
    assert not store.verify(key)


SHA = hashlib.sha256(b"x").hexdigest()


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../../etc/passwd",
        "/etc/passwd",
        f"/{SHA[:2]}/{SHA[2:4]}/{SHA}",
        f"{SHA[:2]}/{SHA[2:4]}/../../{SHA}",
        f"{SHA[:2]}\\{SHA[2:4]}\\{SHA}",
        f"00/00/{SHA}",
        f"{SHA[:2]}/{SHA[2:4]}/{SHA.upper()}",
        f"{SHA[:2]}/{SHA[2:4]}/{SHA}/",
        SHA,
    ],
)
def test_anything_but_a_key_the_store_makes_is_refused(store: FileStore, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        store.path_for(key)
    with pytest.raises(ValueError, match="not a storage key"):
        store.exists(key)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("宣传培训情况（舆情信息表）.xlsx", "宣传培训情况（舆情信息表）.xlsx"),
        ("公安局/2023/总结.docx", "公安局_2023_总结.docx"),
        ("C:\\Users\\材料.pdf", "C__Users_材料.pdf"),
        ("../../etc/passwd", "etc_passwd"),
        (".bashrc", "bashrc"),
        ("报告\x00\x07终稿.pdf", "报告终稿.pdf"),
        ("报告\t\n终稿 .pdf", "报告 终稿.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ('方案:"最终"?*<>|.doc', "方案__最终______.doc"),
        ("报告. . .", "报告"),
        ("CON.txt", "_CON.txt"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("_草稿.doc", "_草稿.doc"),
        ("./材料/../附件1.pdf", "材料_附件1.pdf"),
        ("", "未命名文件"),
        ("   ", "未命名文件"),
        ("...", "未命名文件"),
        ("/", "未命名文件"),
    ],
)
def test_safe_filename_makes_names_safe_to_create_on_any_desktop(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_a_very_long_chinese_name_is_cut_to_200_bytes_and_keeps_its_extension() -> None:
    name = "关于开展知识产权保护专项行动的工作总结" * 20 + ".docx"
    safe = safe_filename(name)
    assert safe.endswith(".docx")
    assert len(safe.encode()) <= 200
    assert safe.startswith("关于开展知识产权保护")
    assert "\ufffd" not in safe


def test_a_long_suffix_is_not_mistaken_for_an_extension() -> None:
    safe = safe_filename("a." + "x" * 300)
    assert safe == ("a." + "x" * 300)[:200]


def test_decomposed_accents_are_composed() -> None:
    assert safe_filename("cafe\u0301.pdf") == "caf\u00e9.pdf"
