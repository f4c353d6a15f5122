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


@register.filter
def change_rows(changes: dict[str, Any], object_type: str = "") -> list[tuple[str, str, str]]:
    """(label, before, after) rows of an entry's changes; each item of the extra context as a row
    of its own with no "before". A filter, because `changes.items` would look up a field "items"."""
    rows = []
    for field, value in (changes or {}).items():
        if field == "_" and isinstance(value, dict):
            rows += [
                (_label(object_type, k), "", _shown(v)) for k, v in value.items() if v not in (None, "", [])
            ]
        elif field == "_" or not (isinstance(value, list) and len(value) == 2):
            rows.append((_label(object_type, field), "", _shown(value)))
        else:
            rows.append((_label(object_type, field), _shown(value[0]), _shown(value[1])))
    return rows


def _label(object_type: str, field: str) -> str:
    """The field's verbose name on the entry's model (「program_id」 → 「方案」), else the name as stored."""
    try:
        model = apps.get_model(object_type) if "." in object_type else None
        if model is not None:
            found = model._meta.get_field(field.removesuffix("_id"))
            if hasattr(found, "verbose_name"):  # not a reverse relation (「items」 of a plan)
                return str(found.verbose_name)
    except (LookupError, FieldDoesNotExist, ValueError):
        pass
    return field


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
