"""What a received file really is, from its own bytes: the content check of every upload.

Pure: bytes (or the path of a file holding them) and the name they came with in, a `Verdict`
out. Nothing is trusted from the name but the type it promises; the check then asks the bytes
whether they keep that promise:

- the type is what the extension says (magic bytes): a Windows program or a web page named
  .docx is refused, naming what it really is;
- Office files open: a complete zip (its central directory is there and every member lies
  inside the file) holding the parts that make it a document;
- no macros under a macro-free name (an .xlsm renamed .xlsx);
- no archive (a .zip, or the zip an Office file is) with a member that climbs out of its folder,
  too many members, or an expansion that says "bomb";
- PDFs end with their end marker (else truncated) and carry no active content (JavaScript,
  Launch actions);
- password-protected Office files and PDFs are accepted, and flagged: the reviewer will need
  the password.

Every read is bounded (the zip's directory, a few small parts, the first and last KB of a PDF,
a scan of the PDF in chunks for its active-content names), so a 2 GB file from a local Bot API
server is checked without loading it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from bot import texts
from bot.refusals import Refusal

MAX_MEMBERS = 5000
MAX_EXPANDED = 500 * 1024 * 1024
MAX_RATIO = 100
# Below this expanded size a high ratio is harmless (sparse sheets compress very well).
RATIO_FLOOR = 10 * 1024 * 1024
PART_BYTES = 1024 * 1024  # of [Content_Types].xml or a .rels part
PDF_TAIL = 4096  # %%EOF belongs in the last 1024 bytes; writers that append a little are fine
SCAN_CHUNK = 1024 * 1024
SCAN_OVERLAP = 64
MAX_OBJECT_STREAMS_BYTES = 64 * 1024 * 1024  # decompressed, over all of a PDF's object streams

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
OFFICE_MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}

# Which detected kinds each extension accepts. "unknown" means no signature matched: fine for
# text, damaged for a format that always starts with its signature.
_IMAGES = frozenset({"jpeg", "png", "gif", "bmp", "tiff", "webp", "heic"})
# Old Office names: many government systems export an HTML or XML table named .xls/.doc, and
# Word saves RTF as .doc; Excel and Word open them as such.
_LEGACY_OFFICE = frozenset({"ole2", "html", "xml", "rtf"})
_TEXT = frozenset({"unknown", "html", "xml", "script"})
ACCEPTED: dict[str, frozenset[str]] = {
    "docx": frozenset({"zip", "ole2"}),
    "xlsx": frozenset({"zip", "ole2"}),
    "pptx": frozenset({"zip", "ole2"}),
    "doc": _LEGACY_OFFICE,
    "xls": _LEGACY_OFFICE,
    "ppt": frozenset({"ole2"}),
    "wps": frozenset({"ole2", "zip"}),
    "et": frozenset({"ole2", "zip"}),
    "dps": frozenset({"ole2", "zip"}),
    "pdf": frozenset({"pdf"}),
    "ofd": frozenset({"zip"}),
    "odt": frozenset({"zip"}),
    "ods": frozenset({"zip"}),
    "zip": frozenset({"zip"}),
    "rar": frozenset({"rar"}),
    "7z": frozenset({"7z"}),
    "rtf": frozenset({"rtf"}),
    "txt": _TEXT,
    "csv": _TEXT,
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "heic"), _IMAGES),
}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip
    (OLE2, "ole2"),
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xca\xfe\xba\xbe", "macho"),
    (b"#!", "script"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"{\\rtf", "rtf"),
)
_HTML = re.compile(rb"\s*<(?:!doctype\s+html|html|head|body|script|iframe|meta)[\s>/]", re.I)
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1")
_XML = re.compile(rb"\s*<\?xml[\s?]", re.I)
_PDF_ENCRYPT = re.compile(rb"/Encrypt[\s/<\[(0-9]")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b.{0,512}?>>\s*stream\r?\n", re.S)


def _pdf_name(name: str) -> re.Pattern[bytes]:
    """A PDF name token, each character written plain or as #hh, as a whole name."""
    pieces = [rf"(?:{re.escape(c)}|#{ord(c):02x})".encode() for c in name]
    return re.compile(b"/" + b"".join(pieces) + rb"(?![A-Za-z0-9#_.\-])", re.I)


# Active content: JavaScript (an /OpenAction or /AA pointing at JS is named /JS or /JavaScript)
# and /Launch (runs a program).
_PDF_ACTIVE = tuple(_pdf_name(name) for name in ("JavaScript", "JS", "Launch"))


# --- the verdict and the refusals ---------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What the check found: the file's kind, and whether it needs a password to open."""

    kind: str
    password_protected: bool = False


class FileRefused(Refusal):
    """Base of every refusal of a file's content."""


class FileNotWhatItSays(FileRefused):
    """The bytes are another kind of file than the extension promises."""


