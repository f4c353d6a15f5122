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
from collections import Counter
from functools import lru_cache
from operator import add

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
ASCII_WORD = re.compile(r"[a-z0-9]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_QUERY_LENGTH = 100


def fold_text(text: str) -> str:
    """Full-width to half-width, lower case, control characters out: 「ＦＡＱ」 and 「faq」 are one term."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):  # a title often is: checking costs 1% of normalising
        text = unicodedata.normalize("NFKC", text)
    return CONTROL.sub(" ", text).lower()


# Characters written two ways that mean the same (臺/台): folded to one in the platform index and
# its queries, so either finds both.
VARIANTS = {"臺": "台", "裏": "裡", "啓": "啟", "羣": "群", "峯": "峰"}


def fold_variants(text: str) -> str:
    """fold_text, and the variant characters folded to one form (str.replace: a scan per variant
    costs a fiftieth of str.translate's per-character lookups)."""
    text = fold_text(text)
    for variant, usual in VARIANTS.items():
        text = text.replace(variant, usual)
    return text


SYNONYMS_CACHE_KEY = "search.synonym_groups"  # dropped when the list changes
SYNONYM_SEPARATORS = re.compile(r"[,，、;；=＝]+")
MAX_SYNONYM_WORDS = 10
MAX_SYNONYM_LENGTH = 20
MAX_VARIANTS = 4


def synonym_group(line: str) -> list[str]:
    """One line of the synonym list as its words, folded as queries are: 「身分證，國民身分證」."""
    words = [fold_variants(word).strip() for word in SYNONYM_SEPARATORS.split(line)]
    return list(dict.fromkeys(word for word in words if word))


def synonym_problem(words: list[str]) -> str:
    """Why a group cannot be kept, or "" (a group needs two words, each a few characters)."""
    if len(words) < 2:
        return "每一行至少要有兩個詞，以逗號或頓號分隔。"
    if len(words) > MAX_SYNONYM_WORDS:
        return f"每一行最多 {MAX_SYNONYM_WORDS} 個詞。"
    too_long = [word for word in words if len(word) > MAX_SYNONYM_LENGTH]
    if too_long:
        return f"「{too_long[0][:30]}」太長（每個詞 {MAX_SYNONYM_LENGTH} 字內）。"
    if any(not query_terms(word) for word in words):
        return "每個詞都要有文字或數字，不能只有標點符號。"
    return ""


def query_variants(folded_query: str, groups: list[list[str]]) -> list[str]:
    """The query as written, then as written with each synonym in place of the word it holds (the
    longest word of a group that occurs in it): at most MAX_VARIANTS queries."""
    variants = [folded_query]
    for words in groups:
        present = max((word for word in words if word in folded_query), key=len, default="")
        if not present:
            continue
        for other in words:
            if other != present:
                variants.append(folded_query.replace(present, other))
    return list(dict.fromkeys(variants))[:MAX_VARIANTS]


def required_matches(term_count: int) -> int:
    """How many of a query's terms a result must hold: all of one or two, two thirds of more. Chinese
    is typed without spaces (「低收入戶文件」): the pair across two words (「戶文」) is in no document
    that says 「低收入戶要準備哪些文件」, so requiring every pair would find nothing."""
    return term_count if term_count <= 2 else -(-2 * term_count // 3)


QUOTED = re.compile(r'["“「]([^"”」]+)["”」]')


def quoted_phrases(query: str) -> list[str]:
    """What must appear as written, folded: each phrase the user put in quotes (「…」 or "…")."""
    found = [fold_variants(p).strip() for p in QUOTED.findall(query)]
    return [p for p in dict.fromkeys(found) if p]


def runs_to_prefer(query: str) -> list[str]:
    """The unquoted Chinese runs of three or more characters: a result holding one as written ranks
    above one that holds its pairs apart."""
    folded = QUOTED.sub(" ", fold_variants(query))
    return [run for run in dict.fromkeys(CJK_RUN.findall(folded)) if len(run) >= 3]


MAX_TERM_LENGTH = 40  # an ASCII run longer than this is no word anyone types (a hash, a token)


def index_terms(text: str) -> list[str]:
    """Every term a text is found by, repeated as often as it occurs (for term frequency)."""
    return terms_of_folded(fold_text(text))


def terms_of_folded(text: str) -> list[str]:
    """index_terms of a text already folded (fold_text or fold_variants): a writer that keeps the
    folded text too folds it once."""
    runs = CJK_RUN.findall(text)
    terms = list("".join(runs))  # every character, then every run's pairs: built by C loops
    for run in runs:
        terms += map(add, run, run[1:])
    terms += [word for word in ASCII_WORD.findall(text) if len(word) <= MAX_TERM_LENGTH]
    return terms


def query_terms(query: str) -> list[str]:
    """The terms every hit must contain: a one-character run as itself, longer runs as their pairs."""
    text = fold_text(query)
    terms: list[str] = []
    for run in CJK_RUN.findall(text):
        terms += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    terms += [word for word in ASCII_WORD.findall(text) if len(word) <= MAX_TERM_LENGTH]
    return list(dict.fromkeys(terms))


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (for <mark>), longest first, not overlapping; found
    as search finds them (full-width, case and 臺/台 folded), given as places in ``text`` itself."""
    folded, origin = _folded_in_place(text)
    needles = sorted({n for n in re.split(r"\s+", fold_variants(query)) if n}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        for match in re.finditer(re.escape(needle), folded):
            a, b = match.span()
            span = (origin[a], origin[b - 1] + 1) if origin else (a, b)
            if not any(x < span[1] and span[0] < y for x, y in spans):
                spans.append(span)
    return sorted(spans)


@lru_cache(maxsize=20_000)  # a page of results folds the same few thousand characters again
def _folded_character(character: str) -> str:
    return fold_variants(character)


def _folded_in_place(text: str) -> tuple[str, list[int] | None]:
    """The text folded a character at a time, and where each folded character came from: None when
    every character folds to one (as a rule); 「㎡」 folds to two, 「①」 to one, so places would shift."""
    forms = {character: _folded_character(character) for character in set(text)}
    if all(len(form) == 1 for form in forms.values()):
        return "".join(map(forms.__getitem__, text)), None
    pieces: list[str] = []
    origin: list[int] = []
    for place, character in enumerate(text):
        pieces.append(forms[character])
        origin += [place] * len(forms[character])
    return "".join(pieces), origin


# BM25's term-frequency saturation and length normalisation, with the field weights of the index:
# a document's own words count ten times its context (plan title, framework, units).
K1 = 1.2
B = 0.75
TYPICAL_LENGTH = 80
FIELD_WEIGHTS = (10.0, 1.0)


def term_scores(fields: list[list[str]], weights: tuple[float, ...] = FIELD_WEIGHTS) -> dict[str, float]:
    """Each term's BM25-style weight in one document (idf left out: it is the same for every document
    a single-term query ranks, and multi-term queries are ranked by the database's own engine)."""
    scores: dict[str, float] = {}
    for weight, terms in zip(weights, fields, strict=False):
        counts = Counter(terms)
        length_factor = K1 * (1 - B + B * len(terms) / TYPICAL_LENGTH)
        # A field's weight depends on the term's frequency alone, and most terms occur once or
        # twice: worked out once per frequency, not once per term (the writer's costliest step).
        by_frequency = {tf: weight * tf * (K1 + 1) / (tf + length_factor) for tf in set(counts.values())}
        field = dict(zip(counts, map(by_frequency.__getitem__, counts.values()), strict=True))
        for term in field.keys() & scores.keys():
            field[term] += scores[term]
        scores |= field
    return scores


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` results against graded judgments
    (2 = what the query is after, 1 = also useful): 1.0 when the best answers come first."""
    from math import log2

    def gain(grades: list[int]) -> float:
        return sum((2**grade - 1) / log2(rank + 2) for rank, grade in enumerate(grades[:k]))

    ideal = gain(sorted(judged.values(), reverse=True))
    return gain([judged.get(key, 0) for key in ranked]) / ideal if ideal else 0.0
