"""Read a plan's structure out of its lines: title, history, sections, and the items of its plan table.

Three layouts occur in the plans agencies write (see shared/seeds):
- a *column table* with 完成期限 / 承辦單位 / 預期效益 columns, one row a line (cells split by tabs) or one
  cell a line (each starting with a tab, rows of a fixed width), headers repeated on every page;
- a *framework table* (面向 → 實施要項 → 方法) whose cells the PDF extraction scattered across lines and
  <p> fragments: read as a stream of numbered fragments;
- an *outline*: 一、 headings with (一) bullets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from servq.core.rules import (
    digits_for_chinese_numbers,
    find_roc_dates,
    normalize,
    parse_deadline,
    year_from_either,
)
from servq.plans.importing.model import ParsedIndicator, ParsedItem, ParsedPlan, ParseWarning, PlanFileError
from servq.plans.importing.readers import join_wrapped

TOP_ROC = re.compile(r"^(壹|貳|參|肆|伍|陸|柒|捌|玖|拾)[、．.]\s*(.*)$")
TOP_NUM = re.compile(r"^([一二三四五六七八九十]+)、\s*(.*)$")
CN_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
CN_ITEM = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
# 「1. 」, 「1、」, and 「2 網站…」 where the extraction lost the period.
NUM_ITEM = re.compile(r"^(\d{1,2})(?:\s*[.、．]\s*|\s+(?=[\u4e00-\u9fff]))")
SUB_ITEM = re.compile(r"^[(（]\d{1,2}[)）]")
BULLET = re.compile(r"^[-•●‧・]\s+")
P_FRAGMENT = re.compile(r"<p>(.*?)</p>", re.S)
REVISION_WORDS = re.compile(r"訂定|修訂|修正|函頒|核定|發布|頒")
SENTENCE_END = ("。", "！", "？", "」", ".", "；")

DEADLINE = "deadline"
UNITS = "units"
BENEFIT = "benefit"
PATH = "path"
TEXT = "text"
ACTIONS = "actions"
REPORT = "report"
CALENDAR = "calendar"

HEADER_ROLES = {
    "完成期限": DEADLINE,
    "承辦單位": UNITS,
    "承辦機關(單位)": UNITS,
    "承辦機關（單位）": UNITS,
    "主(協)辦單位": UNITS,
    # Names real plans give the same columns (issue 22.2).
    "主辦單位": UNITS,
    "辦理單位": UNITS,
    "業務單位": UNITS,
    "權責單位": UNITS,
    "負責單位": UNITS,
    "執行單位": UNITS,
    "主協辦單位": UNITS,
    "主(協)辦機關": UNITS,
    "承辦科室": UNITS,
    "預定完成期限": DEADLINE,
    "預定完成日期": DEADLINE,
    "完成時間": DEADLINE,
    "辦理期限": DEADLINE,
    "評核項目": PATH,
    "評核指標": PATH,
    "次評核指標": PATH,
    "工作要領": PATH,
    "具體作法": TEXT,
    "工作重點": TEXT,
    "辦理事項": TEXT,
    "預期效益": BENEFIT,
    "辦理情形及成效": REPORT,
    "序號": CALENDAR,
    "作業項目": CALENDAR,
    "時程": CALENDAR,
    "面向": PATH,
    "計畫要項": PATH,
    "執行策略": PATH,
    "實施要項": TEXT,
    "推動作法": TEXT,
    "執行方法": TEXT,
    "工作項目": TEXT,
    "實施(參考)方法": ACTIONS,
    "實施（參考）方法": ACTIONS,
    "執行重點": ACTIONS,
    "": PATH,
}
CONTENT_SECTION = re.compile(
    r"計畫內容|具體措施|執行策略|策略方法|實施內容|執行構面|推動策略|工作項目|實施項目"
)
KIND_WORDS = (("工作計畫", "work"), ("執行計畫", "execution"), ("實施計畫", "implementation"))
PROGRAM = re.compile(r"「([^」]{2,30}方案)」")
# 「院授發社字第 1061300008 號函頒」: the number of the letter that issued what follows it.
LETTER = re.compile(r"字第\s*(\d{6,14})\s*號")
TARGETS = re.compile(
    r"(\d{2,3})\s*[-至]\s*(\d{2,3})年.{0,8}?(?:完成)?([^\s，。、；\d]{2,20}?)累計(?:分別)?(?:達|為)?"
    r"((?:\d[\d,]*\s*[、,及]\s*)+\d[\d,]*)\s*(項|件|個|處|場|人次|%)"
)


@dataclass
class Line:
    number: int
    text: str


@dataclass
class Section:
    title: str
    heading_line: int
    lines: list[Line] = field(default_factory=list)

    def body(self) -> str:
        return "\n".join(line.text.strip() for line in self.lines if line.text.strip()).strip()


# What a web page saved as text carries around the plan: its menus and tools, never plan content.
PAGE_NOISE = re.compile(
    r"^(?::::|字級[:：]?.*|[小中大]\s*[小中大]?\s*[小中大]?|友善列印|列印|回上一頁|回上頁|回首頁|首頁|分享|"
    r"跳到主要內容(?:區塊)?|網站導覽|English|RSS|facebook|line|twitter|瀏覽人次.*|更新日期[:：].*|發布日期[:：].*|"
    r"上版日期[:：].*|資料來源[:：].*|點閱數[:：].*|回到頁首|TOP|Top|本頁網址[:：].*|"
    # A PDF page's number: 「1/3」, 「- 2 -」, 「第 3 頁」, 「第3頁，共5頁」, 「Page 2 of 5」.
    r"\d{1,4}\s*/\s*\d{1,4}|[-–]\s*\d{1,4}\s*[-–]|第\s*\d{1,4}\s*頁(?:[，,]?\s*共\s*\d{1,4}\s*頁)?|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)


def without_page_noise(lines: list[Line]) -> list[Line]:
    """The lines of the document without a saved page's menus and tools (a repeated title stays:
    it is the first line that gives the title)."""
    return [line for line in lines if not PAGE_NOISE.match(line.text.strip())]


BOX_RULE = re.compile(r"^\s*[┌├└╔╠╚┏┣┗+][─━═┬┼┴╤╪╧┳╋┻+\-]*[┐┤┘╗╣╝┓┫┛+]?\s*$")
BOX_ROW = re.compile(r"^\s*[│┃║|].*[│┃║|]\s*$")


def box_tables_to_rows(lines: list[Line]) -> list[Line]:
    """A table drawn with box characters (┌┬┐ │ ├┼┤) as the tab-separated rows the readers know:
    the lines between two rules are one row, each cell's text wrapped over them joined. A missing
    rule only merges two rows' text, it never loses it."""
    out: list[Line] = []
    row: list[str] | None = None
    first = 0

    def flush() -> None:
        nonlocal row
        if row is not None:
            out.append(Line(first, "\t".join(cell.strip() for cell in row)))
            row = None

    for line in lines:
        if BOX_RULE.match(line.text):
            flush()
            continue
        if BOX_ROW.match(line.text):
            cells = re.split(r"[│┃║|]", line.text.strip())[1:-1]
            if row is None or len(cells) != len(row):
                flush()
                row, first = ["" for _ in cells], line.number
            row = [join_wrapped(a, b.strip()) for a, b in zip(row, cells, strict=True)]
            continue
        flush()
        out.append(line)
    flush()
    return out


