from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "servq.reporting"
    label = "reporting"
    verbose_name = "管制考核"

    def ready(self) -> None:
        # Registering the measures and periodic jobs this app provides.
        from servq.reporting import demo, measures, permissions, search, tasks, todos  # noqa: F401
