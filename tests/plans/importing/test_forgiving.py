"""Forgiving by default (issue 22.1): refuse only what holds no item at all; import the rest into a
draft with warnings that say what the importer assumed."""

from __future__ import annotations

import pytest
from django.conf import settings

from servq.plans.importing import parse_file

pytestmark = pytest.mark.django_db

TABLE = "實施要項\t推動作法\t完成期限\t承辦單位\n一、服務一致\t(一)訂定標準作業流程。\t經常辦理\t秘書室\n"


def parse(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("經濟部標準檢驗局106年提升服務品質實施計畫", 2017),  # 年 without 度: refused before
        ("某局106年度提升服務工作計畫", 2017),
        ("某局一百零六年度提升服務品質執行計畫", 2017),
        ("某局２０１７年提升服務品質執行計畫", 2017),
    ],
)
def test_the_year_in_the_title_is_read_however_it_is_written(tmp_path, title, year):
    plan = parse(tmp_path, "plan.txt", f"{title}\n\n壹、計畫內容\n\n{TABLE}")
    assert (plan.first_year, plan.last_year) == (year, year)


def test_the_year_comes_from_the_issuing_date_or_the_file_name(tmp_path):
    dated = parse(
        tmp_path,
        "plan.txt",
        f"某局提升服務品質執行計畫\n中華民國一百零七年二月一日訂定\n\n壹、計畫內容\n\n{TABLE}",
    )
    assert dated.first_year == 2018
    named = parse(
        tmp_path, "某局108年提升服務計畫.txt", f"某局提升服務品質執行計畫\n\n壹、計畫內容\n\n{TABLE}"
    )
    assert named.first_year == 2019


def test_no_year_anywhere_is_a_warning_and_the_import_asks_for_it(tmp_path, agency_tree):
    from servq.plans import services

    text = f"某局提升服務品質執行計畫\n\n壹、計畫內容\n\n{TABLE}"
    plan = parse(tmp_path, "plan.txt", text)
    assert plan.first_year == 0 and any("no plan years found" in w.message for w in plan.warnings)
    path = tmp_path / "plan.txt"
    with pytest.raises(services.PlanImportError, match="請指定年度"):
        services.import_plan_file(by=None, path=path, agency=agency_tree["mof"])
    imported, _ = services.import_plan_file(by=None, path=path, agency=agency_tree["mof"], year=2026)
    assert (imported.first_year, imported.last_year) == (2026, 2026)


def test_without_a_content_heading_items_start_at_the_first_table(tmp_path):
    plan = parse(
        tmp_path,
        "plan.txt",
        f"某局115年度提升服務品質執行計畫\n\n壹、計畫依據\n\n依法。\n\n貳、執行事項\n\n{TABLE}",
    )
    assert [item.text for item in plan.items] == ["(一)訂定標準作業流程。"]
    assert any("items read from the table under 「執行事項」" in w.message for w in plan.warnings)


def test_items_under_top_level_headings_are_read_with_those_headings_as_their_framework(tmp_path):
    """Three documents refused as 「no plan content section」 kept their items under 壹、貳、."""
    text = (
        "某區公所115年度提升服務品質工作計畫\n\n壹、計畫依據\n\n依本府計畫辦理。\n\n"
        "貳、便民服務\n\n一、設置單一窗口，一處收件全程服務。\n二、提供延長服務時間。\n\n"
        "參、e化服務\n\n一、推動線上申辦。\n（一）戶籍謄本線上申請。\n（二）線上預約。\n\n"
        "肆、管制考核\n\n每半年自行考核。\n"
    )
    plan = parse(tmp_path, "plan.txt", text)
    assert [(item.path, item.text) for item in plan.items] == [
        (["便民服務"], "一、設置單一窗口，一處收件全程服務。"),
        (["便民服務"], "二、提供延長服務時間。"),
        (["e化服務", "一、推動線上申辦。"], "（一）戶籍謄本線上申請。"),
        (["e化服務", "一、推動線上申辦。"], "（二）線上預約。"),
    ]
    assert plan.oversight == "每半年自行考核。"
    assert any("items read from the sections 「便民服務」「e化服務」" in w.message for w in plan.warnings)