SPACE_RUN = re.compile(r"(?: {2,}|\u3000+)")
RUNS_IN_A_FLATTENED_LINE = 8  # a sentence has a double space now and then; a flattened table has many


def split_flattened_lines(lines: list[Line]) -> tuple[list[Line], list[int]]:
    """A document saved as one line (a copied web page, a text layer without line breaks) keeps its
    cells apart by runs of spaces: such a long line becomes one line a cell (the layout seed 000
    uses). The importer orders by line number, so the cells are numbered on from the line's own
    number (later lines move down with them, and the warning says so). Returns the lines and the
    file's numbers of the lines split."""
    out: list[Line] = []
    split: list[int] = []
    for line in lines:
        if len(line.text) >= 100 and len(SPACE_RUN.findall(line.text)) >= RUNS_IN_A_FLATTENED_LINE:
            split.append(line.number)
            out += [Line(0, cell.strip()) for cell in SPACE_RUN.split(line.text) if cell.strip()]
        else:
            out.append(Line(0, line.text))
    if not split:
        return lines, []
    return [Line(n, line.text) for n, line in enumerate(out, start=1)], split


def parse_plan(name: str, raw_lines: list[str]) -> ParsedPlan:
    # Trailing tabs are empty cells (seed 000 writes one cell a line), so only spaces are stripped.
    read = [Line(n, text.rstrip("\r\n \u3000")) for n, text in enumerate(raw_lines, start=1)]
    read, flattened = split_flattened_lines(read)
    lines = box_tables_to_rows(without_page_noise(read))
    title_line = next((line for line in lines if line.text.strip()), None)
    if title_line is None:
        raise PlanFileError(f"{name}: no text in the file")
    title = re.sub(r"\s+", " ", title_line.text.strip())
    preamble, sections = split_sections(lines, after=title_line.number)
    revisions = [
        (dates[0], line.text.strip())
        for line in preamble
        if REVISION_WORDS.search(line.text) and (dates := find_roc_dates(line.text))
    ]
    plan = ParsedPlan(
        title=title,
        agency_name=agency_from_title(title),
        kind=kind_from_title(title),
        first_year=0,
        last_year=0,
        revisions=revisions,
    )
    plan.warnings += [
        ParseWarning(
            number,
            "the line was read as cells separated by runs of spaces; later line numbers count those cells",
        )
        for number in flattened
    ]
    untaken = fill_sections(plan, sections)
    plan.first_year, plan.last_year = plan_years(title, sections, revisions, name, preamble)
    if not plan.first_year:
        plan.warnings.append(
            ParseWarning(
                title_line.number, "no plan years found: give the year (the import page asks for it)"
            )
        )
    content = next((s for s in sections if CONTENT_SECTION.search(s.title)), None)
    if content is not None:
        read_items(plan, content)
        warn_about_other_tables(plan, [s for s in sections if s is not content])
    else:
        content = read_without_content_heading(plan, sections)
    # In an outline without a content heading every section not about the plan holds items.
    items_everywhere = (
        content is not None
        and content.title not in {s.title for s in sections if CONTENT_SECTION.search(s.title)}
        and not _has_item_table(content)
    )
    warn_about_untaken(plan, [s for s in untaken if s is not content], items_everywhere=items_everywhere)
    if not plan.items:
        where = f", line {content.heading_line}: the section 「{content.title}」 has" if content else " has"
        raise PlanFileError(f"{name}{where} no items (no table of items and no numbered outline)")
    for item in plan.items:
        fill_from_prose(item)
    plan.indicators = find_indicators(plan)
    return plan


