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
