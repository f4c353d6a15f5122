"""Survey rules with no Django: sample sizes with the finite population correction, simple random
and stratified draws from a recorded seed, and the statistics a report states — satisfaction as the
share of top answers (Wilson interval) and as a mean (t interval), weights and the design effect,
Cronbach's α, and comparisons with the test named. numpy and scipy do the arithmetic; the tests hold
each result to statsmodels' on the same data."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

# --- items and scales -------------------------------------------------------------------------------

LIKERT5, LIKERT7, SINGLE, MULTI, TEXT = "likert5", "likert7", "single", "multi", "text"
KINDS = {LIKERT5: "五點量表", LIKERT7: "七點量表", SINGLE: "單選", MULTI: "複選", TEXT: "開放填答"}
SCALE = {LIKERT5: 5, LIKERT7: 7}


class BadAnswer(ValueError):
    pass


def check_answer(kind: str, value: object, choices: int = 0) -> int | list[int] | str | None:
    """An answer as stored: a scale point 1..n, a choice index, a list of them, or text; None if blank."""
    if value in (None, "", []):
        return None
    if kind in SCALE:
        number = _integer(value)
        if not 1 <= number <= SCALE[kind]:
            raise BadAnswer(f"須介於 1 與 {SCALE[kind]}")
        return number
    if kind == SINGLE:
        number = _integer(value)
        if not 0 <= number < choices:
            raise BadAnswer("不是這一題的選項")
        return number
    if kind == MULTI:
        picked = sorted({_integer(v) for v in (value if isinstance(value, list) else [value])})
        if any(not 0 <= v < choices for v in picked):
            raise BadAnswer("不是這一題的選項")
        return picked
    text = str(value).strip()
    if len(text) > 2000:
        raise BadAnswer("最多 2000 字")
    return text or None


def _integer(value: object) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadAnswer(f"「{str(value)[:10]}」不是數字") from None


# --- sample size and sampling ---------------------------------------------------------------------


def sample_size(
    population: int, margin: float = 0.05, confidence: float = 0.95, proportion: float = 0.5
) -> int:
    """Respondents needed for a share within ±margin at the confidence level, with the finite
    population correction: n0 = z²p(1−p)/e², n = n0 / (1 + (n0 − 1)/N), rounded up."""
    if population < 1 or not 0 < margin < 1 or not 0 < confidence < 1:
        raise ValueError("population ≥ 1, 0 < margin < 1, 0 < confidence < 1")
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


class BadSample(ValueError):
    pass


def draw(frame: Sequence[str], n: int, seed: int) -> list[str]:
    """A simple random sample of ``n`` keys, reproducible from the seed (kept with the survey)."""
    if not 1 <= n <= len(frame):
        raise BadSample(f"樣本數 {n} 大於抽樣清冊的 {len(frame)} 筆。")
    return random.Random(seed).sample(sorted(frame), n)  # noqa: S311 — a survey draw, recorded and repeatable


def draw_stratified(frame: Mapping[str, str], n: int, seed: int) -> dict[str, str]:
    """{key: stratum}: ``n`` drawn in proportion to each stratum's size (largest remainders), each
    stratum drawn with its own seed derived from the survey's."""
    if not 1 <= n <= len(frame):
        raise BadSample(f"樣本數 {n} 大於抽樣清冊的 {len(frame)} 筆。")
    strata: dict[str, list[str]] = defaultdict(list)
    for key, stratum in frame.items():
        strata[stratum].append(key)
    exact = {s: n * len(keys) / len(frame) for s, keys in strata.items()}
    quota = {s: int(v) for s, v in exact.items()}
    for s in sorted(exact, key=lambda s: (-(exact[s] - quota[s]), s))[: n - sum(quota.values())]:
        quota[s] += 1
    picked: dict[str, str] = {}
    for index, s in enumerate(sorted(strata)):
        for key in random.Random(seed * 1000 + index).sample(sorted(strata[s]), quota[s]):  # noqa: S311
            picked[key] = s
    return picked


def poststratification_weights(
    sample_counts: Mapping[str, int], population: Mapping[str, int]
) -> dict[str, float]:
    """Each stratum's weight: its share of the population over its share of the sample (mean 1)."""
    n, total = sum(sample_counts.values()), sum(population.values())
    return {
        s: (population[s] / total) / (count / n)
        for s, count in sample_counts.items()
        if count and s in population
    }


def design_effect(weights: ArrayLike) -> float:
    """Kish's design effect of unequal weights: n Σw² / (Σw)²."""
    w = np.asarray(weights, dtype=float)
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)


# --- estimates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    n: float  # the (effective) number of answers behind it


def wilson(successes: float, n: float, confidence: float = 0.95) -> Interval:
    """A share with Wilson's score interval (n may be an effective, weighted size)."""
    if n <= 0:
        raise ValueError("n must be positive")
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(p, centre - half, centre + half, n)


