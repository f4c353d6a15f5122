"""Issue 33.11: every audit entry reads in the office's words — no 「award.score 1 2 2」, no
「fix：→ bilingual」. Read from the source: every action servq records, every key it records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servq.core.templatetags.audit import EXTRA_LABELS, action_label

SOURCE = Path(__file__).resolve().parents[2] / "servq"
ASCII_WORD = re.compile(r"[A-Za-z]")

# The workflows that record f"{subject}.{action}": every action each can take.
FAMILIES = {
    "case": ["assign", "start", "wait", "resume", "reply", "reopen", "transfer", "supplement", "merge"],
    "plan": ["submit", "withdraw", "return", "approve", "publish", "revise"],
    "inspection": ["submit", "return", "approve", "send", "publish", "accept", "send_back", "keep_open"],
    "opendata": ["submit", "return", "approve", "publish", "withdraw"],
    "activities.training": ["add", "remove"],
}


def recorded_actions() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        found |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    for subject, verbs in FAMILIES.items():
        found |= {f"{subject}.{verb}" for verb in verbs}
    return found


def recorded_keys() -> set[str]:
    keys = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for literal in re.findall(r"(?:extra|after|before)=\{([^}]*)\}", text):
            keys |= set(re.findall(r'"([a-z_]+)":', literal))
    return keys


def test_the_source_is_read():
    assert len(recorded_actions()) > 150 and len(recorded_keys()) > 60


@pytest.mark.parametrize("action", sorted(recorded_actions()))
def test_every_action_is_named_in_words(action):
    label = action_label(action)
    assert label and not ASCII_WORD.search(label), f"{action} shows as {label!r}"


def test_every_recorded_key_has_a_name():
    assert sorted(recorded_keys() - set(EXTRA_LABELS)) == []