def test_every_warning_the_importer_gives_reads_in_chinese_on_the_web(tmp_path):
    """The web shows 「第 N 行：…」 in a Chinese page: each warning has its zh-Hant words."""
    import re

    from servq.plans.importing.explain import explain

    text = (
        "某區公所提升服務品質工作計畫\n\n壹、計畫依據\n\n依法。\n\n"
        "貳、便民服務\n\n前言一段文字\n一、設置單一窗口。\n\n"
        "參、作業時程\n\n作業項目\t時程\n訂定計畫\t1月\n"
    )
    plan = parse(tmp_path, "plan.txt", text)
    assert plan.warnings
    for warning in plan.warnings:
        shown = explain(warning.message)
        assert not re.search(r"[A-Za-z]{4,}", shown.replace("e化", "")), shown


# --- issue 22.2: layouts seen in real plans --------------------------------------------------------


def test_a_saved_web_page_s_menus_and_tools_are_not_the_plan(tmp_path):
    text = (
        "跳到主要內容區塊\n:::\n字級：小 中 大\n友善列印\n回上一頁\n"
        f"某局115年度提升服務品質執行計畫\n發布日期：115-02-01\n\n壹、計畫內容\n\n{TABLE}\n回到頁首\n瀏覽人次：1234\n"
    )
    plan = parse(tmp_path, "page.txt", text)
    assert (
        plan.title == "某局115年度提升服務品質執行計畫" and len(plan.items) == 1 and plan.first_year == 2026
    )


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            "執行策略\t執行方法\t主辦單位\t具體作法",
            "一、簡化流程\t檢討申辦表單\t秘書室\t每年盤點並減併表單",
            (["一、簡化流程"], "檢討申辦表單", "每年盤點並減併表單", ["秘書室"], ""),
        ),
        (
            "工作要領\t工作重點\t業務單位\t完成期限",
            "一、資訊公開\t網站即時更新\t資訊科\t經常辦理",
            (["一、資訊公開"], "網站即時更新", "", ["資訊科"], "經常辦理"),
        ),
        (
            "評核項目\t評核指標\t次評核指標\t具體作法\t完成期限",
            "基礎服務\t服務一致\t標準作業\t訂定標準作業流程\t115年6月",
            (["基礎服務", "服務一致", "標準作業"], "訂定標準作業流程", "", [], "115年6月"),
        ),
    ],
)
def test_columns_named_as_real_plans_name_them(tmp_path, header, row, expected):
    plan = parse(
        tmp_path, "plan.txt", f"某局115年度提升服務品質執行計畫\n\n壹、計畫內容\n\n{header}\n{row}\n"
    )
    (item,) = plan.items
    assert (item.path, item.text, item.actions, item.units, item.deadline_raw) == expected


# --- issue 22.4: web pages and old Word files ---------------------------------------------------------


def test_a_plan_saved_as_a_web_page_imports_its_table_without_the_sites_frame(tmp_path):
    page = """<!DOCTYPE html><html><head><meta charset="big5"><title>x</title><script>var a=1;</script></head>
<body><nav><a href="/">首頁</a><a href="/a">回上一頁</a></nav>
<main><h1>某局115年度提升服務品質執行計畫</h1>
<h2>壹、計畫依據</h2><p>依本府計畫辦理。</p>
<h2>貳、計畫內容</h2>
<table><tr><th>實施要項</th><th>推動作法</th><th>完成期限</th><th>承辦單位</th></tr>
<tr><td>一、服務一致</td><td>(一)訂定標準<br>作業流程。</td><td>經常辦理</td><td>秘書室</td></tr></table>
</main><footer>地址：某市某路1號</footer></body></html>"""
    path = tmp_path / "plan.html"
    path.write_bytes(page.encode("cp950"))
    plan = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    assert plan.title == "某局115年度提升服務品質執行計畫" and plan.basis == "依本府計畫辦理。"
    (item,) = plan.items
    assert (item.path, item.units, item.deadline_raw) == (["一、服務一致"], ["秘書室"], "經常辦理")
    assert "訂定標準" in item.text and "作業流程" in item.text


