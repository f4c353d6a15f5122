"""Award rules: fair scores (with property tests) and the rulebooks of seeds 001 and 003, line by line."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servq.awards import rules
from servq.awards.rulebooks import SEED_001, SEED_003

# --- fair scores -----------------------------------------------------------------------------------

totals_strategy = st.dictionaries(
    keys=st.tuples(st.integers(1, 12), st.integers(1, 6)),
    # Weighted totals of one-decimal scores: hundredths on a 100-point scale.
    values=st.integers(0, 9000).map(lambda n: n / 100),
    min_size=2,
    max_size=60,
)


def order(ranked: list[rules.Ranked]) -> list[int]:
    return [r.entry for r in ranked]


@settings(max_examples=200, deadline=None)
@given(totals_strategy, st.sampled_from(sorted(rules.METHOD_NAMES)), st.randoms())
def test_the_order_entries_come_in_never_matters(totals, method, rnd):
    shuffled = list(totals.items())
    rnd.shuffle(shuffled)
    assert rules.rank(dict(shuffled), method) == rules.rank(totals, method)


@settings(max_examples=200, deadline=None)
@given(totals_strategy, st.integers(1, 6))
def test_a_reviewer_who_adds_ten_to_every_score_changes_no_normalised_ranking(totals, generous):
    softer = {key: value + 10 if key[1] == generous else value for key, value in totals.items()}
    assert order(rules.rank(softer, rules.ZSCORE)) == order(rules.rank(totals, rules.ZSCORE))


def test_z_scores_correct_a_hard_reviewer_the_plain_mean_does_not():
    # Reviewer 1 is 15–25 points harder than the others; entries 3 and 4 drew only reviewer 1.
    totals = {(1, 2): 80.0, (2, 2): 70.0, (1, 3): 82.0, (2, 3): 68.0, (3, 1): 65.0, (4, 1): 45.0}
    assert order(rules.rank(totals, rules.MEAN)) == [1, 2, 3, 4]
    ranked = rules.rank(totals, rules.ZSCORE)
    assert order(ranked) == [1, 3, 2, 4], "reviewer 1's best entry ranks with the others' best"
    assert [r.score for r in ranked] == [60, 60, 40, 40]


def test_the_trimmed_mean_drops_one_outlier_and_ties_follow_the_stated_rule():
    totals = {(1, r): v for r, v in zip(range(1, 6), [80, 81, 79, 80, 20], strict=True)} | {
        (2, r): v for r, v in zip(range(1, 6), [70, 70, 70, 70, 70], strict=True)
    }
    assert order(rules.rank(totals, rules.TRIMMED)) == [1, 2]
    assert order(rules.rank(totals, rules.MEAN)) == [2, 1]
    tied = {(1, 1): 70.0, (2, 1): 70.0, (2, 2): 70.0}
    assert order(rules.rank(tied, rules.MEAN)) == [2, 1], "equal score: more reviewers first"


def test_weighted_totals_and_grades():
    criteria = [(1, 10, 2), (2, 20, 1)]
    assert rules.weighted_total({1: 8}, criteria) is None
    assert rules.weighted_total({1: 8, 2: 10}, criteria) == pytest.approx(70.0)
    thresholds = {"優等": 85, "甲等": 75}
    assert [rules.grade(s, thresholds) for s in (90, 80, 60)] == ["優等", "甲等", ""]


# --- rewards ---------------------------------------------------------------------------------------


def test_reward_order_follows_the_civil_service_equivalence():
    assert rules.parse_reward("記大功1次") > rules.parse_reward("記功2次") > rules.parse_reward("嘉獎2次")
    assert rules.parse_reward("記功1次") > rules.parse_reward("嘉獎2次"), "嘉獎三次抵記功一次"
    assert str(rules.parse_reward("記功一次")) == "記功1次"


LINES_001 = rules.parse_rulebook(SEED_001)
LINES_003 = rules.parse_rulebook(SEED_003)
WINNER = {"grade": "優等", "nominated": "yes", "national": "winner"}
FINALIST = {"grade": "優等", "nominated": "yes", "national": "finalist"}
NOT_FINALIST = {"grade": "優等", "nominated": "yes", "national": "not_finalist"}
EXCELLENT_ONLY = {"grade": "優等", "nominated": "no", "national": ""}
GOOD_ONLY = {"grade": "甲等", "nominated": "no", "national": ""}


def proposed(lines, role, facts):
    p = rules.propose("某", [(role, facts)], lines)
    return p.note if p.reward is None else ("最高" if p.ceiling else "") + "或".join(
        str(o) for o in p.options
    ), p


@pytest.mark.parametrize(
    ("facts", "role", "text"),
    [
        # (一) 經推薦參加獲頒「政府服務獎」者：…首長(主管)及主要承辦人員記大功1次
        (WINNER, rules.HEAD, "記大功1次"),
        (WINNER, rules.MAIN, "記大功1次"),
        # (二) …入圍而未獲獎者：首長（主管）記功2次
        (FINALIST, rules.HEAD, "記功2次"),
        # (三) …未入圍者：首長（主管）記功1次
        (NOT_FINALIST, rules.HEAD, "記功1次"),
        # (四)1 成績核列優等：首長（主管）記功1次或嘉獎2次
        (EXCELLENT_ONLY, rules.HEAD, "記功1次或嘉獎2次"),
        # (五) 其他有功人員、輔導有功人員（含本部初評小組人員）及協辦人員：依權責覈實敘獎
        (WINNER, rules.OTHER, "依權責覈實敘獎"),
        (WINNER, rules.COACH, "依權責覈實敘獎"),
        ({}, rules.PANEL, "依權責覈實敘獎"),
        (GOOD_ONLY, rules.ASSISTING, "依權責覈實敘獎"),
    ],
)
def test_seed_001_reward_lines(facts, role, text):
    assert proposed(LINES_001, role, facts)[0] == text


@pytest.mark.parametrize(
    ("facts", "prizes"),
    [
        (WINNER, ["獎座及獎金", "獎狀1幀"]),  # (一) 由行政院頒發獎座及獎金…並由本部頒發獎狀1幀
        (FINALIST, ["獎狀1幀"]),  # (二)
        (NOT_FINALIST, ["獎狀1幀"]),  # (三)
        (EXCELLENT_ONLY, ["獎狀1幀"]),  # (四)1
        (GOOD_ONLY, ["獎狀1幀"]),  # (四)2 成績核列甲等：由本部頒發獎狀1幀
    ],
)
def test_seed_001_agency_prizes(facts, prizes):
    assert [
        p for line in LINES_001 if rules.AGENCY in line.roles and line.applies(facts) for p in line.prizes
    ] == prizes


def test_seed_001_gives_a_main_officer_nothing_below_a_national_win():
    """(二)–(四) name only the head: the main officer gets no proposal there."""
    assert proposed(LINES_001, rules.MAIN, FINALIST)[1].line is None
    assert proposed(LINES_001, rules.HEAD, GOOD_ONLY)[1].line is None, (
        "甲等: a certificate, no personal reward"
    )


@pytest.mark.parametrize(
    ("facts", "role", "text"),
    [
        # (一) 主要承辦人員記大功1次；首長（主管）、其他有功人員、上級機關輔導有功人員最高記功1次
        (WINNER, rules.MAIN, "記大功1次"),
        (WINNER, rules.HEAD, "最高記功1次"),
        (WINNER, rules.OTHER, "最高記功1次"),
        (WINNER, rules.COACH, "最高記功1次"),
        # (二) 主要承辦人員記功1次; 首長(主管)、其他有功人員、上級機關輔導有功人員最高嘉獎2次
        (FINALIST, rules.MAIN, "記功1次"),
        (FINALIST, rules.HEAD, "最高嘉獎2次"),
        (FINALIST, rules.COACH, "最高嘉獎2次"),
        # (三) 主要承辦人員嘉獎2次; 首長(主管)、其他有功人員、上級機關輔導有功人員最高嘉獎1次
        (NOT_FINALIST, rules.MAIN, "嘉獎2次"),
        (NOT_FINALIST, rules.OTHER, "最高嘉獎1次"),
        # (四) 本部輔導有功人員(本部初評小組)嘉獎1次
        ({}, rules.PANEL, "嘉獎1次"),
    ],
)
def test_seed_003_reward_lines(facts, role, text):
    assert proposed(LINES_003, role, facts)[0] == text


def test_seed_003_one_person_meeting_several_lines_gets_the_highest_once():
    """(五) 同時符合前開各項規定者，以最高額度辦理敘獎，不得重複敘獎."""
    both = rules.propose("王大明", [(rules.PANEL, {}), (rules.MAIN, FINALIST)], LINES_003)
    assert str(both.reward) == "記功1次" and both.role == rules.MAIN
    twice = rules.propose("王大明", [(rules.MAIN, NOT_FINALIST), (rules.MAIN, WINNER)], LINES_003)
    assert str(twice.reward) == "記大功1次"


def test_a_choice_above_the_ceiling_needs_a_reason_an_option_does_not():
    ceiling = rules.propose("某", [(rules.HEAD, FINALIST)], LINES_003)
    rules.check_choice(ceiling, rules.parse_reward("嘉獎1次"), "")  # below the ceiling: fine
    with pytest.raises(rules.BadRulebook, match="上限為嘉獎2次"):
        rules.check_choice(ceiling, rules.parse_reward("記功1次"), "")
    rules.check_choice(ceiling, rules.parse_reward("記功1次"), "專案另有重大貢獻")
    either = rules.propose("某", [(rules.HEAD, EXCELLENT_ONLY)], LINES_001)
    rules.check_choice(either, rules.parse_reward("嘉獎2次"), "")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("national=champion | 首長 | 記功1次", "條件「national=champion」看不懂"),
        ("any | 局長 | 記功1次", "角色「局長」看不懂"),
        ("any | 首長 | 記功一百次又半", "看不懂獎勵"),
        ("any | 首長", "須寫成"),
        ("any | 首長、機關 | 獎狀1幀", "請與人員分列"),
    ],
)
def test_a_bad_rulebook_line_is_named(line, message):
    with pytest.raises(rules.BadRulebook, match=message):
        rules.parse_rulebook("# 註解\n" + line)


def test_a_round_of_real_size_ranks_every_entry_once():
    """400 entries × 5 reviewers (60 on the panel); bench/awards.py times it."""
    rnd = random.Random(1)
    totals = {(e, rnd.randrange(60)): rnd.uniform(40, 95) for e in range(400) for _ in range(5)}
    ranked = rules.rank(totals, rules.ZSCORE)
    assert sorted(r.entry for r in ranked) == list(range(400)) and [r.rank for r in ranked] == list(
        range(1, 401)
    )


@pytest.mark.seeds
@pytest.mark.parametrize("seed", ["001", "003"])
def test_each_shipped_rulebook_is_named_for_the_ministry_whose_plan_it_comes_from(seed):
    """Issue 37.1: 001 (財政部) and 003 (經濟部) had their ministries swapped."""
    import os
    from pathlib import Path

    from django.conf import settings

    from servq.awards.rulebooks import RULEBOOKS

    path = next(Path(settings.SERVQ_SEEDS_DIR).glob(f"{seed}_*.txt"), None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed {seed} missing under CI")
        pytest.skip(f"seed {seed} missing")
    title = next(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert RULEBOOKS[seed][0][:3] == title[:3]


@pytest.mark.parametrize("seed", [SEED_001, SEED_003])
def test_a_rulebook_written_as_rows_of_choices_means_what_its_text_means(seed):
    """Issue 33.11: officials write the rulebook as rows of choices, never as `national=winner | …`."""

    def meaning(text):
        return [
            (frozenset(line.conditions), line.roles, line.options, line.ceiling, line.prizes, line.source)
            for line in rules.parse_rulebook(text)
        ]

    assert meaning(rules.rulebook_text(rules.rulebook_rows(seed))) == meaning(seed)


def test_an_empty_row_keeps_the_numbering_and_a_bad_row_is_named_by_its_number():
    rows = [
        rules.RuleRow({"national": "winner"}, (rules.HEAD,), "記大功1次"),
        rules.RuleRow({}, (), ""),
        rules.RuleRow({"grade": "優等"}, (), "嘉獎1次"),
    ]
    with pytest.raises(rules.BadRulebook, match="第 3 列請選擇適用的對象"):
        rules.parse_rulebook(rules.rulebook_text(rows))
    rows[2] = rules.RuleRow({"grade": "優等"}, (rules.MAIN,), "記功三次半")
    with pytest.raises(rules.BadRulebook, match="第 3 列：看不懂獎勵"):
        rules.parse_rulebook(rules.rulebook_text(rows))


def test_a_typed_bar_or_line_break_cannot_split_a_row():
    rows = [rules.RuleRow({}, (rules.PANEL,), "嘉獎1次 | 機關 | 獎座", "(一)\n| 機關")]
    text = rules.rulebook_text(rows)
    assert text.count("\n") == 0 and text.count("|") == 3
