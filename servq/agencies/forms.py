"""The forms a supervisor or coordinator keeps people with: invite, grant, accept an invitation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import ROLE_CHOICES, Agency
from servq.agencies.selectors import GrantablePlace
from servq.core.forms import RocDateField


class GrantForm(forms.Form):
    """A role at a place the user may grant in. The place is typed by name with the browser's own
    suggestions (a datalist), or by its agency code: a select of a national tree's 10,000 agencies
    is unusable and took most of the page's time to draw."""

    agency = forms.CharField(
        label=_("機關或單位"),
        max_length=300,
        help_text=_("輸入名稱會出現建議，例如「財政部 › 秘書處」；也可輸入機關代碼"),
        widget=forms.TextInput(attrs={"list": "grantable-places", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)
    ends_on = RocDateField(
        label=_("角色結束日（選填）"),
        required=False,
        help_text=_("借調或一年一聘的委員：到這天為止，之後不再有此角色。例如 115/12/31"),
    )

    def __init__(
        self,
        *args: Any,
        suggested: list[GrantablePlace],
        resolve: Callable[[str], Agency | None],
        suggest_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.place_labels = [p.label for p in suggested]
        self._resolve = resolve
        if suggest_url:  # more places than suggested at once: more suggestions as the name is typed
            self.fields["agency"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#grantable-places",
                    "hx-swap": "innerHTML",
                }
            )

    def clean_agency(self) -> Agency:
        typed = str(self.cleaned_data["agency"])
        found = self._resolve(typed)
        if found is None:
            raise forms.ValidationError(
                _("「%(typed)s」不在您可授予角色的機關或單位中。"), params={"typed": typed[:60]}
            )
        return found


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
