"""Form helpers every app shares."""

from __future__ import annotations

from django import forms


def error_summary(form: forms.Form) -> str:
    """All of a form's errors in one line for a message, each after its field's label: 「內容：…；電話：…」."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label else ""
        parts.extend(f"{label}{error}" for error in errors)
    return "；".join(parts)
