"""Form helpers every app shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servq.core.rules import ROC_OFFSET, format_roc_date, parse_any_date, year_from_either


def error_summary(form: forms.Form) -> str:
    """All of a form's errors in one line for a message, each after its field's label: 「內容：…；電話：…」."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label else ""
        parts.extend(f"{label}{error}" for error in errors)
    return "；".join(parts)


class RocDateField(forms.Field):
    """A date typed as offices write it (115/3/5, 115年3月5日) or as ISO (2026-03-05); shown in ROC.

    A plain text input, not the browser's date picker, which shows mm/dd/yyyy in the Gregorian
    calendar and takes no ROC year."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("例如 115/3/5、115年3月5日 或 2026-03-05"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "placeholder": "115/3/5", "maxlength": "20"})

    def prepare_value(self, value: Any) -> Any:
        return format_roc_date(value) if isinstance(value, dt.date) else value

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        text = str(value or "").strip()[:40]
        if not text:
            return None
        try:
            return parse_any_date(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class YearField(forms.IntegerField):
    """A year typed as offices write it (115) or as 2026, kept as Gregorian and shown in ROC (issue
    33.12: typing 116 was refused with 「請確認此數值是否大於或等於 2000」)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("例如 116（民國）或 2027"))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value - ROC_OFFSET if isinstance(value, int) and value >= 1000 else value

    def to_python(self, value: Any) -> int | None:
        year = super().to_python(value)
        if year is None:
            return None
        gregorian = year_from_either(year)
        if not 2000 <= gregorian <= 2100:
            raise forms.ValidationError(_("年度須介於民國 89 年與 189 年之間（西元 2000 到 2100）。"))
        return gregorian
