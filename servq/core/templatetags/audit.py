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
    "added": "新增",
    "after": "之後",
    "before": "之前",
    "bytes": "位元組",
    "categories": "類別",
    "counts_agency": "件數所屬機關",
    "files_cases": "可送陳情案件",
    "format": "格式",
    "method": "方法",
    "moved": "移動",
    "moved_on": "移動日期",
    "order": "順序",
    "personal": "個人資料",
    "places": "地點數",
    "ranking": "排名",
    "relevelled": "調整層級",
    "renamed": "更名",
    "rules": "規則",
    "scores": "分數",
    "stages": "評審階段",
    "unlisted": "清單未列",
    "actuals": "指標實際值",
    "agencies": "機關",
    "agency": "機關",
    "answer": "回答",
    "area": "地區",
    "assignments": "分派件數",
    "band": "等第區間",
    "bundled_with": "合併辦理",
    "by_version": "依版本",
    "cases": "案件數",
    "category": "類別",
    "channel": "管道",
    "chosen": "選定",
    "client": "用戶端",
    "code": "代碼",
    "column": "欄位",
    "comment": "意見",
    "confirmed_on": "確認日期",
    "conflicts": "迴避機關",
    "copied_from": "複製自",
    "criteria": "評分項目",
    "days": "天數",
    "due_on": "期限",
    "due_rule": "填報期限規則",
    "email": "電子郵件",
    "ends_on": "終止日",
    "entries": "參獎案",
    "file": "檔案",
    "files": "檔案數",
    "files_count": "檔案數",
    "fix": "待改善項目",
    "frame": "抽樣底冊",
    "frequency": "頻率",
    "from": "原",
    "from_agency": "原機關",
    "from_version": "原版本",
    "grades": "等第",
    "groups": "組別",
    "how": "方式",
    "improvement": "改善措施",
    "items": "項目",
    "kind": "種類",
    "last_updated": "最近更新",
    "limit_days": "處理期限（日）",
    "lines": "列數",
    "measure": "量測",
    "measure_key": "量測",
    "n": "數量",
    "name": "名稱",
    "national": "全國評獎結果",
    "note": "說明",
    "on": "日期",
    "on_behalf": "代為回復",
    "on_time": "如期",
    "outcome": "結果",
    "parent": "上級機關",
    "participants": "參與機關",
    "passkey": "通行金鑰",
    "people": "人員",
    "period": "填報期間",
    "periods": "填報期間數",
    "place": "地點",
    "population": "母體",
    "prefix": "路徑開頭",
    "prizes": "獎項",
    "published": "公開",
    "question": "問題",
    "reason": "理由",
    "requirements": "執行計畫應具備",
    "received_by": "收件機關",
    "records": "筆數",
    "recovery_codes": "備用碼",
    "replaced": "取代",
    "resource": "資源",
    "reviewed_on": "檢視日期",
    "reviewer": "評審委員",
    "role": "角色",
    "rulebook": "敘獎規定",
    "score": "分數",
    "seed": "範本",
    "served": "服務人次",
    "size": "大小",
    "source": "來源",
    "state": "狀態",
    "status": "狀態",
    "steps": "步驟",
    "stratified": "分層",
    "summary": "綜合說明",
    "targets": "目標值",
    "terms": "詞彙",
    "tester": "測試人員",
    "tests": "測試次數",
    "text": "內容",
    "title": "標題",
    "to": "移至",
    "to_agency": "移至機關",
    "total": "合計",
    "totals": "合計",
    "unit": "單位",
    "url": "網址",
    "user": "使用者",
    "value": "數值",
    "version": "版本",
    "via": "方式",
    "warnings": "提醒數",
    "will_enter": "參獎意願",
    "year": "年度",
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
    "activities": "辦理紀錄",
    "affiliation": "利益迴避",
    "award": "政府服務獎",
    "body": "機關設定",
    "faq": "常見問題",
    "inspection": "考核",
    "invitation": "邀請",
    "level": "機關層級",
    "opendata": "開放資料",
    "person": "人員",
    "search": "搜尋",
    "service": "服務項目",
    "survey": "調查",
    "agency": "機關",
    "apiclient": "介接用戶",
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
    "declare": "聲明",
    "import": "匯入",
    "import_file": "匯入檔案",
    "remove": "刪除",
    "end": "終止",
    "ends_on": "設定終止日",
    "resend": "重寄",
    "deactivate": "停用帳號",
    "accept": "接受",
    "send": "函送",
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


