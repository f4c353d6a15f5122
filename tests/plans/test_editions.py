"""The program editions' calendars say what the seeds say: 004's 附件1 word for word, and for the
躍升方案 every date 003 sets in its text — nothing loosened, nothing added."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from servq.plans.editions import BY_NAME
from servq.reporting import rules

pytestmark = pytest.mark.seeds


def _seed(stem: str) -> str:
    path = Path(settings.SERVQ_SEEDS_DIR) / f"{stem}.txt"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing and CI=true: the seeds must be beside the repository")
        pytest.skip(f"{path} is missing (the seeds live in ../shared/seeds)")
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_innovation_programs_calendar_is_004s_word_for_word():
    seed = _seed("004_e0dbac59c8f7f20e")
    for step, _, when in rules.schedule_rows(BY_NAME["政府服務創新精進方案"].schedule):
        assert _compact(step) + _compact(when) in seed, step


def test_the_leap_programs_calendar_keeps_003s_dates():
    seed = _seed("003_bbcf824ec25e213b")
    rows = rules.schedule_rows(BY_NAME["政府服務躍升方案"].schedule)
    for when in ("1月底", "2月底", "12月底", "次年1月15日前"):
        assert when in seed and any(_compact(w) == when for _, _, w in rows), when
    last = rules.schedule_window(rows[-1][2], 2017)
    assert last == (dt.date(2018, 1, 15), dt.date(2018, 1, 15))  # by the 15th, not the month