class FileDamaged(FileRefused):
    """The file is truncated or does not open."""


class FileHasMacros(FileRefused):
    """A macro-enabled Office file under a macro-free name."""


class FileIsBomb(FileRefused):
    """An archive that expands far beyond reason."""


class FileUnsafePaths(FileRefused):
    """An archive member that would be extracted outside its folder."""


class FileTooManyParts(FileRefused):
    """An archive with more members than any real document has."""


class FileActiveContent(FileRefused):
    """A PDF that runs JavaScript or launches programs."""


def check_content(content: bytes | Path, filename: str) -> Verdict:
    """The verdict on received bytes named `filename`; raises a `FileRefused` when refused."""
    extension = Path(filename).suffix.lower().lstrip(".")
    with _open(content) as stream:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        head = stream.read(1024)
        kind = detect_kind(head)
        accepted = ACCEPTED.get(extension)
        if accepted is not None and kind not in accepted:
            if kind == "unknown":
                raise FileDamaged(texts.FILE_DAMAGED, filename=filename)
            raise FileNotWhatItSays(
                texts.FILE_NOT_WHAT_IT_SAYS,
                filename=filename,
                actual=texts.FILE_KINDS.get(kind, kind),
            )
        if kind == "zip":
            _check_zip(stream, size, filename, extension)
        elif kind == "pdf":
            return Verdict(kind, _check_pdf(stream, size, filename))
        elif kind == "ole2" and extension in OFFICE_MAIN_PARTS:
            # Word, Excel and PowerPoint save a password-protected .docx/.xlsx/.pptx as an
            # OLE2 compound file holding EncryptionInfo and EncryptedPackage.
            if not _contains(stream, ENCRYPTION_INFO):
                raise FileNotWhatItSays(
                    texts.FILE_NOT_WHAT_IT_SAYS,
                    filename=filename,
                    actual=texts.FILE_KINDS["ole2"],
                )
            return Verdict(kind, password_protected=True)
        return Verdict(kind)


def detect_kind(head: bytes) -> str:
    """The kind of file whose first bytes are `head` (see texts.FILE_KINDS), or "unknown"."""
    if _is_windows_program(head):
        return "exe"
    # "BM" alone starts many texts; a bitmap's header has its 4 reserved bytes zero.
    if head.startswith(b"BM") and head[6:10] == b"\0\0\0\0":
        return "bmp"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    text = head.removeprefix(b"\xef\xbb\xbf")
    if _HTML.match(text):
        return "html"
    if _XML.match(text):
        return "html" if _HTML.search(text[:1024]) else "xml"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head:  # the PDF specification allows junk before the header
        return "pdf"
    return "unknown"


def _is_windows_program(head: bytes) -> bool:
    """MZ, and the PE header where the DOS header points (or the DOS stub's own words)."""
    if not head.startswith(b"MZ"):
        return False
    if len(head) >= 0x40:
        offset = int.from_bytes(head[0x3C:0x40], "little")
        if head[offset : offset + 4] == b"PE\0\0":
            return True
    return b"This program cannot be run in DOS mode" in head


def _open(content: bytes | Path) -> BinaryIO:
    return io.BytesIO(content) if isinstance(content, bytes) else content.open("rb")


# --- zip: .zip, and Office files ---------------------------------------------------------------


def _check_zip(stream: BinaryIO, size: int, filename: str, extension: str) -> None:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileDamaged(texts.FILE_DAMAGED, filename=filename) from error
    with archive:
        members = archive.infolist()
        _check_members(members, size, filename)
        if extension in OFFICE_MAIN_PARTS:
            _check_office(archive, filename, extension)


