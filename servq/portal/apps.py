from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Above every app: the home page, the agency directory, the audit log and the demo loader."""

    name = "servq.portal"
    label = "portal"
    verbose_name = "入口"

    def ready(self) -> None:
        from servq.portal import second_factor  # noqa: F401  (notes at sign-in who owes no second factor)
