"""Audit entries in templates, readable: field labels instead of column names, dates in ROC and
local time, the entry's extra context spelled out instead of a Python dict."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from servq.core.rules import format_roc_date, format_roc_datetime

register = template.Library()
EMPTY = "（空）"
# Bookkeeping columns the log keeps but a reader has no use for.
HIDDEN = {"lock_version", "source_sha256", "created_at", "updated_at", "first_version_id", "path", "depth"}
# Names of the extra context services record, in words.
EXTRA_LABELS = {
    "actuals": "指標實際值",
    "by_version": "依版本",
    "comment": "意見",
    "copied_from": "複製自",
    "days": "天數",
    "due_rule": "填報期限規則",
    "frequency": "頻率",
    "from": "原",
    "from_version": "原版本",
    "grades": "等第",
    "items": "項目數",
    "note": "說明",
    "participants": "參與機關",
    "period": "填報期間",
    "periods": "填報期間數",
    "prefix": "路徑開頭",
    "reason": "理由",
    "replaced": "取代",
    "source": "來源檔案",
    "to": "移至",
    "unit": "單位",
    "warnings": "提醒數",
    "years": "年度",
}


@register.filter
def change_rows(changes: dict[str, Any], object_type: str = "") -> list[tuple[str, str, str]]:
    """(label, before, after) rows of an entry's changes; each item of the extra context as a row
    of its own with no "before". A filter, because `changes.items` would look up a field "items"."""
    rows = []
    for field, value in (changes or {}).items():
        if field in HIDDEN:
            continue
        if field == "_" and isinstance(value, dict):
            rows += [
                (_label(object_type, k), "", _shown(v)) for k, v in value.items() if v not in (None, "", [])
            ]
        elif field == "_" or not (isinstance(value, list) and len(value) == 2):
            rows.append((_label(object_type, field), "", _value(object_type, field, value)))
        else:
            before, after = value
            rows.append(
                (
                    _label(object_type, field),
                    _value(object_type, field, before),
                    _value(object_type, field, after),
                )
            )
    return rows


def _field(object_type: str, field: str) -> Any:
    try:
        model = apps.get_model(object_type) if "." in object_type else None
        if model is not None:
            found = model._meta.get_field(field.removesuffix("_id"))
            if hasattr(found, "verbose_name"):  # not a reverse relation (「items」 of a plan)
                return found
    except (LookupError, FieldDoesNotExist, ValueError):
        pass
    return None


def _label(object_type: str, field: str) -> str:
    """The field's verbose name on the entry's model (「program_id」 → 「方案」), the extra context's
    name in words (「from_version」 → 「原版本」), else the name as stored."""
    found = _field(object_type, field)
    if found is not None:
        return str(found.verbose_name)
    return EXTRA_LABELS.get(field, field)


def _value(object_type: str, field: str, value: Any) -> str:
    """A choice as its label (「draft」 → 「草稿」), a foreign key as the object it names."""
    found = _field(object_type, field)
    if found is not None and value not in (None, ""):
        if found.choices:
            return str(dict(found.flatchoices).get(value, value))
        if found.is_relation and found.related_model is not None and isinstance(value, int):
            named = found.related_model._default_manager.filter(pk=value).first()
            return str(named) if named is not None else f"#{value}"
    return _shown(value)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return _date_text(value) or value
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{k}：{_shown(v)}" for k, v in value.items()) or EMPTY
    return str(value)


def _date_text(value: str) -> str | None:
    """An ISO date or timestamp as offices read it (local time, 民國); None for any other text."""
    if len(value) < 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        if len(value) == 10:
            return format_roc_date(dt.date.fromisoformat(value))
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return format_roc_datetime(timezone.localtime(moment))


SUBJECTS = {
    "agency": "機關",
    "apiclient": "API 用戶",
    "calendar": "辦公日曆",
    "case": "案件",
    "category": "案件類別",
    "cycle": "年度作業",
    "evidence": "佐證資料",
    "indicator": "指標",
    "item": "計畫項目",
    "membership": "角色",
    "period": "填報期間",
    "plan": "計畫",
    "program": "方案",
    "progress": "辦理情形",
    "report": "填報",
    "routing": "分案規則",
    "schedule": "作業時程",
    "selfeval": "自行考核",
    "site": "網站",
    "yearend": "年度執行成果",
}
VERBS = {
    "add": "新增",
    "approve": "核定",
    "assign": "分派",
    "check": "要求檢測",
    "close": "關閉",
    "compile": "彙整",
    "create": "新增",
    "delete": "刪除",
    "edit": "修改",
    "extend": "展延",
    "grant": "授予",
    "link_cycle": "納入年度作業",
    "load": "載入",
    "move": "調整順序",
    "open": "開辦",
    "owner": "指定負責單位",
    "publish": "公告",
    "read_personal_data": "檢視個人資料",
    "receive": "收件",
    "record": "登錄",
    "register": "登錄",
    "rename": "更名",
    "reopen": "重新開放",
    "replace": "重新匯入",
    "reply": "回覆結案",
    "resume": "繼續處理",
    "return": "退回",
    "revise": "修正",
    "revoke": "撤銷",
    "satisfaction": "滿意度",
    "save": "儲存",
    "set": "設定",
    "set_up": "設定",
    "sign": "首長核定",
    "start": "建立",
    "submit": "送出",
    "supersede": "改版取代",
    "transfer": "移文",
    "update": "修改",
    "wait": "請民眾補充",
    "widen": "延長期程",
    "withdraw": "撤回",
    "merge": "併案",
}


@register.filter
def action_label(action: str) -> str:
    """「plan.submit」 → 「計畫送出」; an action not listed stays as recorded."""
    subject, _, verb = action.partition(".")
    if subject in SUBJECTS and verb in VERBS:
        return f"{SUBJECTS[subject]}{VERBS[verb]}"
    return action