UNITS_SAID = re.compile(r"(?:承辦|主辦|辦理|負責)(?:單位|機關)[:：]\s*([^，。；;（(]+)")
DEADLINE_SAID = re.compile(r"(?:完成期限|辦理期限|期限)[:：]\s*([^，。；;（(]+)")
TRAILING_NOTE = re.compile(r"[（(]([^（）()]{2,40})[）)]\s*[。.]?$")


def fill_from_prose(item: ParsedItem) -> None:
    """An outline item that says its unit and deadline in its own words — 「（資訊科，115年6月底前）」
    at its end, or 「承辦單位：資訊科」 — gets them as fields; what a table gave is never replaced."""
    text = normalize(item.text)
    if not item.units and (said := UNITS_SAID.search(text)):
        item.units = split_units(said.group(1))
    if not item.deadline_raw and (said := DEADLINE_SAID.search(text)):
        item.deadline_raw = said.group(1).strip()
    note = TRAILING_NOTE.search(text)
    if note is None:
        return
    for part in re.split(r"[，,；;]", note.group(1)):
        part = part.strip()
        if not item.deadline_raw and parse_deadline(part).kind != "text":
            item.deadline_raw = part
        elif not item.units and UNIT_CELL.match(part):
            item.units = split_units(part)


# Sections that describe the plan rather than list its items.
META_SECTION = re.compile(
    r"依據|目標|對象|實施機關|適用|期程|管制|考核|獎勵|獎懲|實施步驟|經費|附則|附件|附表|其他|預期效益|名詞"
)


def _has_item_table(section: Section) -> bool:
    for index, line in enumerate(section.lines):
        single = cell_per_line_header(section.lines, index) if line.text.startswith("\t") else None
        names = header_cells(line.text) or (single[0] if single else None)
        if names:
            roles = roles_of(names)
            return REPORT not in roles and CALENDAR not in roles
    return False


def read_without_content_heading(plan: ParsedPlan, sections: list[Section]) -> Section | None:
    """No 「計畫內容」 heading: items start at the first table of items; else each top-level section
    that is not about the plan itself (依據, 目標, 管制考核…) is a framework node over the items
    outlined in it. A calendar or reporting template is never taken for items."""
    for section in sections:
        if META_SECTION.search(section.title) or not _has_item_table(section):
            continue
        plan.warnings.append(
            ParseWarning(
                section.heading_line,
                f"no plan content heading: items read from the table under 「{section.title}」",
            )
        )
        read_items(plan, section)
        return section
    item_sections = [s for s in sections if not META_SECTION.search(s.title)]
    for section in item_sections:
        read_outline(plan, section, prefix=[section.title])
    if item_sections and plan.items:
        names = "」「".join(s.title for s in item_sections)
        plan.warnings.append(
            ParseWarning(
                item_sections[0].heading_line,
                f"no plan content heading: items read from the sections 「{names}」",
            )
        )
    return item_sections[0] if item_sections else None


def agency_from_title(title: str) -> str:
    match = re.match(r"^(.*?)\s*(?:\d+\s*年度?)?\s*(?:提升|推動|辦理)", normalize(title))
    return (match.group(1) if match else title).strip()


def kind_from_title(title: str) -> str:
    return next((kind for word, kind in KIND_WORDS if word in title), "execution")


