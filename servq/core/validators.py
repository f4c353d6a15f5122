"""Validators every form shares."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Anything that looks like an HTML tag or entity-encoded tag: plans are plain text, and text that
# carries markup is almost always pasted by mistake or hostile.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&lt;\s*/?\s*[a-zA-Z]|javascript\s*:", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_markup(value: str) -> None:
    if value and MARKUP.search(value):
        raise ValidationError(_("請輸入純文字，不可包含 HTML 標記或程式碼（例如 <script>）。"), code="markup")
    if value and CONTROL.search(value):
        raise ValidationError(_("文字含有無法顯示的控制字元，請重新輸入。"), code="control")
