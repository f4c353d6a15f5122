from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Above every app: the home page, the agency directory, the audit log and the demo loader."""

    name = "servq.portal"
    label = "portal"
    verbose_name = "入口"