def test_an_old_word_file_without_libreoffice_is_refused_with_how_to_save_it(tmp_path, monkeypatch):
    from servq.plans.importing import PlanFileError

    # Whatever this machine has installed: the test states the server has no LibreOffice.
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(PlanFileError, match=r"plan\.doc: an old Word.*save it as \.docx"):
        parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)


def test_an_old_word_file_libreoffice_cannot_convert_is_refused_by_name(tmp_path, monkeypatch):
    from servq.plans.importing import PlanFileError

    # A LibreOffice that fails, as it does on a damaged file: the test brings its own.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    soffice = bin_dir / "soffice"
    soffice.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    soffice.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(PlanFileError, match=r"plan\.doc: LibreOffice could not convert this \.doc file"):
        parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)


def test_a_web_pages_table_one_cell_a_line_with_a_header_split_over_two_lines(tmp_path):
    """Layout of plans copied from agencies' pages: every cell its own paragraph, the header
    「承辦單位」 broken into 「承辦」 and 「單位」, a method of several numbered lines (written here
    from that description, not copied from a page)."""
    text = (
        "某防疫處115年提升服務品質實施計畫\n\n"
        "壹、計畫依據：本府實施計畫。\n\n"
        "貳、計畫內容：\n\n"
        "實施要項\n\n執行策略\n\n執行方法\n\n承辦\n\n單位\n\n"
        "一、提升服務品質\n\n"
        "(一)訂定年度執行計畫，規劃為民服務工作。\n\n"
        "依業務特性與民眾需求訂定執行計畫。\n\n"
        "各組\n\n"
        "(二)改善洽公環境與服務設施。\n\n"
        "1.檢查洽公環境。\n\n"
        "2.檢查服務設施。\n\n"
        "秘書室\n\n"
        "二、便捷服務\n\n"
        "(一)推動線上申辦。\n\n"
        "擴充線上申辦項目。\n\n"
        "資訊室、業務組\n"
    )
    plan = parse(tmp_path, "page.txt", text)
    assert [(i.path, i.text, i.actions, i.units) for i in plan.items] == [
        (
            ["一、提升服務品質"],
            "(一)訂定年度執行計畫，規劃為民服務工作。",
            "依業務特性與民眾需求訂定執行計畫。",
            ["各組"],
        ),
        (
            ["一、提升服務品質"],
            "(二)改善洽公環境與服務設施。",
            "1.檢查洽公環境。\n2.檢查服務設施。",
            ["秘書室"],
        ),
        (["二、便捷服務"], "(一)推動線上申辦。", "擴充線上申辦項目。", ["資訊室", "業務組"]),
    ]
    assert plan.first_year == 2026


def test_a_table_drawn_with_box_characters_and_wrapped_cells(tmp_path):
    text = (
        "某局115年度提升服務品質執行計畫\n\n壹、計畫內容\n\n"
        "┌────────┬──────────────┬────────┬──────┐\n"
        "│實施要項│推動作法      │完成期限│承辦單位│\n"
        "├────────┼──────────────┼────────┼──────┤\n"
        "│一、服務│(一)訂定標準作│經常辦理│秘書室│\n"
        "│一致    │業流程。      │        │      │\n"
        "├────────┼──────────────┼────────┼──────┤\n"
        "│        │(二)每月檢視逾│每月    │資訊科│\n"
        "│        │期案件。      │        │      │\n"
        "└────────┴──────────────┴────────┴──────┘\n"
    )
    plan = parse(tmp_path, "box.txt", text)
    assert [(i.path, i.text, i.deadline_raw, i.units) for i in plan.items] == [
        (["一、服務一致"], "(一)訂定標準作業流程。", "經常辦理", ["秘書室"]),
        (["一、服務一致"], "(二)每月檢視逾期案件。", "每月", ["資訊科"]),
    ]


