"""What surveys do when other modules change things (core.changes): a questionnaire with each case."""

from __future__ import annotations

from typing import Any

from servq.core import changes
from servq.surveys import services


@changes.listen("case.closed")
def questionnaire_with_case(*, case: Any) -> None:
    services.invite_with_case(case=case)
