"""Chinese word segmentation of case text (rjieba, the Rust port of jieba), for top and rising terms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache

from servq.cases import rules

# Words of citizens' cases that jieba's general dictionary splits; Traditional forms.
SERVICE_WORDS = [
    "路燈",
    "垃圾車",
    "坑洞",
    "違規停車",
    "人行道",
    "噪音",
    "積水",
    "路樹",
    "倒塌",
    "淹水",
    "排水溝",
    "水溝",
    "紅綠燈",
    "號誌",
    "公車",
    "捷運",
    "停車場",
    "流浪狗",
    "流浪貓",
    "野狗",
    "空氣污染",
    "廢棄物",
    "違建",
    "騎樓",
    "施工",
    "路面",
    "破損",
    "凹陷",
    "漏水",
    "停水",
    "停電",
    "公園",
    "遊具",
    "廁所",
    "攤販",
    "占用",
    "檢舉",
    "陳情",
    "報修",
    "補助",
    "申請",
    "退費",
    "戶籍",
    "地價稅",
    "房屋稅",
    "牌照稅",
    "罰單",
    "拖吊",
    "身心障礙",
    "長照",
    "托育",
    # Offices and services citizens name (jieba's dictionary is Simplified Chinese and splits the
    # Traditional forms: 「戶政事務所延長」 came out as 「政事」「務所延長」).
    "戶政事務所",
    "地政事務所",
    "區公所",
    "服務時間",
    "換發",
    "身分證",
    "健保卡",
    "戶籍謄本",
    "線上申辦",
    "預約",
    "違規停放",
    "機車",
    "上班族",
    "請假",
]


@cache
def _segmenter() -> object:
    import rjieba

    for word in SERVICE_WORDS:
        rjieba.add_word(word, 2000, None)
    return rjieba


def terms(text: str) -> list[str]:
    segmenter = _segmenter()
    return rules.topic_terms(segmenter.cut(text))  # type: ignore[attr-defined]


def count_terms(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(terms(text)))  # a case counts once per term
    return counts