def test_a_box_table_with_a_missing_rule_merges_text_and_loses_none(tmp_path):
    text = (
        "某局115年度提升服務品質執行計畫\n\n壹、計畫內容\n\n"
        "│實施要項│推動作法│完成期限│承辦單位│\n"
        "├────┼────┼────┼────┤\n"
        "│一、服務│(一)甲項。│經常辦理│秘書室│\n"
        "│        │(二)乙項。│每月│資訊科│\n"
    )
    plan = parse(tmp_path, "box.txt", text)
    joined = " ".join(i.text for i in plan.items)
    assert "甲項" in joined and "乙項" in joined


def test_an_outline_plan_that_says_its_units_and_deadlines_in_prose(tmp_path):
    text = (
        "某區公所115年度提升服務品質工作計畫\n\n壹、具體措施\n\n一、便捷服務\n"
        "（一）推動戶籍謄本線上申請（戶籍課，115年6月底前）。\n"
        "（二）設置多語服務指引。承辦單位：民政課、秘書室；完成期限：115年12月。\n"
        "（三）持續辦理到宅服務（如附件）。\n"
    )
    plan = parse(tmp_path, "outline.txt", text)
    assert [(i.units, i.deadline_raw) for i in plan.items] == [
        (["戶籍課"], "115年6月底前"),
        (["民政課", "秘書室"], "115年12月"),
        ([], ""),
    ]


def test_a_whole_document_on_one_line_is_read_by_its_runs_of_spaces(tmp_path):
    """Copied from a web page or a PDF's text layer without line breaks: cells apart by runs of
    spaces (ASCII or full-width). The framework and the units land where the table put them."""
    from servq.plans.importing.explain import explain

    cells = [
        "臺中市某局115年提升服務品質實施計畫",
        "壹、計畫依據：依據本府函頒計畫辦理。",
        "貳、計畫內容：",
        *("實施要項", "執行策略", "執行方法", "承辦單位"),
        *("一、提升服務品質", "(一)訂定年度計畫", "訂定執行計畫並落實。", "秘書室"),
        *("二、優化服務場所", "(一)改善洽公環境", "辦理洽公環境檢查。", "總務科"),
    ]
    text = "  ".join(cells[:6]) + "\u3000\u3000" + "    ".join(cells[6:]) + "\n"
    plan = parse(tmp_path, "one-line.txt", text)
    assert plan.first_year == 2026
    assert [(item.path, item.text, item.units) for item in plan.items] == [
        (["一、提升服務品質"], "(一)訂定年度計畫", ["秘書室"]),
        (["二、優化服務場所"], "(一)改善洽公環境", ["總務科"]),
    ]
    assert [explain(w.message) for w in plan.warnings if w.line == 1] == [
        "整行以連續空白分隔為儲存格讀取；其後的行號以分出的儲存格計算"
    ]


def test_a_sentence_with_a_few_double_spaces_stays_one_line(tmp_path):
    prose = "本局為提升服務品質  特訂定本計畫  以落實便民服務" * 3
    plan = parse(tmp_path, "plan.txt", f"某局115年度提升服務品質執行計畫\n{prose}\n\n壹、計畫內容\n\n{TABLE}")
    assert len(plan.items) == 1 and not any("runs of spaces" in w.message for w in plan.warnings)


def test_an_agency_profile_and_a_duties_table_before_the_items_are_not_items(tmp_path):
    text = (
        "某區公所115年度提升服務品質執行計畫\n\n壹、機關簡介\n本所轄區人口約12萬人，設有民政課、社會課等單位。\n\n"
        "貳、業務職掌\n單位\t業務職掌\n民政課\t戶政、兵役、宗教禮俗。\n社會課\t社會救助、福利服務。\n\n"
        f"參、計畫內容\n{TABLE}二、服務友善\t(一)設置無障礙設施。\t115年6月\t社會課\n"
    )
    plan = parse(tmp_path, "plan.txt", text)
    assert [(item.path, item.units) for item in plan.items] == [
        (["一、服務一致"], ["秘書室"]),
        (["二、服務友善"], ["社會課"]),
    ]
