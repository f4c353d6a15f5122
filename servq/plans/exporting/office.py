"""The plan as a document offices edit: DOCX (python-docx) and ODT (odfpy), laid out like the seeds.

Fonts: 標楷體 for Chinese, the face government documents use; the reader's office suite substitutes
when it is missing. The PDF (pdf.py) embeds its font instead.
"""

from __future__ import annotations

import io

from servq.plans.exporting.document import PlanDocument

EAST_ASIAN_FONT = "標楷體"


def _outline(document: PlanDocument) -> list[tuple[str, str]]:
    """(heading, body) in document order; the items table comes where the body is None-like ''."""
    parts = [(document.section_heading(i, title), text) for i, (title, text) in enumerate(document.sections)]
    index = len(parts)
    parts.append((document.section_heading(index, document.table_title), "\0table"))
    if document.indicators:
        parts.append((document.section_heading(index + 1, "量化指標"), "\0indicators"))
    for title, text in document.closing:
        parts.append((document.section_heading(len(parts), title), text))
    return parts


def indicator_rows(document: PlanDocument) -> list[list[str]]:
    header = ["指標", "單位", "方向", "基準值", "各年度目標值"]
    rows = [
        [i.name, i.unit, i.direction, i.baseline, "、".join(f"{year}：{value}" for year, value in i.targets)]
        for i in document.indicators
    ]
    return [header, *rows]


def table_rows(document: PlanDocument) -> list[list[str]]:
    rows, previous = [document.columns], None
    for row in document.rows:
        rows.append(document.row_cells(row, previous))
        previous = row
    return rows


def to_docx(document: PlanDocument) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.8))
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "Times New Roman"  # creates w:rFonts, where the East Asian face is set
    style.element.rPr.rFonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    doc.core_properties.title = document.title
    doc.core_properties.author = document.agency

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(document.title)
    run.bold, run.font.size = True, Pt(16)
    for line in document.revisions:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def add_table(rows: list[list[str]]) -> None:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        table.style = "Table Grid"
        for n, values in enumerate(rows):
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
                if n == 0:
                    for r in cell.paragraphs[0].runs:
                        r.bold = True
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
        repeat.set(qn("w:val"), "true")
        header.append(repeat)

    for heading, body in _outline(document):
        doc.add_paragraph().add_run(heading).bold = True
        if body == "\0table":
            add_table(table_rows(document))
        elif body == "\0indicators":
            add_table(indicator_rows(document))
        else:
            for line in body.split("\n"):
                doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_odt(document: PlanDocument) -> bytes:
    from odf.dc import Title as DcTitle
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        ParagraphProperties,
        Style,
        TableCellProperties,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentText()
    # Ruled cells with room inside, as in the DOCX and the PDF (issue 36.1: neighbouring cells ran
    # together), the same style for every table.
    cell_style = Style(name="PlanCell", family="table-cell")
    cell_style.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    doc.automaticstyles.addElement(cell_style)
    title_style = Style(name="PlanTitle", family="paragraph")
    title_style.addElement(ParagraphProperties(textalign="center"))
    title_style.addElement(TextProperties(fontsize="16pt", fontweight="bold", fontnameasian=EAST_ASIAN_FONT))
    heading_style = Style(name="PlanHeading", family="paragraph")
    heading_style.addElement(TextProperties(fontweight="bold", fontnameasian=EAST_ASIAN_FONT))
    right_style = Style(name="Revision", family="paragraph")
    right_style.addElement(ParagraphProperties(textalign="end"))
    for s in (title_style, heading_style, right_style):
        doc.automaticstyles.addElement(s)
    doc.meta.addElement(DcTitle(text=document.title))

    doc.text.addElement(P(stylename=title_style, text=document.title))
    for line in document.revisions:
        doc.text.addElement(P(stylename=right_style, text=line))

    def add_table(rows: list[list[str]], name: str) -> None:
        column_style = Style(name=f"{name}Col", family="table-column")
        column_style.addElement(TableColumnProperties(columnwidth="4cm"))
        doc.automaticstyles.addElement(column_style)
        table = Table(name=name)
        table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0]), stylename=column_style))
        for values in rows:
            row = TableRow()
            for value in values:
                cell = TableCell(valuetype="string", stylename=cell_style)
                for line in str(value).split("\n"):  # a paragraph a line: ODF keeps no "\n" in text
                    cell.addElement(P(text=line))
                row.addElement(cell)
            table.addElement(row)
        doc.text.addElement(table)

    for heading, body in _outline(document):
        doc.text.addElement(P(stylename=heading_style, text=heading))
        if body == "\0table":
            add_table(table_rows(document), "計畫內容")
        elif body == "\0indicators":
            add_table(indicator_rows(document), "量化指標")
        else:
            for line in body.split("\n"):
                doc.text.addElement(P(text=line))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
