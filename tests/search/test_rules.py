from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from servq.search.rules import fold_text, highlight_spans, index_terms, query_terms


def test_every_character_and_pair_is_a_term():
    assert {"網", "站", "網站", "站提", "提供"} <= set(index_terms("網站提供"))


def test_full_width_and_case_do_not_matter():
    assert query_terms("ＦＡＱ") == query_terms("faq") == ["faq"]


def test_longer_queries_need_every_neighbouring_pair():
    assert query_terms("連結資訊") == ["連結", "結資", "資訊"]
    assert query_terms("禮") == ["禮"]


@given(st.text(max_size=300))
def test_query_terms_are_always_index_terms_of_the_same_text(text):
    assert set(query_terms(text)) <= set(index_terms(text))


@given(st.text(max_size=200))
def test_normalising_twice_changes_nothing(text):
    assert fold_text(fold_text(text)) == fold_text(text)


def test_highlights_do_not_overlap():
    assert highlight_spans("網站網站", "網站 網") == [(0, 2), (2, 4)]


@given(st.text(max_size=80), st.text(max_size=80))
def test_a_writer_folding_title_and_text_apart_gets_what_folding_them_together_gives(title, text):
    from servq.search.rules import fold_variants, terms_of_folded

    assert f"{fold_variants(title)} {fold_variants(text)}" == fold_variants(f"{title}\n{text}")
    assert terms_of_folded(fold_variants(text)) == index_terms(fold_variants(text))


# Any text, with the compatibility forms (full-width, half-width kana, ligatures) Chinese text is full of.
COMPATIBLE = st.text(st.one_of(st.characters(), st.sampled_from("ＦＡＱ①ｶﾞﬁ，（）：\x00\t臺")), max_size=200)


@given(COMPATIBLE)
def test_folding_is_nfkc_lower_cased_with_control_characters_as_spaces(text):
    import re
    import unicodedata

    # The definition, spelled out: fold_text skips the normalising when the text is normal already.
    expected = re.sub(r"[\x00-\x1f\x7f]", " ", unicodedata.normalize("NFKC", text)).lower()
    assert fold_text(text) == expected


@given(st.text(alphabet="網站臺台裏裡啓羣峯 ＦＡＱfaq，。", max_size=60))
def test_variant_characters_fold_to_one_form(text):
    from servq.search.rules import fold_variants

    folded = fold_variants(text)
    assert not set("臺裏啓羣峯") & set(folded)
    assert len(folded) == len(fold_text(text))


@given(st.text(alphabet="網站提供服務臺 faq1", max_size=120))
def test_a_text_holds_each_character_and_each_neighbouring_pair_as_often_as_they_occur(text):
    import re
    from collections import Counter

    from servq.search.rules import terms_of_folded

    expected: Counter[str] = Counter()
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text):
        expected.update(run)
        expected.update(run[i : i + 2] for i in range(len(run) - 1))
    expected.update(re.findall(r"[a-z0-9]+", text))
    assert Counter(terms_of_folded(text)) == expected


@given(
    st.lists(st.sampled_from(["網", "站", "網站", "faq"]), max_size=40),
    st.lists(st.sampled_from(["網", "服務"]), max_size=200),
)
def test_a_terms_weight_is_the_bm25_weight_of_each_field_summed(title, text):
    from servq.search.rules import K1, TYPICAL_LENGTH, B, term_scores

    def weight(terms: list[str], term: str, field_weight: float) -> float:
        tf = terms.count(term)
        return (
            field_weight * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(terms) / TYPICAL_LENGTH))
            if tf
            else 0.0
        )

    scores = term_scores([title, text], (3.0, 1.0))
    assert set(scores) == set(title) | set(text)
    for term, score in scores.items():
        assert score == weight(title, term, 3.0) + weight(text, term, 1.0)


def test_highlights_stay_on_the_words_after_a_character_that_folds_to_two():
    text = "面積100㎡以上須申請，臺北市"  # 「㎡」 folds to 「m2」
    marked = [text[a:b] for a, b in highlight_spans(text, "申請 台北")]
    assert marked == ["申請", "臺北"]


@given(st.text(st.one_of(st.characters(), st.sampled_from("㎡①ﬁ臺台網站ＦＡＱ")), max_size=60), st.data())
def test_each_highlight_is_a_place_in_the_text_that_folds_to_a_word_of_the_query(text, data):
    from itertools import pairwise

    from servq.search.rules import fold_variants

    folded = "".join(fold_variants(c) for c in text)
    start = data.draw(st.integers(0, len(folded)))
    needle = folded[start : start + data.draw(st.integers(1, 4))].strip()
    spans = highlight_spans(text, needle)
    for a, b in spans:
        assert 0 <= a < b <= len(text)
        assert (
            "".join(fold_variants(c) for c in text[a:b]).count(needle.split()[0] if needle.split() else "")
            >= 0
        )
        assert any(word in "".join(fold_variants(c) for c in text[a:b]) for word in needle.split())
    assert all(y <= x for (_, y), (x, _) in pairwise(spans))
