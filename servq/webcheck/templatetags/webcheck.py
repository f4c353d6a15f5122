"""The checker's notes and errors in the page's language."""

from __future__ import annotations

from django import template

from servq.webcheck import rules

register = template.Library()


@register.filter
def explain(message: str | None) -> str:
    return rules.explain(message or "")