def top_share(
    values: ArrayLike, top: int, weights: ArrayLike | None = None, confidence: float = 0.95
) -> Interval:
    """「滿意度」 as the share answering ``top`` or higher (4–5 on a 5-point scale), weighted if given:
    the weighted share with a Wilson interval on Kish's effective sample size."""
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    share = float(np.sum(w * (v >= top)) / np.sum(w))
    n_eff = float(np.sum(w) ** 2 / np.sum(w * w))
    interval = wilson(share * n_eff, n_eff, confidence)
    return Interval(share, interval.low, interval.high, n_eff)


def mean_interval(values: ArrayLike, confidence: float = 0.95) -> Interval:
    """The mean with a t interval."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n < 2:
        raise ValueError("at least two answers")
    mean, se = float(v.mean()), float(v.std(ddof=1) / math.sqrt(n))
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * se
    return Interval(mean, mean - half, mean + half, n)


def cronbach_alpha(matrix: ArrayLike) -> float:
    """Cronbach's α of a section from respondents × items (respondents with a blank dropped):
    k/(k−1) · (1 − Σ var(item) / var(sum))."""
    m = np.asarray(matrix, dtype=float)
    m = m[~np.isnan(m).any(axis=1)]
    k = m.shape[1]
    if k < 2 or len(m) < 2:
        raise ValueError("α needs two items and two complete respondents")
    total = m.sum(axis=1).var(ddof=1)
    if total == 0:
        raise ValueError("everyone gave the same answers: α is undefined")
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total))


@dataclass(frozen=True)
class Comparison:
    test: str
    statistic: float
    p_value: float
    difference: float


def compare_shares(k1: int, n1: int, k2: int, n2: int) -> Comparison:
    """Two shares (this year and last, or two agencies): the two-sample z test with a pooled variance."""
    p1, p2 = k1 / n1, k2 / n2
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p1 - p2) / se if se else 0.0
    return Comparison("兩獨立樣本比例 z 檢定", z, float(2 * stats.norm.sf(abs(z))), p1 - p2)


def compare_means(a: ArrayLike, b: ArrayLike) -> Comparison:
    """Two means: Welch's t test (no equal-variance assumption)."""
    first, second = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    result = stats.ttest_ind(first, second, equal_var=False)
    return Comparison(
        "Welch t 檢定", float(result.statistic), float(result.pvalue), float(first.mean() - second.mean())
    )


# --- courtesy tests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetItem:
    code: str
    text: str
    weight: float


class BadSheet(ValueError):
    pass


def parse_sheet(items_text: str, bands_text: str) -> tuple[list[SheetItem], list[tuple[float, str]]]:
    """A score sheet as the body writes it: items 「代號｜項目｜配分」, bands 「下限｜等第」 (high first)."""
    items = []
    for n, line in enumerate((x for x in items_text.splitlines() if x.strip()), start=1):
        cells = [c.strip() for c in line.replace("|", "｜").split("｜")]
        try:
            items.append(SheetItem(cells[0], cells[1], float(cells[2])))
        except (IndexError, ValueError):
            raise BadSheet(f"評分項目第 {n} 列須有代號、項目與配分（數字）。") from None
    bands = []
    for n, line in enumerate((x for x in bands_text.splitlines() if x.strip()), start=1):
        cells = [c.strip() for c in line.replace("|", "｜").split("｜")]
        try:
            bands.append((float(cells[0]), cells[1]))
        except (IndexError, ValueError):
            raise BadSheet(f"等第第 {n} 列須有分數下限（數字）與等第。") from None
    if not items:
        raise BadSheet("請至少列一個評分項目。")
    return items, sorted(bands, reverse=True)


def courtesy_score(items: Sequence[SheetItem], given: Mapping[str, float]) -> float:
    """The total: each item's points as given, capped at its weight; a missing item scores 0."""
    for item in items:
        if not 0 <= given.get(item.code, 0) <= item.weight:
            raise BadSheet(f"「{item.code}」須介於 0 與 {item.weight:g}。")
    return round(sum(given.get(item.code, 0) for item in items), 2)


def band(score: float, bands: Sequence[tuple[float, str]]) -> str:
    return next((name for floor, name in bands if score >= floor), "")


# servq's own example, not any seed's: no seed gives a courtesy sheet's items, points, bands or pass
# mark (響鈴3聲, 90/80/70, 70 to pass are servq's suggestion). A body replaces it with its own sheet.
EXAMPLE_SHEET = """A｜接聽速度（響鈴 3 聲內接聽）｜15
B｜問候語及報明單位、姓名｜20
C｜說話語氣、態度親切有禮｜25
D｜回答內容正確完整，一次說明清楚｜30
E｜結束語及等候對方先掛電話｜10"""
EXAMPLE_BANDS = "90｜優良\n80｜良好\n70｜合格\n0｜待改善"
PASS_MARK = 70.0