# Actions whose name is more than subject and verb (or whose verb means something else there).
ACTION_LABELS = {
    "affiliation.declare": "聲明利益迴避關係",
    "award.assign": "分派評審委員",
    "award.assign_evenly": "平均分派評審委員",
    "award.choose_reward": "選定敘獎額度",
    "award.close_stage": "結束評審階段",
    "award.designate": "指定參獎機關",
    "award.edition": "建立政府服務獎屆次",
    "award.enter": "報名政府服務獎",
    "award.evidence": "上傳參獎佐證",
    "award.national": "登錄全國評獎結果",
    "award.propose_rewards": "擬議敘獎",
    "award.publish": "公布評獎結果",
    "award.reviewer": "新增評審委員",
    "award.rulebook": "訂定敘獎規定",
    "award.score": "評審委員評分",
    "award.set_up": "設定評獎類別與評分項目",
    "award.survey": "填報參獎意願",
    "award.withdraw": "撤回有利益迴避的評審",
    "body.second_factor": "設定機關雙重驗證規定",
    "case.import": "匯入歷年案件",
    "case.import_file": "匯入案件檔案",
    "case.merge": "併案",
    "case.supplement": "民眾補正",
    "cycle.category": "設定參與機關類別",
    "cycle.layout": "設定年度成果表格式",
    "faq.confirm": "確認常見問題仍正確",
    "faq.propose": "提議常見問題",
    "faq.save": "儲存常見問題",
    "faq.settle": "定案常見問題",
    "indicator.override": "人工更正指標實際值",
    "indicator.override_cleared": "取消人工更正",
    "inspection.accept": "同意解除列管",
    "inspection.answer": "回復缺失改善情形",
    "inspection.assign": "指定缺失改善單位",
    "inspection.award_entry": "登錄參獎紀錄",
    "inspection.criteria": "訂定考核項目",
    "inspection.criticism": "記錄外界批評",
    "inspection.finding": "新增缺失及建議事項",
    "inspection.keep_open": "繼續列管",
    "inspection.panelist": "新增訪查委員",
    "inspection.plan": "訂定考核計畫",
    "inspection.score": "訪查委員評分",
    "inspection.send_back": "退回再改善",
    "inspection.spot_record": "記錄抽查結果",
    "inspection.visit": "安排訪查",
    "invitation.accept": "接受邀請",
    "invitation.create": "寄出邀請",
    "invitation.revoke": "撤回邀請",
    "opendata.link": "新增開放資料連結",
    "opendata.personal": "去識別化",
    "opendata.resource": "上傳開放資料檔案",
    "opendata.save": "儲存資料集",
    "opendata.updated": "登錄資料更新",
    "person.passkey": "新增通行金鑰",
    "person.second_factor": "設定雙重驗證",
    "plan.import_version": "以檔案匯入新版本",
    "plan.posted": "登錄計畫張貼於服務場所",
    "plan.consultation": "登錄計畫研擬的意見徵詢",
    "plan.comment_period": "公開徵詢計畫草案意見",
    "plan.public_comment": "民眾對計畫草案表示意見",
    "plan.answer_comment": "回應民眾意見",
    "plan.requirements": "訂定執行計畫應具備的內容",
    "plan.refile": "重新歸檔",
    "search.synonyms": "設定搜尋同義詞",
    "selfeval.criteria": "設定自行考核項目",
    "service.bundle": "設定合併辦理",
    "service.create": "新增服務項目",
    "service.import_records": "匯入申辦紀錄",
    "service.record_counts": "登錄申辦件數",
    "service.review": "確認標準作業流程仍正確",
    "service.simplify": "登錄簡化措施",
    "service.visit": "登錄到府服務",
    "site.check": "要求檢測網站",
    "survey.assign_tester": "指定禮貌測試人員",
    "survey.close": "結束調查",
    "survey.courtesy_test": "登錄禮貌測試結果",
    "survey.improve": "登錄改善措施",
    "survey.open": "開始調查",
    "survey.premises": "登錄洽公環境檢查",
    "survey.questionnaire": "儲存問卷",
    "survey.respond": "填答問卷",
    "survey.sample": "抽樣",
    "survey.schedule_tests": "排定禮貌測試",
    "survey.sheet": "訂定評分表",
}


@register.filter
def action_label(action: str) -> str:
    """「plan.submit」 → 「計畫送出」: the action's own name where a verb means something else in
    its subject (inspection.accept is 同意解除列管), else subject and verb; never the stored code."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    subject, _, verb = action.partition(".")
    if subject == "activities":  # activities.training.add: one subject per kind of record
        return f"辦理紀錄{VERBS.get(verb.rpartition('.')[2], '變更')}"
    return f"{SUBJECTS.get(subject, '紀錄')}{VERBS.get(verb, '變更')}"
