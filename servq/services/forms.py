"""The forms of the service catalogue: a service, a simplification, a visit, an application taken at
a counter or online, and the sheets uploaded in bulk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servq.cases.forms import ATTACHMENT_HELP, MultipleFileField
from servq.cases.services import MAX_DESCRIPTION
from servq.core.forms import RocDateField
from servq.core.validators import no_markup
from servq.services import rules
from servq.services.models import OnlineLevel, Service, SimplificationKind, VisitKind
from servq.services.services import LANGUAGES, Document, ServiceData, parse_documents


class ServiceForm(forms.Form):
    code = forms.SlugField(label=_("代碼"), max_length=24, help_text=_("英數字，例如 household-transcript"))
    name = forms.CharField(label=_("服務名稱"), max_length=120, validators=[no_markup])
    summary = forms.CharField(
        label=_("服務說明"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_markup],
    )
    legal_basis = forms.CharField(
        label=_("法令依據"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_markup],
    )
    eligibility = forms.CharField(
        label=_("申請資格"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_markup],
    )
    channels = forms.MultipleChoiceField(
        label=_("申辦方式"),
        choices=list(rules.CHANNELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fees = forms.CharField(
        label=_("規費"),
        required=False,
        max_length=200,
        help_text=_("例如 每張新臺幣15元；免費"),
        validators=[no_markup],
    )
    time_limit = forms.CharField(
        label=_("處理期限"),
        max_length=30,
        help_text=_("例如 7個工作天、30日（日曆天）、即時"),
        validators=[no_markup],
    )
    online_level = forms.TypedChoiceField(
        label=_("線上服務程度"), choices=OnlineLevel.choices, coerce=int, initial=rules.INFO
    )
    apply_url = forms.URLField(
        label=_("線上申辦網址"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("機關自有系統的網址；線上申辦而未填者，由 servq 的線上表單收件"),
    )
    form_languages = forms.MultipleChoiceField(
        label=_("表單語言"),
        choices=list(LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=["zh-Hant"],
        required=False,
    )
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("承辦單位"), queryset=None, required=False, empty_label=_("（未指定）")
    )
    documents = forms.CharField(
        label=_("應備文件"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每列一項；可由電子查驗取代者寫「（可電子查驗：資料來源）」，例如 戶口名簿（可電子查驗：內政部戶役政系統）"
        ),
        validators=[no_markup],
    )
    steps = forms.CharField(
        label=_("作業流程（SOP）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每列一步「角色：作業內容（期限）」，例如 櫃檯人員：受理並檢核文件（即時）"),
        validators=[no_markup],
    )
    alternatives = forms.CharField(
        label=_("數位落差替代方式"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不便到場或不便上網者如何申辦，例如 到府服務、電話預約、代理申請"),
        validators=[no_markup],
    )
    published = forms.BooleanField(label=_("公開於服務項目頁面並開始收件"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, service: Service) -> dict[str, Any]:
        return {
            "code": service.code,
            "name": service.name,
            "summary": service.summary,
            "legal_basis": service.legal_basis,
            "eligibility": service.eligibility,
            "channels": service.channels,
            "fees": service.fees,
            "time_limit": service.time_limit.describe().replace(" ", ""),
            "online_level": service.online_level,
            "apply_url": service.apply_url,
            "form_languages": service.form_languages,
            "unit": service.unit_id,
            "documents": "\n".join(
                d.name + (f"（可電子查驗：{d.e_source}）" if d.e_check else "")
                for d in service.documents.all()
            ),
            "steps": rules.format_steps(s.as_rule() for s in service.steps.all()),
            "alternatives": service.alternatives,
            "published": service.published,
        }

    def data_for_service(self) -> ServiceData:
        c = self.cleaned_data
        documents: list[Document] = parse_documents(c["documents"])
        return ServiceData(
            code=c["code"],
            name=c["name"],
            time_limit=c["time_limit"],
            summary=c["summary"],
            legal_basis=c["legal_basis"],
            eligibility=c["eligibility"],
            channels=list(c["channels"]),
            fees=c["fees"],
            online_level=c["online_level"],
            apply_url=c["apply_url"],
            form_languages=list(c["form_languages"]) or ["zh-Hant"],
            alternatives=c["alternatives"],
            unit=c["unit"],
            documents=documents,
            steps=c["steps"],
            published=c["published"],
        )


class SimplificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("簡化項目"), choices=SimplificationKind.choices)
    before = forms.IntegerField(label=_("簡化前"), min_value=1, max_value=999)
    after = forms.IntegerField(label=_("簡化後"), min_value=0, max_value=998)
    on = RocDateField(label=_("實施日期"))
    reason = forms.CharField(label=_("簡化方式及理由"), max_length=300, validators=[no_markup])
    data_source = forms.CharField(
        label=_("以跨機關資料取代（資料及來源機關）"), required=False, max_length=200, validators=[no_markup]
    )


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    on = RocDateField(label=_("日期"))
    place = forms.CharField(label=_("地點"), max_length=200, validators=[no_markup])
    served = forms.IntegerField(label=_("服務人次"), min_value=0, max_value=100000, initial=0)
    note = forms.CharField(label=_("備註"), required=False, max_length=300, validators=[no_markup])


class ApplicationForm(forms.Form):
    """What an applicant tells: what they apply for, and how to reach them."""

    description = forms.CharField(
        label=_("申請事項說明"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )
    name = forms.CharField(label=_("申請人姓名"), max_length=60, required=False, validators=[no_markup])
    phone = forms.CharField(label=_("電話"), max_length=30, required=False)
    email = forms.CharField(
        label=_("電子郵件"), max_length=254, required=False, help_text=_("用來寄送案號與查詢密碼")
    )
    attachments = MultipleFileField(label=_("應備文件"), required=False, help_text=ATTACHMENT_HELP)
    # A field people never see; software that fills every field fills it.
    website = forms.CharField(required=False, max_length=200, label=_("請勿填寫此欄"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class CounterForm(ApplicationForm):
    service: forms.ModelChoiceField = forms.ModelChoiceField(label=_("服務項目"), queryset=None)
    counter: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("收件櫃檯（機關）"), queryset=None, empty_label=None
    )

    field_order = ["counter", "service", "description", "name", "phone", "email"]

    def __init__(self, *args: Any, services: Any, counters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["counter"].queryset = counters  # type: ignore[attr-defined]
        self.fields["service"].label_from_instance = lambda s: f"{s.name}（{s.agency.name}）"  # type: ignore[attr-defined]
        del self.fields["website"]
        del self.fields["attachments"]  # papers handed over at the counter stay paper


class UploadForm(forms.Form):
    file = forms.FileField(label=_("檔案"), help_text=_("CSV（UTF-8 或 Big5）或 ODS"))
