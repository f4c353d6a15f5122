"""The forms a supervisor or coordinator keeps people with: invite, grant, accept an invitation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import ROLE_CHOICES, Agency
from servq.core.forms import RocDateField


class PlaceChoiceField(forms.ModelChoiceField):
    """An agency or unit shown by name under its agency (「財政部 › 秘書處」), never by code."""

    def label_from_instance(self, obj: Agency) -> str:
        if obj.is_unit and obj.parent is not None:
            return f"{obj.parent.name} › {obj.name}"
        return obj.name


class GrantForm(forms.Form):
    agency = PlaceChoiceField(label=_("機關或單位"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)
    ends_on = RocDateField(
        label=_("角色結束日（選填）"),
        required=False,
        help_text=_("借調或一年一聘的委員：到這天為止，之後不再有此角色。例如 115/12/31"),
    )

    def __init__(self, *args: Any, places: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, PlaceChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[p.pk for p in places]).select_related("parent")


class InviteForm(GrantForm):
    name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.EmailField(label=_("電子郵件"), max_length=254)
    field_order = ["name", "email", "agency", "role", "ends_on"]


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=150)
    password = forms.CharField(
        label=_("設定密碼"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=128,
    )
    password_again = forms.CharField(
        label=_("再輸入一次密碼"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=128,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("兩次輸入的密碼不一致。"))
        return data
