"""The FAQ's permissions, registered with django-rules."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.rules import keeps_content_of
from servq.agencies.selectors import grants_of


@django_rules.predicate
def keeps_faq(user: Any, agency: Any) -> bool:
    """The agency's coordinator and its units' staff keep its FAQ; supervisors above may too."""
    return agency is not None and keeps_content_of(grants_of(user), agency.path)


django_rules.add_perm("faq.keep_faq", keeps_faq)
