"""Survey statistics held to a reference library (statsmodels, scipy) to 1e-9, on generated data and
on a published data set: statsmodels' bundled 「Fair's affairs」 survey (Fair 1978, Journal of Political
Economy 86: 45–61), whose rate_marriage item is a 5-point rating from 6,366 women."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import DescrStatsW, ttest_ind

from servq.surveys import rules

RNG = np.random.default_rng(20261130)


@pytest.fixture(scope="module")
def affairs():
    from statsmodels.datasets import fair

    return fair.load_pandas().data


def test_the_published_data_set_share_and_mean_agree_with_statsmodels(affairs):
    ratings = affairs["rate_marriage"].astype(int).to_numpy()
    share = rules.top_share(ratings, top=4)
    low, high = proportion_confint(int((ratings >= 4).sum()), len(ratings), alpha=0.05, method="wilson")
    assert share.estimate == pytest.approx((ratings >= 4).mean(), abs=1e-12)
    assert (share.low, share.high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    mean = rules.mean_interval(ratings)
    ref = DescrStatsW(ratings.astype(float)).tconfint_mean(alpha=0.05)
    assert (mean.low, mean.high) == (pytest.approx(ref[0], abs=1e-9), pytest.approx(ref[1], abs=1e-9))


def test_two_groups_of_the_published_data_set_compared_as_statsmodels_does(affairs):
    """Women married under 10 years against the rest: shares (z test) and means (Welch)."""
    ratings = affairs["rate_marriage"].to_numpy()
    young = affairs["yrs_married"].to_numpy() < 10
    k1, n1 = int((ratings[young] >= 4).sum()), int(young.sum())
    k2, n2 = int((ratings[~young] >= 4).sum()), int((~young).sum())
    ours = rules.compare_shares(k1, n1, k2, n2)
    z, p = proportions_ztest([k1, k2], [n1, n2])
    assert ours.statistic == pytest.approx(z, abs=1e-9) and ours.p_value == pytest.approx(p, abs=1e-9)
    welch = rules.compare_means(ratings[young], ratings[~young])
    t, p_t, _ = ttest_ind(ratings[young], ratings[~young], usevar="unequal")
    assert welch.statistic == pytest.approx(t, abs=1e-9) and welch.p_value == pytest.approx(p_t, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_weighted_shares_use_kishs_effective_size_as_statsmodels_computes_it(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=500)
    weights = rng.uniform(0.3, 3, size=500)
    share = rules.top_share(values, top=4, weights=weights)
    described = DescrStatsW((values >= 4).astype(float), weights=weights)
    assert share.estimate == pytest.approx(described.mean, abs=1e-12)
    n_eff = weights.sum() ** 2 / (weights**2).sum()
    low, high = proportion_confint(described.mean * n_eff, n_eff, method="wilson")
    assert (share.low, share.high, share.n) == (
        pytest.approx(low, abs=1e-9),
        pytest.approx(high, abs=1e-9),
        pytest.approx(n_eff),
    )
    assert rules.design_effect(weights) == pytest.approx(len(weights) / n_eff, abs=1e-12)


def test_cronbach_alpha_against_the_variance_formula_on_generated_data():
    """Respondents with a shared trait answer 6 items: α computed by rules equals the textbook
    formula evaluated with statsmodels' weighted variances, and rises with the trait's strength."""
    trait = RNG.normal(size=(800, 1))
    noisy = np.clip(np.round(3 + trait + RNG.normal(scale=1.2, size=(800, 6))), 1, 5)
    items = [DescrStatsW(noisy[:, j]).var_ddof(1) for j in range(6)]
    total = DescrStatsW(noisy.sum(axis=1)).var_ddof(1)
    reference = 6 / 5 * (1 - sum(items) / total)
    assert rules.cronbach_alpha(noisy) == pytest.approx(reference, abs=1e-9)
    tight = np.clip(np.round(3 + trait + RNG.normal(scale=0.3, size=(800, 6))), 1, 5)
    assert rules.cronbach_alpha(tight) > rules.cronbach_alpha(noisy) > 0.5
    with_blank = noisy.copy()
    with_blank[0, 0] = np.nan
    assert rules.cronbach_alpha(with_blank) == pytest.approx(rules.cronbach_alpha(noisy[1:]), abs=1e-12)


def test_sample_size_with_the_finite_population_correction():
    # 95 %, ±5 %, p = .5: n0 = 384.146; N = 2,000 → 322.3 → 323; a large N approaches 385.
    assert rules.sample_size(2000) == 323
    assert rules.sample_size(10_000_000) == 385
    assert rules.sample_size(100) == 80
    assert rules.sample_size(50, margin=0.5) < 50


def test_draws_are_reproducible_and_a_sample_larger_than_the_frame_is_refused():
    frame = [f"c{n}" for n in range(100)]
    assert rules.draw(frame, 10, seed=7) == rules.draw(list(reversed(frame)), 10, seed=7)
    assert rules.draw(frame, 10, seed=7) != rules.draw(frame, 10, seed=8)
    with pytest.raises(rules.BadSample, match="樣本數 101 大於抽樣清冊的 100 筆"):
        rules.draw(frame, 101, seed=1)
    strata = {f"c{n}": ("北區" if n < 70 else "南區") for n in range(100)}
    picked = rules.draw_stratified(strata, 10, seed=3)
    assert sorted(picked.values()).count("北區") == 7 and len(picked) == 10
    assert picked == rules.draw_stratified(strata, 10, seed=3)


def test_poststratification_weights_restore_the_population_shares():
    weights = rules.poststratification_weights({"北區": 80, "南區": 20}, {"北區": 5000, "南區": 5000})
    assert weights == {"北區": pytest.approx(0.625), "南區": pytest.approx(2.5)}
    assert 80 * weights["北區"] == pytest.approx(20 * weights["南區"])


@pytest.mark.parametrize(
    ("kind", "value", "choices", "stored"),
    [
        ("likert5", "5", 0, 5),
        ("likert7", 7, 0, 7),
        ("single", "1", 3, 1),
        ("multi", ["2", "0"], 3, [0, 2]),
        ("text", " 很好 ", 0, "很好"),
        ("likert5", "", 0, None),
    ],
)
def test_answers_as_stored(kind, value, choices, stored):
    assert rules.check_answer(kind, value, choices) == stored


@pytest.mark.parametrize(
    ("kind", "value", "choices"),
    [
        ("likert5", "6", 0),
        ("likert5", "0", 0),
        ("likert7", "x", 0),
        ("single", "3", 3),
        ("multi", ["1", "9"], 3),
    ],
)
def test_an_answer_outside_the_scale_is_refused(kind, value, choices):
    with pytest.raises(rules.BadAnswer):
        rules.check_answer(kind, value, choices)


def test_the_example_courtesy_sheet_scores_and_bands():
    items, bands = rules.parse_sheet(rules.EXAMPLE_SHEET, rules.EXAMPLE_BANDS)
    assert sum(i.weight for i in items) == 100
    score = rules.courtesy_score(items, {"A": 15, "B": 18, "C": 20, "D": 25, "E": 8})
    assert score == 86 and rules.band(score, bands) == "良好"
    with pytest.raises(rules.BadSheet, match="「A」須介於 0 與 15"):
        rules.courtesy_score(items, {"A": 16})
    assert math.isclose(rules.courtesy_score(items, {}), 0) and rules.band(0, bands) == "待改善"


def test_alpha_is_undefined_when_everyone_answers_alike():
    with pytest.raises(ValueError, match="undefined"):
        rules.cronbach_alpha([[4, 4], [4, 4], [4, 4]])
