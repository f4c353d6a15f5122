"""Turn a plan file (.txt, .docx, .odt, .pdf) into numbered lines of text, refusing what is not a plan.

Tables come out the way the seed extractions look: one row a line, cells separated by tabs, several
paragraphs of one cell as <p>…</p> fragments.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from servq.core.archives import ArchiveDamaged, ArchiveTooLarge, open_zip
from servq.plans.importing.model import PlanFileError

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ""}
BINARY_SAMPLE = 8192


def read_lines(path: Path, *, max_bytes: int) -> list[str]:
    """The file's text as lines; raises PlanFileError naming the file for anything unreadable."""
    if not path.exists():
        raise PlanFileError(f"{path}: no such file")
    if not path.is_file():
        raise PlanFileError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise PlanFileError(f"{path.name}: the file is empty")
    if size > max_bytes:
        raise PlanFileError(
            f"{path.name}: {size:,} bytes is larger than the {max_bytes:,} bytes a plan may have"
        )
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = _docx_text(path.name, data)
    elif suffix == ".odt":
        text = _odt_text(path.name, data)
    elif suffix == ".pdf":
        text = _pdf_text(path.name, data)
    elif suffix in (".html", ".htm"):
        text = html_text(path.name, data)
    elif suffix == ".doc":
        text = _doc_text(path.name, data)
    else:
        text = decode_text(path.name, data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise PlanFileError(f"{path.name}: no text in the file")
    return lines


DOC_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file (Word 97–2003)
CONVERT_SECONDS = 120


def _doc_text(name: str, data: bytes) -> str:
    """Old Word, through LibreOffice headless when the server has it (`soffice`), else refused with
    how to save it as .docx. The conversion runs in a scratch directory with its own profile, bounded
    in time; its .docx is read like any other."""
    import shutil
    import subprocess
    import tempfile

    if not data.startswith(DOC_SIGNATURE):
        raise PlanFileError(f"{name}: not an old Word (.doc) file, whatever its name says")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PlanFileError(
            f"{name}: an old Word (.doc) file; open it in Word or LibreOffice and save it as .docx or .odt"
            " (or ask the operator to install LibreOffice so servq converts it)"
        )
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "plan.doc"
        source.write_bytes(data)
        profile = Path(scratch, "profile").as_uri()
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    scratch,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=CONVERT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            raise PlanFileError(
                f"{name}: LibreOffice could not convert this .doc file; save it as .docx"
            ) from None
        converted = Path(scratch) / "plan.docx"
        if not converted.exists():
            raise PlanFileError(f"{name}: LibreOffice could not convert this .doc file; save it as .docx")
        return _docx_text(name, converted.read_bytes())


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Big5/CP950 — anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise PlanFileError(f"{name}: broken UTF-16 text at byte {exc.start}") from exc
    if b"\x00" in data[:BINARY_SAMPLE]:
        raise PlanFileError(f"{name}: a binary file, not plan text (.txt, .docx, .odt or .pdf)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp950")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise PlanFileError(
                f"{name}, line {line}: not UTF-8 or Big5 text (byte {utf8_error.start})"
            ) from utf8_error
        if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
            raise PlanFileError(
                f"{name}: not UTF-8 text, and not Chinese text in Big5 either"
            ) from utf8_error
        return text


def _open_zip(name: str, data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        return open_zip(data, name=name)
    except ArchiveDamaged as exc:
        raise PlanFileError(f"{name}: truncated or damaged {kind} file ({exc})") from exc
    except ArchiveTooLarge as exc:
        raise PlanFileError(f"{name}: {kind} file too large when unpacked, refused ({exc})") from exc


def _cell_text(paragraphs: list[str]) -> str:
    """A table cell on one line: line breaks inside a paragraph become spaces, paragraphs <p> fragments."""
    parts = [" ".join(p.split()) for p in paragraphs if p.strip()]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return " ".join(f"<p>{p}</p>" for p in parts)


def _docx_text(name: str, data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _open_zip(name, data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise PlanFileError(f"{name}: not a readable .docx file ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            lines.append("")
            for row in Table(block, document).rows:
                lines.append("\t".join(_cell_text([p.text for p in cell.paragraphs]) for cell in row.cells))
            lines.append("")
    return "\n".join(lines)


def _odt_text(name: str, data: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, P

    _open_zip(name, data, ".odt")
    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises XML and KeyErrors for broken files
        raise PlanFileError(f"{name}: not a readable .odt file ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    for element in document.text.childNodes:
        if element.qname in (P().qname, H(outlinelevel=1).qname):
            lines.append(teletype.extractText(element))
        elif element.qname == Table().qname:
            lines.append("")
            for row in element.getElementsByType(TableRow):
                cells = [
                    _cell_text([teletype.extractText(p) for p in cell.getElementsByType(P)])
                    for cell in row.getElementsByType(TableCell)
                ]
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines)


# Parts of a saved web page that are never the plan: the site's frame around it.
HTML_FRAME = "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg"
HTML_BLOCKS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "br",
    "section",
    "article",
    "tr",
}


def html_text(name: str, data: bytes) -> str:
    """A plan saved as a web page: its tables a row a line (cells by tabs), its other blocks a line
    each, the site's menus, scripts and styles left out. The page's own charset is honoured."""
    from selectolax.lexbor import LexborHTMLParser

    text = _html_decode(name, data)
    tree = LexborHTMLParser(text)
    root = tree.body or tree.root
    if root is None:
        raise PlanFileError(f"{name}: an empty web page")
    for node in root.css(HTML_FRAME):
        node.decompose()
    main = root.css_first("main, article, #content, .content, #main") or root
    lines: list[str] = []
    _html_lines(main, lines)
    return "\n".join(lines)


def _html_decode(name: str, data: bytes) -> str:
    import re

    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    if declared and declared.group(1).lower() in (b"big5", b"cp950", b"big5-hkscs"):
        return data.decode("cp950", errors="replace")
    return decode_text(name, data)


def _html_lines(node: object, lines: list[str]) -> None:
    """Walk the page in order: a table becomes rows; a block element ends its line."""
    from selectolax.lexbor import LexborNode

    assert isinstance(node, LexborNode)
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "table":
            lines.append("")
            for row in child.css("tr"):
                cells = row.css("th, td")
                lines.append("\t".join(_cell_text([(cell.text(separator="\n") or "")]) for cell in cells))
            lines.append("")
        elif tag == "-text":
            text = " ".join((child.text_content or "").split())
            if text:
                if lines and lines[-1] and not lines[-1].endswith("\n"):
                    lines[-1] = f"{lines[-1]}{text}"
                else:
                    lines.append(text)
        else:
            if tag in HTML_BLOCKS:
                lines.append("")
            _html_lines(child, lines)
            if tag in HTML_BLOCKS:
                lines.append("")
        child = child.next


def _pdf_text(name: str, data: bytes) -> str:
    """A PDF's ruled tables a row a line (pdfplumber keeps the cell boundaries the text layer loses),
    the text around them as it reads; a PDF without ruled tables through its text layer."""
    with_tables = _pdf_tables_text(name, data)
    return with_tables if with_tables is not None else _pdf_text_layer(name, data)


# A PDF larger than this many pages is read through its text layer only (table finding is slow).
PDF_TABLE_PAGES = 400


def _pdf_tables_text(name: str, data: bytes) -> str | None:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError, KeyError):
        return None  # the text-layer reader names what is wrong with the file
    with pdf:
        if len(pdf.pages) > PDF_TABLE_PAGES:
            return None
        lines: list[str] = []
        found = False
        header: list[str] | None = None
        for page in pdf.pages:
            tables = [t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2]
            found = found or bool(tables)
            outside = page
            for table in tables:
                outside = outside.outside_bbox(table.bbox)
            blocks = [(line["top"], [line["text"]]) for line in outside.extract_text_lines()]
            for table in tables:
                rows = [[_pdf_cell(cell) for cell in row] for row in table.extract()]
                if header is not None and rows and rows[0] == header:
                    rows = rows[1:]  # the header a long table repeats on every page
                elif rows:
                    header = rows[0]
                blocks.append((table.bbox[1], ["", *("\t".join(row) for row in rows), ""]))
            for _, text in sorted(blocks, key=lambda block: block[0]):
                lines.extend(text)
            page.close()  # pdfplumber keeps every page's characters otherwise: memory grows with the file
        return "\n".join(lines) if found else None


def _pdf_cell(cell: str | None) -> str:
    """A cell's text on one line: the PDF wraps it at the cell's width, which is not a break."""
    joined = ""
    for part in (cell or "").split("\n"):
        joined = join_wrapped(joined, part.strip())
    return joined


def join_wrapped(before: str, more: str) -> str:
    """Text a layout wrapped, joined again: between two CJK characters a wrap is no space,
    between Latin words it is one."""
    if not more:
        return before
    if not before:
        return more
    return before + (" " if before[-1].isascii() and more[0].isascii() else "") + more


def _pdf_text_layer(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PlanFileError(f"{name}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise PlanFileError(f"{name}: truncated or damaged PDF ({exc})") from exc
    if not any(p.strip() for p in pages):
        raise PlanFileError(f"{name}: the PDF has no text layer (a scan?); export it with text or use .docx")
    return "\n".join(pages)
