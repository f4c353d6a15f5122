"""The inventory as others read it (opendata/metadata.py)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("(02)2321-5151", "tel:+886-223215151"),
        ("02-2321-5151 分機 123", "tel:+886-223215151;ext=123"),
        ("1999", "tel:1999"),
    ],
)
def test_a_contact_telephone_is_a_tel_uri(written, uri):
    """Issue 36.7: vcard:hasTelephone was a plain string."""
    from servq.opendata.metadata import _tel

    assert _tel(written) == uri
