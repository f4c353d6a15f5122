from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "servq.cases"
    label = "cases"
    verbose_name = "為民服務案件"

    def ready(self) -> None:
        # Registering the measures and periodic jobs this app provides.
        from servq.cases import demo, measures, permissions, search, tasks, todos  # noqa: F401
