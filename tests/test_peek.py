"""bot.peek: a bounded look inside uploaded files that never raises."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.peek import peek_text
from bot.workers import TimedProcessPool
from tests.fixtures.hostile_files import heavy_page_pdf, unclosed_shared_strings_xlsx
from tests.fixtures.office_files import (
    TWENTY_MB,
    add_media,
    make_docx,
    make_pdf,
    make_text_heavy_docx,
    make_xlsx,
)


def sleep_then_echo(seconds: float, value: str) -> str:
    """A worker's call that overruns (importable at top level, as 'spawn' needs)."""
    time.sleep(seconds)
    return value


def timed_peek(path: Path, **options: float) -> tuple[str, float]:
    began = time.monotonic()
    text = peek_text(path, **options)  # type: ignore[arg-type]
    return text, time.monotonic() - began


def test_docx_peek_gives_title_paragraphs_and_table_header(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "a.docx",
        "知识产权保护舆情监测处置情况",
        "今年以来共监测舆情信息12条。",
        table_header=("序号", "舆情标题", "处置结果"),
    )

    text = peek_text(path)

    assert (
        text
        == "知识产权保护舆情监测处置情况\n今年以来共监测舆情信息12条。\n序号\n舆情标题\n处置结果"
    )


def test_xlsx_peek_gives_sheet_names_and_first_rows(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "a.xlsx",
        "行政案件信息表",
        [("案件名称", "办理周期（天）", "来源"), ("某商标侵权案", 35, "投诉举报")],
    )

    text = peek_text(path)

    assert text == "行政案件信息表\n案件名称 办理周期（天） 来源\n某商标侵权案 35 投诉举报"


def test_pdf_peek_gives_first_page_text(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", "Public opinion report")

    assert peek_text(path) == "Public opinion report"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_plain_text_peek_reads_utf8_and_gbk(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("序号,舆情标题\n1,某网络舆情\n".encode(encoding))

    assert "舆情标题" in peek_text(path)


def test_peek_is_cut_at_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("舆情" * 5000, encoding="utf-8")

    assert len(peek_text(path, max_chars=100)) == 100


def test_corrupt_office_file_gives_empty_text(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", "标题", "正文")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])

    assert peek_text(broken) == ""


def test_corrupt_pdf_gives_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(4096))

    assert peek_text(path) == ""


def test_file_is_read_by_its_content_not_its_extension(tmp_path: Path) -> None:
    pdf_named_docx = make_pdf(tmp_path / "report.docx", "Case transfer list")
    xlsx_named_pdf = make_xlsx(tmp_path / "sheet.pdf", "移送案件", [("案件名称", "移送日期")])

    assert "Case transfer list" in peek_text(pdf_named_docx)
    assert "移送案件" in peek_text(xlsx_named_pdf)


def test_unknown_binary_and_images_give_empty_text(tmp_path: Path) -> None:
    image = tmp_path / "IMG_0001.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(1000))
    renamed = tmp_path / "table.xlsx"
    renamed.write_bytes(os.urandom(1000))

    assert peek_text(image) == ""
    assert peek_text(renamed) == ""
    assert peek_text(tmp_path / "missing.docx") == ""


def test_encrypted_looking_office_file_gives_empty_text(tmp_path: Path) -> None:
    # An encrypted .xlsx/.docx is an OLE compound file, not a zip.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))

    assert peek_text(path) == ""


def test_twenty_megabyte_xlsx_is_peeked_from_its_first_rows(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "big.xlsx", "舆情信息表", [("序号", "舆情标题"), (1, "某舆情")])
    add_media(path, TWENTY_MB)

    assert path.stat().st_size > TWENTY_MB
    text = peek_text(path)
    assert "舆情信息表" in text
    assert "舆情标题" in text


def test_twenty_megabyte_docx_full_of_text_is_peeked_from_its_start(tmp_path: Path) -> None:
    path = make_text_heavy_docx(tmp_path / "big.docx", "经费保障情况说明", TWENTY_MB)

    assert path.stat().st_size > TWENTY_MB
    text = peek_text(path, max_chars=500)
    assert text.startswith("经费保障情况说明")
    assert len(text) == 500


def test_twenty_megabyte_docx_with_photos_is_peeked(tmp_path: Path) -> None:
    path = add_media(
        make_docx(tmp_path / "photos.docx", "剑网行动现场检查", "检查照片如下"), TWENTY_MB
    )

    assert "剑网行动现场检查" in peek_text(path)


def test_twenty_megabyte_pdf_is_peeked_from_its_first_page(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "big.pdf", "Special campaign summary", padding=TWENTY_MB)

    assert path.stat().st_size > TWENTY_MB
    assert "Special campaign summary" in peek_text(path)


def test_an_xlsx_with_65536_unclosed_shared_strings_is_peeked_well_within_the_limit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(unclosed_shared_strings_xlsx(tmp_path))
    peek_text(path)  # the first peek also starts the worker process

    text, took = timed_peek(path, timeout_s=2.0)

    assert took < 1.0
    assert text.startswith("案件信息")  # sheet name and header read; the strings are not


def test_a_small_pdf_with_megabytes_of_page_content_is_not_extracted(tmp_path: Path) -> None:
    path = tmp_path / "heavy.pdf"
    path.write_bytes(heavy_page_pdf(2 * 1024 * 1024))
    assert path.stat().st_size < 16 * 1024
    peek_text(path)

    text, took = timed_peek(path, timeout_s=2.0)

    assert (text, took < 0.5) == ("", True)


def test_text_full_of_unclosed_angle_brackets_is_tidied_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "brackets.txt"
    path.write_bytes(b"<" * 64 * 1024)
    peek_text(path)

    text, took = timed_peek(path, timeout_s=2.0)

    assert took < 0.5
    assert text == "<" * 2000


def test_a_peek_gives_up_at_its_hard_time_limit_and_the_next_one_works(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", "Public opinion report")
    slow = TimedProcessPool(sleep_then_echo, size=1)
    try:
        assert slow.run(30, 0.0, "warm") == (True, "warm")
        began = time.monotonic()
        assert slow.run(0.3, 60.0, "never") == (False, None)
        assert time.monotonic() - began < 2.0
        assert slow.run(30, 0.0, "again") == (True, "again")  # a fresh worker replaced it
    finally:
        slow.close()
    assert peek_text(path) == "Public opinion report"
