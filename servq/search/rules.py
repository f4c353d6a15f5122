"""Chinese-aware terms for full-text search, with no Django.

Short Chinese queries (「網站」, 「開放」, even one character) must find every item containing them, which
trigram indexes cannot do. So each text becomes space-separated *terms*: every CJK character and every
pair of neighbouring CJK characters, and ASCII words lower-cased. The database's own full-text engine
(PostgreSQL tsvector with the 'simple' configuration, SQLite FTS5) indexes those terms as they are.
Why not jieba words: docs/decisions/0004-chinese-search.md.
"""

from __future__ import annotations

import re
import unicodedata

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
ASCII_WORD = re.compile(r"[a-z0-9]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_QUERY_LENGTH = 100


def fold_text(text: str) -> str:
    """Full-width to half-width, lower case, control characters out: 「ＦＡＱ」 and 「faq」 are one term."""
    return CONTROL.sub(" ", unicodedata.normalize("NFKC", text or "")).lower()


# Characters written two ways that mean the same (臺/台): folded to one in the platform index and
# its queries, so either finds both.
VARIANTS = str.maketrans({"臺": "台", "裏": "裡", "啓": "啟", "羣": "群", "峯": "峰"})


def fold_variants(text: str) -> str:
    """fold_text, and the variant characters folded to one form."""
    return fold_text(text).translate(VARIANTS)


QUOTED = re.compile(r'["“「]([^"”」]+)["”」]')


def phrases(query: str) -> list[str]:
    """What must appear as written, folded: each quoted phrase, and each unquoted CJK run of three
    or more characters (its bigrams alone would also match the words apart)."""
    folded = fold_variants(query)
    found = [fold_variants(p).strip() for p in QUOTED.findall(query)]
    found += [run for run in CJK_RUN.findall(QUOTED.sub(" ", folded)) if len(run) >= 3]
    return [p for p in dict.fromkeys(found) if p]


def cjk_grams(run: str) -> list[str]:
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> list[str]:
    """Every term a text is found by, repeated as often as it occurs (for term frequency)."""
    text = fold_text(text)
    terms: list[str] = []
    for run in CJK_RUN.findall(text):
        terms += cjk_grams(run)
    terms += ASCII_WORD.findall(text)
    return terms


def query_terms(query: str) -> list[str]:
    """The terms every hit must contain: a one-character run as itself, longer runs as their pairs."""
    text = fold_text(query)
    terms: list[str] = []
    for run in CJK_RUN.findall(text):
        terms += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    terms += ASCII_WORD.findall(text)
    return list(dict.fromkeys(terms))


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (for <mark>), longest first, not overlapping."""
    lowered = fold_text(text)
    needles = sorted({n for n in re.split(r"\s+", fold_text(query)) if n}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        for match in re.finditer(re.escape(needle), lowered):
            span = match.span()
            if not any(a < span[1] and span[0] < b for a, b in spans):
                spans.append(span)
    return sorted(spans)


# BM25's term-frequency saturation and length normalisation, with the field weights of the index:
# a document's own words count ten times its context (plan title, framework, units).
K1 = 1.2
B = 0.75
TYPICAL_LENGTH = 80
FIELD_WEIGHTS = (10.0, 1.0)


def term_scores(fields: list[list[str]], weights: tuple[float, ...] = FIELD_WEIGHTS) -> dict[str, float]:
    """Each term's BM25-style weight in one document (idf left out: it is the same for every document
    a single-term query ranks, and multi-term queries are ranked by the database's own engine)."""
    from collections import Counter

    scores: dict[str, float] = {}
    for weight, terms in zip(weights, fields, strict=False):
        length_factor = K1 * (1 - B + B * len(terms) / TYPICAL_LENGTH)
        for term, tf in Counter(terms).items():
            scores[term] = scores.get(term, 0.0) + weight * tf * (K1 + 1) / (tf + length_factor)
    return scores