# 「【附表】」, 「附件2」 on a line of its own: an appendix begins; what follows belongs to no section above.
APPENDIX = re.compile(r"^(?:【\s*(?:附表|附件)[^】]{0,12}】|(?:附表|附件)\s*[\d一二三四五六七八九十]{0,3})$")


def split_sections(lines: list[Line], *, after: int) -> tuple[list[Line], list[Section]]:
    """Top-level headings (壹、貳、… or, without those, 一、二、…) and the lines under each; an
    appendix line opens a section of its own, so a template attached after 獎勵方式 (000's 【附表】)
    is not read as the rewards' text."""
    body = [line for line in lines if line.number > after]
    heading = TOP_ROC if any(TOP_ROC.match(line.text) for line in body) else TOP_NUM
    preamble: list[Line] = []
    sections: list[Section] = []
    for line in body:
        # A table row (it has tabs) is never a heading, even when its first cell reads 「一、…」.
        is_text_line = "\t" not in line.text and not line.text.startswith((" ", "-"))
        match = heading.match(line.text) if is_text_line else None
        if is_text_line and APPENDIX.match(line.text.strip()):
            sections.append(Section(title=line.text.strip().strip("【】 "), heading_line=line.number))
        elif match:
            title, _, inline = match.group(2).partition("：")
            sections.append(Section(title=title.strip(), heading_line=line.number))
            if inline.strip():
                sections[-1].lines.append(Line(line.number, inline.strip()))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, sections


# Sections read elsewhere (the years) or attachments, whose text no field is meant to keep.
READ_ELSEWHERE = re.compile(r"期程|附件|附表")
APPENDIX_TITLE = re.compile(r"^附件|^附表")


def fill_sections(plan: ParsedPlan, sections: list[Section]) -> list[Section]:
    """Fill the plan's fields from the sections their titles name; the sections none took."""
    untaken = [section for section in sections if not _fill_section(plan, section)]
    program = PROGRAM.search(plan.basis)
    plan.program_name = program.group(1) if program else ""
    if program:
        # The letter cited just before the program's name is the one that issued it.
        letters = list(LETTER.finditer(plan.basis[: program.start()]))
        plan.program_letter = letters[-1].group(1) if letters else ""
    return untaken


def warn_about_untaken(plan: ParsedPlan, untaken: list[Section], *, items_everywhere: bool) -> None:
    """A section with text that neither a field nor the items took (經費, 其他, 推薦參獎) is said,
    never dropped in silence; an outline's sections that hold items are not untaken."""
    appendix_from = next((s.heading_line for s in untaken if APPENDIX_TITLE.search(s.title)), None)
    for section in untaken:
        if appendix_from is not None and section.heading_line >= appendix_from:
            break  # attachments (004's 附件2 is a whole sample plan) are not this plan's sections
        if READ_ELSEWHERE.search(section.title) or not section.body():
            continue
        if items_everywhere and not META_SECTION.search(section.title):
            continue
        plan.warnings.append(
            ParseWarning(section.heading_line, f"the section 「{section.title}」 has no field; not imported")
        )


def _fill_section(plan: ParsedPlan, section: Section) -> bool:
    """Put the section's text in the plan field its title names; False when none took it."""
    text = section.body()
    if "依據" in section.title and not plan.basis:
        plan.basis = _without_bullets(text)
        plan.basis_line = section.lines[0].number if section.lines else section.heading_line
    elif "目標" in section.title and not plan.goals:
        plan.goals = _without_bullets(text)
    elif re.search(r"實施對象|實施機關|適用對象", section.title) and not plan.scope:
        plan.scope = _without_bullets(text)
    elif re.search(r"管制考核|考核作業", section.title) and not plan.oversight:
        plan.oversight = _without_bullets(text)
    elif re.search(r"實施步驟|作業步驟|辦理步驟|推動作法", section.title) and not plan.steps:
        plan.steps = _without_bullets(text)
    elif re.search(r"獎勵|獎懲", section.title) and not plan.rewards:
        plan.rewards = _without_bullets(text)
    else:
        return False
    return True


def _without_bullets(text: str) -> str:
    return "\n".join(BULLET.sub("", line) for line in text.split("\n"))


# 「106年度」, 「106年提升…」, 「一百零六年度」 in a title or a file name (a plan's year, not a date's).
YEAR_IN_NAME = re.compile(r"(?<!\d)(\d{2,3}|20\d{2})\s*年(?:度)?(?!\d{1,2}月)")


