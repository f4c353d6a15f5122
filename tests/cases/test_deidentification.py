"""De-identification against personal data in the forms Taiwanese citizens write it.

Each line of the corpus is (text, what must vanish). A second corpus holds what must survive:
the place, the dates, the service numbers a report is about.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from servq.cases import rules

PERSONAL = [
    ("請回電(07)7123456，謝謝", "(07)7123456"),
    ("電話：(02)2345-6789 轉 123", "2345-6789"),
    ("家裡電話 02-23456789", "02-23456789"),
    ("市話(049)2345678", "2345678"),
    ("我的手機0912-345-678", "0912-345-678"),
    ("手機 0912 345 678 白天可接", "0912 345 678"),
    ("聯絡 +886-912-345-678", "912-345-678"),
    ("請撥 +886 2 2345 6789", "2345 6789"),
    ("免付費 0800-123-456 都打不通", "0800-123-456"),
    ("身分證字號A123456789", "A123456789"),
    ("身分證 a223456789（小寫）", "a223456789"),
    ("居留證號碼AC01234567", "AC01234567"),
    ("新式居留證A800000014", "A800000014"),
    ("信用卡 4111 1111 1111 1111 被重複扣款", "4111 1111 1111 1111"),
    ("卡號4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("轉帳帳號 0123456789012 的款項", "0123456789012"),
    ("信箱 ming.wang+tw@example.com.tw", "ming.wang+tw@example.com.tw"),
    ("我是王小明，住在中山路", "王小明"),
    ("我叫林美玲", "林美玲"),
    ("承辦人陳大文態度不好", "陳大文"),
    ("隔壁的張先生一直把車停在紅線", "張"),
    ("鄰居黃志強半夜製造噪音", "黃志強"),
    ("謝謝李小姐的協助", "李"),
    ("住中山路二段100巷5弄3號5樓之1", "100巷5弄3號"),
    ("地址：建工路415號3樓", "415號"),
    ("ＡＢ全形：Ａ１２３４５６７８９", "A123456789"),
    ("手機零九一二三四五六七八，請回電", "零九一二三四五六七八"),
    ("電話〇二-二三四五-六七八九", "二三四五-六七八九"),
    ("手機號碼零九一二 三四五 六七八", "三四五 六七八"),
]


@pytest.mark.parametrize(("text", "secret"), PERSONAL)
def test_personal_data_is_removed(text, secret):
    scrubbed = rules.scrub(text, ["王大同"])
    assert secret not in scrubbed
    if secret == "張":
        assert "張先生" not in scrubbed
    if secret == "李":
        assert "李小姐" not in scrubbed


@pytest.mark.parametrize("written", ["王小明反映路燈不亮", "王 小明反映", "王　小明反映", "我是王小明"])
def test_the_citizens_name_is_removed_however_they_spaced_it(written):
    # The name as sent through Open311 (「王 小明」) and as it appears in the text.
    assert "小明" not in rules.scrub(written, ["王 小明"])


KEPT = [
    ("中山路二段的路燈壞了", "中山路二段"),
    ("請撥1999市民專線", "1999"),
    ("115年3月5日申請，至今未處理", "115年3月5日"),
    ("2026-03-05 送件", "2026-03-05"),
    ("公車307路誤點20分鐘", "307路"),
    ("地下道積水約30公分", "30公分"),
    ("辦理戶籍謄本要等40分鐘", "40分鐘"),
    ("一二三四五巷口的號誌", "一二三四五"),
    ("二〇二六年三月", "二〇二六年"),
]


@pytest.mark.parametrize(("text", "kept"), KEPT)
def test_what_the_report_is_about_survives(text, kept):
    assert kept in rules.scrub(text)


@pytest.mark.parametrize(
    ("exact", "public"),
    [
        (Decimal("25.047924"), 25.05),
        (Decimal("121.517081"), 121.515),
        (Decimal("22.627700"), 22.63),
        (None, None),
    ],
)
def test_public_coordinates_snap_to_a_500_metre_grid(exact, public):
    assert rules.public_coordinate(exact) == pytest.approx(public)
    if exact is not None:
        assert abs(float(exact) - rules.public_coordinate(exact)) <= 0.0025 + 1e-9


def test_open311_shows_snapped_coordinates_not_the_citizens(client, body, categories):
    from servq.cases import services

    case, _ = services.submit_case(
        channel="api",
        body=body,
        category=categories["repair"],
        description="路燈不亮",
        address="臺北市中正區重慶南路一段122號",
        lat="25.040123",
        long="121.511987",
    )
    row = client.get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert (row["lat"], row["long"]) == (pytest.approx(25.04), pytest.approx(121.51))
    assert row["address"] == "臺北市中正區重慶南路一段"


def test_what_a_citizen_wrote_is_published_as_written_but_for_personal_data():
    """Issue 36.5: full-width punctuation became ASCII in Open311 and the open data."""
    text = "路燈不亮，已經三天了！請於（晚上）修理。電話：０９１２３４５６７８，謝謝～"
    scrubbed = rules.scrub(text)
    assert scrubbed == "路燈不亮，已經三天了！請於（晚上）修理。電話：〔電話〕，謝謝～"
