"""Case forms: the citizen's (with a honeypot), the operator's, and the workflow actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servq.cases.models import CaseCategory, Channel, Outcome, ReplyMethod
from servq.cases.services import MAX_DESCRIPTION, Upload
from servq.core.validators import no_markup


def uploads_of(files: Any) -> list[Upload]:
    """The chosen files as the services take them, read from their start (a submit a service
    refused has read them once already), one byte past the limit so an oversized one is named."""
    found = []
    for upload in files:
        upload.seek(0)
        found.append(Upload(upload.name or "", upload.read(settings.SERVQ_ATTACHMENT_MAX_BYTES + 1)))
    return found


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked (type, size, metadata) by the intake service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


ATTACHMENT_HELP = _("JPEG、PNG 或 PDF，最多 3 個、每個 5 MB；照片中的拍攝地點等資訊會先移除")


class CitizenCaseForm(forms.Form):
    category: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("類別"), queryset=CaseCategory.objects.none(), empty_label=None
    )
    subject = forms.CharField(label=_("主旨"), max_length=120, required=False, validators=[no_markup])
    description = forms.CharField(
        label=_("內容"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[no_markup],
        help_text=_("請說明事由、時間與地點；最多 5000 字"),
    )
    address = forms.CharField(label=_("地點"), max_length=200, required=False, validators=[no_markup])
    # Set by the map (map.js) where the operator allows one; checked again by the intake service.
    lat = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    long = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False, validators=[no_markup])
    email = forms.CharField(
        label=_("電子郵件"), max_length=254, required=False, help_text=_("用來寄送案號、查詢密碼與回覆")
    )
    phone = forms.CharField(label=_("電話"), max_length=30, required=False)
    attachments = MultipleFileField(
        label=_("照片或附件"),
        required=False,
        help_text=ATTACHMENT_HELP,
    )
    reply_by = forms.ChoiceField(
        label=_("回覆方式"),
        choices=[("", _("依我留下的聯絡方式")), *ReplyMethod.choices],
        required=False,
        help_text=_("選電子郵件或電話，請留下該聯絡方式；無論選哪一種，都可以用案號與查詢密碼上網查詢"),
    )
    # A field people never see; software that fills every field fills it.
    website = forms.CharField(required=False, max_length=200, label=_("請勿填寫此欄"))

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class OperatorCaseForm(CitizenCaseForm):
    channel = forms.ChoiceField(
        label=_("來源"),
        choices=[(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.API)],
    )


class CopyForm(forms.Form):
    """Send the case number and query password again, to an address the citizen gives."""

    number = forms.CharField(widget=forms.HiddenInput, max_length=24)
    token = forms.CharField(widget=forms.HiddenInput, max_length=20)
    email = forms.CharField(label=_("寄到這個電子郵件"), max_length=254)


class TrackForm(forms.Form):
    number = forms.CharField(label=_("案號"), max_length=24)
    password = forms.CharField(
        label=_("查詢密碼"), max_length=20, widget=forms.PasswordInput(render_value=False)
    )


class SupplementForm(forms.Form):
    """The citizen's answer to a 補正 request, on the query page."""

    text = forms.CharField(
        label=_("補正說明"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )
    attachments = MultipleFileField(label=_("補正檔案"), required=False, help_text=ATTACHMENT_HELP)


class ActionForm(forms.Form):
    note = forms.CharField(
        label=_("說明"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_markup],
    )
    outcome = forms.ChoiceField(label=_("結果"), choices=Outcome.choices, required=False)
    remedy = forms.CharField(label=_("救濟方法"), required=False, max_length=2000, validators=[no_markup])
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("展期天數"), required=False, min_value=1, max_value=365)
    score = forms.IntegerField(label=_("滿意度（1–5）"), required=False, min_value=1, max_value=5)