def plan_years(
    title: str, sections: list[Section], revisions: list, name: str, preamble: list[Line] | None = None
) -> tuple[int, int]:
    """The plan's years: its 計畫期程, else the year in its title, its first issuing date, a date in
    the lines before its first section, or its file name; (0, 0) when none says (the user is asked)."""
    for section in sections:
        if "期程" in section.title:
            match = re.search(r"(\d{2,3})\s*[至到\-~]\s*(\d{2,3})\s*年", normalize(section.body()))
            if match:
                return year_from_either(int(match.group(1))), year_from_either(int(match.group(2)))
    match = YEAR_IN_NAME.search(normalize(digits_for_chinese_numbers(title)))
    if match:
        year = year_from_either(int(match.group(1)))
        return year, year
    if revisions:
        year = revisions[0][0].year
        return year, year
    dated = [day for line in preamble or [] for day in find_roc_dates(digits_for_chinese_numbers(line.text))]
    if dated:
        return dated[0].year, dated[0].year
    match = YEAR_IN_NAME.search(normalize(Path(name).stem))
    if match:
        year = year_from_either(int(match.group(1)))
        return year, year
    return 0, 0


# --- tables -------------------------------------------------------------------------------------


def header_cells(text: str) -> list[str] | None:
    """The cells of a header row, or None when the line is not a header."""
    cells = [c.strip() for c in text.split("\t")]
    named = [c for c in cells if c]
    if len(named) >= 2 and all(c in HEADER_ROLES for c in named):
        while cells and not cells[-1]:
            cells.pop()
        return cells
    return None


def roles_of(header: list[str]) -> list[str]:
    """What each column holds. An unnamed column before 執行方法 is the method's title (seed 003).
    Where a plan has both 執行方法 and 具體作法, the method is the item and 具體作法 its actions."""
    roles = [HEADER_ROLES.get(name, TEXT) for name in header]
    if "執行方法" in header and "具體作法" in header:
        roles = [ACTIONS if name == "具體作法" else role for name, role in zip(header, roles, strict=True)]
    if "推動作法" in header:
        roles = [PATH if name == "實施要項" else role for name, role in zip(header, roles, strict=True)]
    for i, name in enumerate(header):
        if name.startswith("執行方法") and i > 0 and header[i - 1] == "" and i - 1 > 0:
            roles[i - 1], roles[i] = TEXT, ACTIONS
    return roles


def cell_per_line_header(lines: list[Line], start: int) -> tuple[list[str], int] | None:
    """A header written one cell a line (each line a tab and a name), as in seed 000."""
    names: list[str] = []
    i = start
    while i < len(lines) and lines[i].text.startswith("\t") and "\t" not in lines[i].text[1:]:
        name = lines[i].text.strip()
        if name not in HEADER_ROLES or not name:
            break
        names.append(name)
        i += 1
    return (names, i) if len(names) >= 3 else None


# A unit's name as a table cell: short, and ending the way units are called.
UNIT_CELL = re.compile(
    r"^(?:各[組科室課處局單位]+|.{1,12}?(?:組|科|室|課|處|局|所|中心|單位|隊|站))(?:[、,，].{1,12})*$"
)


def loose_header(lines: list[Line], start: int) -> tuple[list[str], int] | None:
    """A header a web page's text gives one name a line, with blank lines between and a name split
    over two lines (「承辦」 then 「單位」): at least three names in a row."""
    names: list[str] = []
    i = start
    pending = ""
    while i < len(lines):
        text = lines[i].text.strip()
        if not text:
            i += 1
            continue
        if "\t" in lines[i].text:
            break
        joined = pending + text
        if joined in HEADER_ROLES and joined:
            names.append(joined)
            pending = ""
        elif not pending and any(name.startswith(text) and name != text for name in HEADER_ROLES if name):
            pending = text
        else:
            break
        i += 1
    return (names, i) if len(names) >= 3 and not pending else None


def read_loose_table(plan: ParsedPlan, names: list[str], lines: list[Line]) -> None:
    """The rows of such a table, cell by cell by what each cell looks like: 「一、」 the framework,
    「(一)」 an item, a unit's name its units, a deadline its deadline, anything else its method."""
    roles = set(roles_of(names))
    path = ""
    current: ParsedItem | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if CN_HEADING.match(text) and PATH in roles:
            path, current = text, None
        elif CN_ITEM.match(text):
            current = ParsedItem(path=[path] if path else [], text=text, line=line.number)
            plan.items.append(current)
        elif current is None:
            plan.warnings.append(ParseWarning(line.number, f"text before any item: 「{text[:30]}」"))
        elif UNITS in roles and UNIT_CELL.match(text) and not current.units:
            current.units = [u for u in re.split(r"[、,，\s]+", text) if u]
        elif (
            DEADLINE in roles
            and not current.deadline_raw
            and len(text) <= 20
            and parse_deadline(text).kind != "text"
        ):
            current.deadline_raw = text
        else:
            current.actions = f"{current.actions}\n{text}".strip()


