"""One refusal type for every service: a write refused for a reason the user can act on.

Each app subclasses it (``PlanError``, ``CaseError``, …) so a caller may catch one app's refusals;
``ServiceError.require`` is the one guard every service uses; one middleware turns a refusal that a
view did not handle into a message on the page the user came from. No Django here.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refused write; ``field`` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @classmethod
    def require(cls, ok: bool, message: str, field: str = "") -> None:
        """Refuse (raise this class) unless ``ok``."""
        if not ok:
            raise cls(message, field)