def _check_members(members: list[zipfile.ZipInfo], size: int, filename: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise FileTooManyParts(
            texts.FILE_TOO_MANY_PARTS, filename=filename, count=len(members), limit=MAX_MEMBERS
        )
    expanded = 0
    packed = 0
    for member in members:
        if _climbs_out(member.filename):
            raise FileUnsafePaths(
                texts.FILE_UNSAFE_PATHS, filename=filename, member=member.filename
            )
        # A member that starts or ends past the end of the file: the file was cut short.
        if member.header_offset + member.compress_size > size:
            raise FileDamaged(texts.FILE_DAMAGED, filename=filename)
        expanded += member.file_size
        packed += member.compress_size
    ratio = expanded / max(packed, 1)
    if expanded > MAX_EXPANDED or (expanded > RATIO_FLOOR and ratio > MAX_RATIO):
        raise FileIsBomb(texts.FILE_IS_BOMB, filename=filename)


def _climbs_out(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    absolute = name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) is not None
    return absolute or ".." in parts


def _check_office(archive: zipfile.ZipFile, filename: str, extension: str) -> None:
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:  # every Office package has it: this is a plain zip
        raise FileNotWhatItSays(
            texts.FILE_NOT_WHAT_IT_SAYS, filename=filename, actual=texts.FILE_KINDS["zip"]
        )
    main = _main_part(archive, names)
    actual = _office_kind(main, names)
    if actual is not None and actual != extension:  # an .xlsx named .docx, say
        raise FileNotWhatItSays(
            texts.FILE_NOT_WHAT_IT_SAYS, filename=filename, actual=texts.FILE_KINDS[actual]
        )
    if (main or OFFICE_MAIN_PARTS[extension]) not in names:
        raise FileDamaged(texts.FILE_DAMAGED, filename=filename)
    types = _read_part(archive, "[Content_Types].xml", filename)
    has_vba = any(name.lower().endswith("vbaproject.bin") for name in names)
    if has_vba or b"macroenabled" in types.lower():
        raise FileHasMacros(texts.FILE_HAS_MACROS, filename=filename)


def _office_kind(main: str | None, names: set[str]) -> str | None:
    """docx, xlsx or pptx, by the folder of the main part (or the standard part present)."""
    folders = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
    for folder, kind in folders.items():
        if main is not None and main.startswith(folder):
            return kind
    for kind, part in OFFICE_MAIN_PARTS.items():
        if part in names:
            return kind
    return None


def _main_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The document's main part as the package's root relationships name it."""
    if "_rels/.rels" not in names:
        return None
    try:
        with archive.open("_rels/.rels") as part:
            rels = part.read(PART_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return None
    for relationship in re.finditer(rb"<Relationship\b[^<>]*>", rels):
        tag = relationship.group(0)
        if b"/officeDocument" in tag:
            target = re.search(rb'Target="([^"<>]*)"', tag)
            if target:
                return target.group(1).decode("utf-8", "replace").lstrip("/")
    return None


def _read_part(archive: zipfile.ZipFile, name: str, filename: str) -> bytes:
    try:
        with archive.open(name) as part:
            return part.read(PART_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as error:
        raise FileDamaged(texts.FILE_DAMAGED, filename=filename) from error


# --- PDF ----------------------------------------------------------------------------------------


def _check_pdf(stream: BinaryIO, size: int, filename: str) -> bool:
    """Refuse truncated or active PDFs; True when the PDF is encrypted."""
    stream.seek(max(0, size - PDF_TAIL))
    if b"%%EOF" not in stream.read(PDF_TAIL):
        raise FileDamaged(texts.FILE_DAMAGED, filename=filename)
    encrypted = False
    for _, chunk in _chunks(stream):
        if any(pattern.search(chunk) for pattern in _PDF_ACTIVE):
            raise FileActiveContent(texts.FILE_ACTIVE_CONTENT, filename=filename)
        encrypted = encrypted or _PDF_ENCRYPT.search(chunk) is not None
    if not encrypted:
        # Since PDF 1.5 most dictionaries may sit compressed in object streams: look there too
        # (an encrypted file's streams are ciphertext, which no name can hide in).
        for data in _object_streams(stream):
            if any(pattern.search(data) for pattern in _PDF_ACTIVE):
                raise FileActiveContent(texts.FILE_ACTIVE_CONTENT, filename=filename)
    return encrypted


def _chunks(stream: BinaryIO, overlap: int = SCAN_OVERLAP) -> Iterator[tuple[int, bytes]]:
    """The whole stream as (offset, window) pairs: windows of SCAN_CHUNK bytes that overlap by
    `overlap`, so nothing shorter than that is missed at a boundary."""
    position = 0
    while True:
        stream.seek(position)
        chunk = stream.read(SCAN_CHUNK + overlap)
        if not chunk:
            return
        yield position, chunk
        if len(chunk) <= SCAN_CHUNK:
            return
        position += SCAN_CHUNK


def _object_streams(stream: BinaryIO) -> Iterator[bytes]:
    """The decompressed content of each object stream, within a total budget."""
    budget = MAX_OBJECT_STREAMS_BYTES
    for offset, chunk in _chunks(stream, overlap=1024):  # an object stream's header fits
        for found in _OBJECT_STREAM.finditer(chunk):
            if found.start() >= SCAN_CHUNK:
                continue  # the next window starts here and sees it whole
            if budget <= 0:
                return
            stream.seek(offset + found.end())
            inflater = zlib.decompressobj()
            pieces = []
            try:
                while budget > 0 and not inflater.eof:
                    raw = stream.read(64 * 1024)
                    if not raw:
                        break
                    pieces.append(inflater.decompress(raw, budget))
                    budget -= len(pieces[-1])
                    if inflater.unconsumed_tail:
                        break  # over budget: what we have is all we look at
            except zlib.error:
                pass  # damaged or not deflated: what inflated is all there is to look at
            yield b"".join(pieces)


def _contains(stream: BinaryIO, needle: bytes) -> bool:
    return any(needle in chunk for _, chunk in _chunks(stream))