def read_items(plan: ParsedPlan, section: Section) -> None:
    lines = section.lines
    for index, line in enumerate(lines):
        loose = loose_header(lines, index) if line.text.strip() and "\t" not in line.text else None
        if loose:
            names, next_index = loose
            read_loose_table(plan, names, lines[next_index:])
            return
        single = cell_per_line_header(lines, index) if line.text.startswith("\t") else None
        if single:
            names, next_index = single
            rows = cell_per_line_rows(lines[next_index:], len(names), plan)
            ColumnTable(plan, names).read(rows)
            return
        header = header_cells(line.text)
        if header:
            rows = row_per_line_rows(lines[index + 1 :], header)
            if "<p>" in "".join(line.text for line in lines) and DEADLINE not in roles_of(header):
                FragmentStream(plan).read(lines[index + 1 :])
            else:
                ColumnTable(plan, header).read(rows)
            return
    read_outline(plan, section)


def cell_per_line_rows(lines: list[Line], width: int, plan: ParsedPlan) -> list[tuple[int, list[str]]]:
    """Cells one a line; a line without a leading tab continues the cell above (a wrapped cell)."""
    cells: list[tuple[int, str]] = []
    for line in lines:
        if line.text.startswith("\t"):
            cells.append((line.number, line.text[1:].strip()))
        elif line.text.strip() and cells:
            number, text = cells[-1]
            cells[-1] = (number, f"{text}\n{line.text.strip()}".strip())
    if len(cells) % width:
        plan.warnings.append(
            ParseWarning(cells[-1][0], f"the table ends with an incomplete row of {len(cells) % width} cells")
        )
    return [
        (cells[i][0], [text for _, text in cells[i : i + width]] + [""] * (width - len(cells[i : i + width])))
        for i in range(0, len(cells), width)
    ]


def row_per_line_rows(lines: list[Line], header: list[str]) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    for line in lines:
        if not line.text.strip() or header_cells(line.text):
            continue
        if "\t" in line.text:
            cells = [c.strip() for c in line.text.split("\t")]
            rows.append((line.number, cells))
        elif rows:
            # A line with no tab continues the last non-empty cell of the row above.
            cells = rows[-1][1]
            last = max((i for i, c in enumerate(cells) if c), default=0)
            cells[last] = f"{cells[last]}\n{line.text.strip()}"
    return rows


def fragments(cell: str) -> list[str]:
    found = [f.strip() for f in P_FRAGMENT.findall(cell)]
    if found:
        return [f for f in found if f]
    return [cell.strip()] if cell.strip() else []


def split_units(text: str) -> list[str]:
    names = re.split(r"[、，,；;\n]+|\s+", text)
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def split_benefit(text: str) -> tuple[str, list[str]]:
    """A benefit cell: the words before the first ◎ (a cell continued from the previous page) and each ◎ part."""
    if "◎" not in text:
        return "", [text] if text else []
    head, _, rest = text.partition("◎")
    return head.strip(), [f"◎{part.strip()}" for part in rest.split("◎") if part.strip()]


