"""What awards do when other modules change things (core.changes): a person's new tie (a role, a
declared affiliation) withdraws the reviews it puts them in conflict in."""

from __future__ import annotations

from typing import Any

from servq.awards import services
from servq.core import changes


@changes.listen("person.ties")
def withdraw_conflicted_reviews(*, user: Any, by: Any = None) -> None:
    services.withdraw_conflicted(user=user, by=by)
