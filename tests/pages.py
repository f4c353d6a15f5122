"""Reading a page's form as a browser would send it: what a test posts is what the page holds."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser


def form_data(html: str, form_selector: str) -> dict[str, str]:
    """Every named field of the form as shown: text and hidden inputs, textareas, chosen options,
    ticked boxes; not files, not buttons, not the CSRF token (the test client adds its own)."""
    form = LexborHTMLParser(html).css_first(form_selector)
    assert form is not None, f"no {form_selector} on the page"
    data: dict[str, str] = {}
    for field in form.css("input[name], textarea[name], select[name]"):
        name, kind = field.attributes["name"] or "", field.attributes.get("type", "")
        if kind in ("file", "submit") or (kind == "checkbox" and "checked" not in field.attributes):
            continue
        if field.tag == "textarea":
            data[name] = field.text()
        elif field.tag == "select":
            chosen = field.css_first("option[selected]") or field.css_first("option")
            data[name] = (chosen.attributes.get("value") or "") if chosen else ""
        else:
            data[name] = field.attributes.get("value") or ""
    data.pop("csrfmiddlewaretoken", None)
    return data