class ColumnTable:
    """A plan table with one item a row (possibly several items a row as <p> fragments)."""

    def __init__(self, plan: ParsedPlan, header: list[str]) -> None:
        self.plan = plan
        self.header = header
        self.roles = roles_of(header)
        self.path: list[str] = []

    def column(self, role: str) -> list[int]:
        return [i for i, r in enumerate(self.roles) if r == role]

    def read(self, rows: list[tuple[int, list[str]]]) -> None:
        if REPORT in self.roles or CALENDAR in self.roles:
            raise PlanFileError("the plan table is a report or calendar template, not plan items")
        for number, cells in rows:
            cells = cells + [""] * (len(self.roles) - len(cells))
            if len(cells) > len(self.roles) and any(cells[len(self.roles) :]):
                self.plan.warnings.append(
                    ParseWarning(
                        number,
                        f"{len(cells)} cells where the header has {len(self.roles)}; extra cells kept in the last column",
                    )
                )
                cells = [
                    *cells[: len(self.roles) - 1],
                    " ".join(c for c in cells[len(self.roles) - 1 :] if c),
                ]
            self.read_row(number, cells[: len(self.roles)])

    def path_for(self, cells: list[str]) -> list[str]:
        levels = self.column(PATH)
        new_path = []
        changed = False
        for depth, col in enumerate(levels):
            value = " ".join(fragments(cells[col])).strip()
            if value:
                changed = True
            elif not changed and depth < len(self.path):
                value = self.path[depth]
            if value:
                new_path.append(value)
        return new_path

    def read_row(self, number: int, cells: list[str]) -> None:
        self.path = self.path_for(cells)
        text_col = self.column(TEXT)
        texts = fragments(cells[text_col[0]]) if text_col else []
        actions_col = self.column(ACTIONS)
        actions = " ".join(fragments(cells[actions_col[0]])) if actions_col else ""
        deadlines = self.cell_fragments(cells, DEADLINE)
        units = self.cell_fragments(cells, UNITS)
        head, benefits = split_benefit(" ".join(self.cell_fragments(cells, BENEFIT)))
        if head:
            self.continue_previous_benefit(number, head, benefits)
        if not texts and not actions:
            if deadlines or units or benefits:
                self.merge_into_previous(number, deadlines, units, benefits)
            return
        if not texts:
            texts, actions = [actions], ""
        for k, text in enumerate(texts):
            self.plan.items.append(
                ParsedItem(
                    path=list(self.path),
                    text=text,
                    line=number,
                    actions=format_actions(actions) if k == 0 else "",
                    deadline_raw=_nth(deadlines, k, len(texts)),
                    units=split_units(_nth(units, k, len(texts))),
                    expected_benefit=_nth(benefits, k, len(texts)),
                )
            )

    def cell_fragments(self, cells: list[str], role: str) -> list[str]:
        cols = self.column(role)
        return fragments(cells[cols[0]]) if cols else []

    def continue_previous_benefit(self, number: int, head: str, benefits: list[str]) -> None:
        previous = self.plan.items[-1] if self.plan.items else None
        if previous is not None and not previous.expected_benefit.endswith(SENTENCE_END):
            previous.expected_benefit = f"{previous.expected_benefit}{head}"
        else:
            benefits.insert(0, head)

    def merge_into_previous(
        self, number: int, deadlines: list[str], units: list[str], benefits: list[str]
    ) -> None:
        """A row with no item text adds a unit, date and benefit to the item above (seed 002, (六))."""
        if not self.plan.items:
            self.plan.warnings.append(
                ParseWarning(number, "a row with no item text before any item; skipped")
            )
            return
        item = self.plan.items[-1]
        for deadline in deadlines:
            if deadline and deadline not in item.deadline_raw:
                item.deadline_raw = f"{item.deadline_raw} {deadline}".strip()
        for unit_text in units:
            item.units = list(dict.fromkeys([*item.units, *split_units(unit_text)]))
        extra = " ".join(benefits)
        item.expected_benefit = f"{item.expected_benefit} {extra}".strip()


def _nth(values: list[str], k: int, count: int) -> str:
    """The k-th of ``count`` items' values: one each when they match, else all of them for every item."""
    if len(values) == count:
        return values[k]
    if len(values) > count and k == count - 1:
        return " ".join(values[k:])
    if k < len(values) and len(values) > 1:
        return values[k]
    return " ".join(values)


def format_actions(text: str) -> str:
    """Put each numbered point of an actions cell on its own line: 「(1) … (2) …」."""
    return re.sub(r"\s+(?=[(（]\d{1,2}[)）])", "\n", text.strip())


class FragmentStream:
    """Seed 004's framework table, whose cells the extraction scattered: read numbered fragments in order.

    一、 starts a framework node, (一) an item, 1. / (1) an action of an item; unnumbered words continue
    the text before them. Actions that appear before their item (a lost cell) wait for the next item.
    """

    def __init__(self, plan: ParsedPlan) -> None:
        self.plan = plan
        self.node = ""
        self.item: ParsedItem | None = None
        self.previous: ParsedItem | None = None
        self.item_node = ""
        self.last_number: dict[int, int] = {}
        self.waiting: list[tuple[int, str]] = []
        self.last_was_item_text = False

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            if not line.text.strip() or header_cells(line.text):
                continue
            for cell in line.text.split("\t"):
                for fragment in fragments(cell):
                    self.take(line.number, fragment)
        if self.waiting:
            self.plan.warnings.append(
                ParseWarning(
                    self.waiting[0][0],
                    f"{len(self.waiting)} methods after the last item could not be placed: {self.waiting[0][1][:30]}…",
                )
            )

    def take(self, number: int, fragment: str) -> None:
        if CN_HEADING.match(fragment):
            self.node = fragment
            self.last_was_item_text = False
        elif CN_ITEM.match(fragment):
            self.start_item(number, fragment)
        elif match := NUM_ITEM.match(fragment):
            self.add_method(number, int(match.group(1)), fragment)
        elif SUB_ITEM.match(fragment):
            self.add_action(number, fragment)
        else:
            self.continue_text(number, fragment)

    def start_item(self, number: int, text: str) -> None:
        self.previous = self.item
        self.item = ParsedItem(path=[self.node] if self.node else [], text=text, line=number)
        self.item_node = self.node
        self.plan.items.append(self.item)
        self.last_was_item_text = True
        if self.waiting:
            first = self.waiting[0][0]
            self.plan.warnings.append(
                ParseWarning(
                    first,
                    f"{len(self.waiting)} methods (lines {first}–{self.waiting[-1][0]}) came before their item in the file; attached to 「{text[:20]}」 — check them",
                )
            )
            for _, waiting_text in self.waiting:
                self.add_action(number, waiting_text)
            self.waiting = []

    def add_method(self, number: int, n: int, text: str) -> None:
        """A numbered method goes to its item; numbering tells which when a page break scattered them."""
        target = self.method_target(n)
        if target is None:
            self.waiting.append((number, text))
            return
        self.last_number[id(target)] = n
        target.actions = f"{target.actions}\n{text}".strip()

    def method_target(self, n: int) -> ParsedItem | None:
        item, previous = self.item, self.previous
        if item is None:
            return None
        continues_previous = previous is not None and n > 1 and self.last_number.get(id(previous), 0) == n - 1
        if self.item_node == self.node:
            # 「3.」 right after a new item that has no methods yet continues the item before it.
            if self.last_number.get(id(item), 0) == 0 and continues_previous:
                return previous
            return item
        if n > 1 and self.last_number.get(id(item), 0) == n - 1:
            return item
        return None

    def add_action(self, number: int, text: str) -> None:
        if self.item is None:
            self.waiting.append((number, text))
            return
        self.item.actions = f"{self.item.actions}\n{text}".strip()
        self.last_was_item_text = False

    def continue_text(self, number: int, text: str) -> None:
        item = self.item
        if item is None:
            self.plan.warnings.append(ParseWarning(number, f"text before any item: 「{text[:30]}」"))
            return
        if not item.text.endswith(SENTENCE_END):
            item.text = f"{item.text}{text}"
        elif item.actions and not item.actions.endswith(SENTENCE_END):
            item.actions = f"{item.actions}{text}"
        else:
            item.actions = f"{item.actions}\n{text}".strip()


