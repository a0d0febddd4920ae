"""bot.filecheck: a received file is judged by its own bytes, not by its name."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import texts
from bot.db import Database
from bot.filecheck import (
    SCAN_CHUNK,
    FileActiveContent,
    FileDamaged,
    FileHasMacros,
    FileIsBomb,
    FileNotWhatItSays,
    FileTooManyParts,
    FileUnsafePaths,
    check_content,
)
from bot.models import Submission
from bot.services.access import Actor
from bot.services.uploads import Filed, MatcherCache, UploadRequest, receive_upload, store_content
from bot.storage import FileStore
from tests.conftest import DATA, SEED_NOW
from tests.fixtures.hostile_files import (
    compound_file,
    docx_bytes,
    encrypted_pdf,
    html_page,
    javascript_pdf,
    macro_xlsx,
    password_protected_docx,
    pdf_bytes,
    rezip,
    windows_exe,
    xlsx_bytes,
    zip_bomb_xlsx,
    zip_slip,
)


def test_real_office_files_and_pdfs_pass_unflagged(tmp_path: Path) -> None:
    for data, name, kind in (
        (docx_bytes(tmp_path), "通知.docx", "zip"),
        (xlsx_bytes(tmp_path), "案件信息表.xlsx", "zip"),
        (pdf_bytes(tmp_path), "报告.pdf", "pdf"),
    ):
        verdict = check_content(data, name)
        assert (verdict.kind, verdict.password_protected) == (kind, False)


def test_a_file_on_disk_is_checked_like_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(windows_exe())
    with pytest.raises(FileNotWhatItSays):
        check_content(path, "工作通知.docx")
    path.write_bytes(xlsx_bytes(tmp_path))
    assert check_content(path, "表.xlsx").kind == "zip"


def test_a_windows_program_named_docx_is_refused_saying_what_it_is() -> None:
    with pytest.raises(FileNotWhatItSays) as refused:
        check_content(windows_exe(), "工作通知.docx")
    assert "Windows 可执行程序" in str(refused.value)
    assert "工作通知.docx" in str(refused.value)


@pytest.mark.parametrize("name", ["通知.docx", "表.xlsx", "报告.pdf"])
def test_a_web_page_under_an_office_or_pdf_name_is_refused_as_a_web_page(name: str) -> None:
    with pytest.raises(FileNotWhatItSays) as refused:
        check_content(html_page(), name)
    assert "网页（HTML）" in str(refused.value)


def test_an_html_table_named_xls_is_accepted_as_legacy_systems_export_them() -> None:
    assert check_content(html_page(), "导出.xls").kind == "html"


def test_an_xlsx_named_docx_is_refused_naming_it_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(FileNotWhatItSays) as refused:
        check_content(xlsx_bytes(tmp_path), "通知.docx")
    assert "Excel 工作簿" in str(refused.value)


def test_truncated_office_files_are_refused_as_damaged(tmp_path: Path) -> None:
    for data, name in ((xlsx_bytes(tmp_path), "表.xlsx"), (docx_bytes(tmp_path), "通知.docx")):
        for cut in (len(data) // 2, len(data) - 10):
            with pytest.raises(FileDamaged) as refused:
                check_content(data[:cut], name)
            assert str(refused.value) == texts.FILE_DAMAGED.format(filename=name)


def test_an_office_file_without_its_document_part_is_refused_as_damaged(tmp_path: Path) -> None:
    hollow = rezip(xlsx_bytes(tmp_path), {}, drop=("xl/workbook.xml",))
    with pytest.raises(FileDamaged):
        check_content(hollow, "表.xlsx")


def test_random_bytes_under_a_document_name_are_refused_as_damaged() -> None:
    with pytest.raises(FileDamaged):
        check_content(b"PK\x03\x04 not really a zip", "表.xlsx")
    with pytest.raises(FileDamaged):
        check_content(b"\x00" * 100, "报告.pdf")


def test_a_macro_workbook_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileHasMacros):
        check_content(macro_xlsx(tmp_path), "案件信息表.xlsx")


def test_a_zip_bomb_named_xlsx_is_refused(tmp_path: Path) -> None:
    bomb = zip_bomb_xlsx(tmp_path)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(FileIsBomb):
        check_content(bomb, "案件信息表.xlsx")


def test_a_small_archive_with_a_high_ratio_is_not_a_bomb() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("空白.txt", b"\0" * (2 * 1024 * 1024))
    assert check_content(out.getvalue(), "材料.zip").kind == "zip"


@pytest.mark.parametrize("member", ["../../etc/passwd", "/etc/passwd", "a\\..\\b.txt", "C:/x"])
def test_an_archive_member_that_climbs_out_is_refused(member: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(member, b"x")
    with pytest.raises(FileUnsafePaths) as refused:
        check_content(out.getvalue(), "材料.zip")
    assert member in str(refused.value)


def test_the_zip_slip_fixture_is_refused() -> None:
    with pytest.raises(FileUnsafePaths):
        check_content(zip_slip(), "材料.zip")


def test_an_archive_with_thousands_of_members_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(5001):
            archive.writestr(f"{number}.txt", b"")
    with pytest.raises(FileTooManyParts):
        check_content(out.getvalue(), "材料.zip")


def test_a_truncated_pdf_is_refused_as_damaged(tmp_path: Path) -> None:
    data = pdf_bytes(tmp_path)
    with pytest.raises(FileDamaged):
        check_content(data[: len(data) - 30], "报告.pdf")


def test_a_pdf_with_javascript_is_refused() -> None:
    with pytest.raises(FileActiveContent):
        check_content(javascript_pdf(), "报告.pdf")


def test_javascript_hidden_behind_hex_escapes_or_in_an_object_stream_is_found() -> None:
    escaped = javascript_pdf().replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/#4aS ")
    with pytest.raises(FileActiveContent):
        check_content(escaped, "报告.pdf")
    hidden = zlib.compress(b"1 0 << /S /Launch /F (cmd.exe) >>")
    objstm = (
        b"%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(hidden)).encode()
        + b" >>\nstream\n"
        + hidden
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    with pytest.raises(FileActiveContent):
        check_content(objstm, "报告.pdf")


def test_an_open_action_that_only_sets_the_view_is_fine(tmp_path: Path) -> None:
    data = pdf_bytes(tmp_path).replace(
        b"/Pages 2 0 R >>", b"/Pages 2 0 R /OpenAction [3 0 R /Fit] >>"
    )
    assert check_content(data, "报告.pdf").kind == "pdf"


def test_an_encrypted_pdf_is_accepted_and_flagged() -> None:
    verdict = check_content(encrypted_pdf(), "报告.pdf")
    assert (verdict.kind, verdict.password_protected) == ("pdf", True)


def test_a_password_protected_docx_is_accepted_and_flagged() -> None:
    verdict = check_content(password_protected_docx(), "工作方案.docx")
    assert (verdict.kind, verdict.password_protected) == ("ole2", True)


def test_an_old_doc_renamed_docx_is_refused_naming_the_old_format() -> None:
    with pytest.raises(FileNotWhatItSays) as refused:
        check_content(compound_file({"WordDocument": b"\0" * 4096}), "通知.docx")
    assert "旧版 Office 文档" in str(refused.value)


def test_images_under_another_image_extension_and_plain_text_pass() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    assert check_content(png, "微信图片.jpg").kind == "png"
    assert check_content("序号,名称\n1,BMW\n".encode(), "表.csv").kind == "unknown"
    assert check_content(b"BMW,MZ,#!\n", "表.csv").kind == "unknown"


def test_a_program_named_txt_is_refused() -> None:
    with pytest.raises(FileNotWhatItSays):
        check_content(windows_exe(), "说明.txt")


# --- through the upload service ---------------------------------------------------------------


def test_a_refused_file_is_never_put_in_the_store(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    local_copy = tmp_path / "server-copy.docx"
    local_copy.write_bytes(windows_exe())
    for content in (windows_exe(), local_copy):
        with pytest.raises(FileNotWhatItSays):
            store_content(store, content, "工作通知.docx")
    assert not (tmp_path / "files").exists() or list((tmp_path / "files").rglob("*")) == []


def test_a_password_protected_upload_is_filed_with_its_flag(
    seeded: Database, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    stored = store_content(store, password_protected_docx(), "侵犯知识产权行政案件信息表.docx")
    assert stored.password_protected
    police = Actor(2, 2, "private", False, True, "公安局", "联络员")
    request = UploadRequest(
        filename="侵犯知识产权行政案件信息表.docx", caption="", mime_type="", stored=stored
    )
    matchers = MatcherCache(DATA / "glossary.toml")
    filed = seeded.run(receive_upload, police, store, matchers, request, SEED_NOW)
    assert isinstance(filed, Filed)
    assert filed.password_protected
    with seeded.uow() as uow:
        [submission] = uow.session.scalars(select(Submission))
        assert submission.password_protected


def test_active_content_straddling_two_read_windows_is_still_found() -> None:
    padding = b"%" + b"x" * (SCAN_CHUNK - len(b"%PDF-1.4\n") - 1 - 12) + b"\n"
    data = b"%PDF-1.4\n" + padding + b"<< /S /JavaScript /JS (x) >>\n%%EOF\n"
    assert data.index(b"/JavaScript") < SCAN_CHUNK < data.index(b"/JavaScript") + 11
    with pytest.raises(FileActiveContent):
        check_content(data, "报告.pdf")