def read_outline(plan: ParsedPlan, section: Section, prefix: list[str] | None = None) -> None:
    """一、 headings with (一) bullets; a line without a marker continues the bullet above. Under a
    top-level section standing in for the framework (``prefix``), its 一、 lines are items too when no
    (一) bullets follow them."""
    node = ""
    current: ParsedItem | None = None
    outer = prefix or []
    headings_only = bool(prefix) and not any(
        CN_ITEM.match(BULLET.sub("", line.text.strip())) or NUM_ITEM.match(BULLET.sub("", line.text.strip()))
        for line in section.lines
    )
    for line in section.lines:
        text = BULLET.sub("", line.text.strip())
        if not text:
            continue
        if CN_HEADING.match(text) and headings_only:
            current = ParsedItem(path=list(outer), text=text, line=line.number)
            plan.items.append(current)
        elif CN_HEADING.match(text):
            node, current = text, None
        elif CN_ITEM.match(text) or NUM_ITEM.match(text):
            current = ParsedItem(path=[*outer, node] if node else list(outer), text=text, line=line.number)
            plan.items.append(current)
        elif current is not None:
            current.text = f"{current.text}{text}"
        elif plan.items or node:
            plan.warnings.append(ParseWarning(line.number, f"text outside any item: 「{text[:30]}」"))


def warn_about_other_tables(plan: ParsedPlan, sections: list[Section]) -> None:
    """Tables outside the plan content (a report template, a calendar) are named, not imported."""
    for section in sections:
        lines = section.lines
        for index, line in enumerate(lines):
            header = header_cells(line.text)
            single = cell_per_line_header(lines, index) if line.text.startswith("\t") else None
            names = header or (single[0] if single else None)
            if not names:
                continue
            roles = roles_of(names)
            what = (
                "a reporting template (辦理情形及成效)"
                if REPORT in roles
                else ("a calendar (作業時程)" if CALENDAR in roles else "a table outside the plan content")
            )
            plan.warnings.append(
                ParseWarning(line.number, f"{what} under 「{section.title}」 is not plan items; not imported")
            )
            break


def find_indicators(plan: ParsedPlan) -> list[ParsedIndicator]:
    """Yearly targets written in an item, e.g. 「104-107年完成開放資料集累計分別達720、960、1,200、1,440項」."""
    found: list[ParsedIndicator] = []
    for index, item in enumerate(plan.items):
        for source in (item.deadline_raw, item.text, item.expected_benefit):
            match = TARGETS.search(normalize(source))
            if not match:
                continue
            first, last = year_from_either(int(match.group(1))), year_from_either(int(match.group(2)))
            values = [
                Decimal(v.replace(",", ""))
                for v in re.split(r"\s*[、及]\s*|,\s+", match.group(4))
                if v.strip()
            ]
            if len(values) != last - first + 1:
                continue
            name = f"{match.group(3)}累計數"
            if any(existing.name == name for existing in found):
                continue
            targets = dict(zip(range(first, last + 1), values, strict=True))
            found.append(
                ParsedIndicator(
                    name=name,
                    unit=match.group(5),
                    cumulative=True,
                    targets=targets,
                    line=item.line,
                    item_index=index,
                )
            )
    return found
